"""Form fields every app shares."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import phones

# What was wrong with a number and what to do next, per InvalidPhone.reason.
PHONE_ERRORS = {
    phones.EMPTY: _("Enter a phone number, for example 0812 3456 7890."),
    phones.NOT_A_NUMBER: _(
        "A phone number has only digits (spaces, dashes and a leading + are fine). "
        "Enter it like 0812 3456 7890."
    ),
    phones.TOO_SHORT: _(
        "This number is too short. Check that no digit is missing, for example 0812 3456 7890, "
        "or (0721) 123456 with the area code for a landline."
    ),
    phones.TOO_LONG: _(
        "This number is too long. Enter one number only, for example 0812 3456 7890."
    ),
    phones.NOT_IN_USE: _(
        "This is not a number in use in Indonesia. Check the first digits "
        "(mobile numbers start with 08, or +62 8 with the country code)."
    ),
}


def phone_error(reason: str):
    """The message for an InvalidPhone ``reason`` (lazy, Indonesian when active)."""
    return PHONE_ERRORS.get(reason, PHONE_ERRORS[phones.NOT_A_NUMBER])


class PhoneField(forms.CharField):
    """A phone number typed any way; cleans to E.164 (``+6281234567890``), "" when blank.

    A number that cannot be dialled is refused with what was wrong and what to type.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("strip", True)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return ""
        try:
            return phones.to_e164(value)
        except phones.InvalidPhone as error:
            raise forms.ValidationError(phone_error(error.reason), code=error.reason) from None

    def prepare_value(self, value):
        # A stored E.164 number is shown in the form people write it (0812-3456-7890).
        if isinstance(value, str) and value.startswith("+"):
            return phones.display(value)
        return value

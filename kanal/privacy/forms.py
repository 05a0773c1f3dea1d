"""Forms of the data protection officer's pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kanal.core.forms import PhoneField

from .actions import BREACH_FIELDS
from .models import Breach, SubjectRequest


class SubjectRequestForm(forms.ModelForm):
    phone = PhoneField(
        label=_("phone or WhatsApp"),
        required=False,
        help_text=_("The number the person used in their reports."),
    )

    class Meta:
        model = SubjectRequest
        fields = ["kind", "subject_name", "phone", "email", "nik", "note"]
        widgets = {"kind": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "nik": _("Only if the person gave it in a report."),
        }

    def clean(self):
        data = super().clean()
        if not (data.get("phone") or data.get("email") or data.get("nik")):
            raise forms.ValidationError(
                _("Give at least one of phone, e-mail or NIK to find the person's data.")
            )
        return data


class IdentityForm(forms.Form):
    how = forms.CharField(
        label=_("How was the identity checked?"),
        max_length=200,
        help_text=_("For example: KTP shown at the desk; code sent to the phone in the report."),
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class BreachForm(forms.ModelForm):
    class Meta:
        model = Breach
        fields = list(BREACH_FIELDS)  # exactly what record_breach/update_breach accept
        widgets = {
            "discovered_at": DateTimeInput(),
            "occurred_at": DateTimeInput(),
            "subjects_notified_at": DateTimeInput(),
            "authority_notified_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "data_concerned": forms.Textarea(attrs={"rows": 2}),
            "measures": forms.Textarea(attrs={"rows": 3}),
        }

"""Forms of the public website: case filters and search (GET forms, nothing is written)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kanal.core import phones
from kanal.core.forms import phone_error

from . import queries


class CaseFilterForm(forms.Form):
    """Filters of the public case list; unknown values are reported, not ignored."""

    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    kelurahan = forms.ChoiceField(label=_("Kelurahan"), required=False)
    category = forms.ChoiceField(label=_("Topic"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = queries.case_filter_choices()
        everything = [("", _("All"))]
        self.fields["kecamatan"].choices = everything + choices["kecamatan"]
        self.fields["kelurahan"].choices = everything + [
            (code, f"{name} ({kecamatan})") for code, name, kecamatan in choices["kelurahan"]
        ]
        self.fields["category"].choices = everything + choices["category"]

    def filters(self) -> queries.CaseFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return queries.CaseFilters(
            kecamatan=data.get("kecamatan", ""),
            kelurahan=data.get("kelurahan", ""),
            category=data.get("category", ""),
        )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), max_length=100, required=False)


class FollowForm(forms.Form):
    """ "Follow this report": where the updates go (one click stops them)."""

    via = forms.ChoiceField(
        label=_("Send me its updates by"),
        choices=[("email", _("E-mail")), ("whatsapp", _("WhatsApp"))],
        initial="email",
        widget=forms.RadioSelect,
    )
    address = forms.CharField(
        label=_("Your e-mail address or WhatsApp number"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "email"}),
    )

    def clean(self):
        from kanal.complaints.rules import normalise_contact

        data = super().clean()
        via, address = data.get("via"), data.get("address", "")
        if via == "email" and "@" not in address and address:
            self.add_error("address", _("Enter an e-mail address like name@example.com."))
        elif via == "whatsapp" and address and not phones.e164_or_blank(address):
            try:  # say what is wrong with the number
                phones.to_e164(address)
            except phones.InvalidPhone as error:
                self.add_error("address", phone_error(error.reason))
        elif address and not normalise_contact(address):
            self.add_error("address", _("Enter an e-mail address like name@example.com."))
        return data

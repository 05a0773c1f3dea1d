"""The field app's submission, checked on the server as carefully as the staff form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kanal.core.forms import PhoneField
from kanal.core.uploads import max_upload_bytes
from kanal.publishing.models import FieldVisit
from kanal.wilayah.queries import kelurahan_by_code

from . import rules

# Read aloud to the reporter before the officer ticks the box (UU 27/2022).
CONSENT_TEXT = _(
    "The city keeps your name and number only to handle this complaint and to send you "
    "its tracking number. They are never published. Do you agree?"
)


class FieldRecordForm(forms.Form):
    """One record sent by the phone (multipart: fields and an optional photo)."""

    slip = forms.CharField(max_length=11)
    text = forms.CharField(max_length=5000, required=False)
    photo = forms.FileField(required=False)
    channel = forms.ChoiceField(choices=[(c, c) for c in rules.FIELD_CHANNELS])
    kelurahan = forms.CharField(max_length=20, required=False)
    lat = forms.FloatField(required=False, min_value=-11.5, max_value=6.5)
    lng = forms.FloatField(required=False, min_value=94.5, max_value=141.5)
    place = forms.CharField(max_length=300, required=False)
    name = forms.CharField(max_length=150, required=False)
    phone = PhoneField(required=False)
    no_contact = forms.BooleanField(required=False)
    consent = forms.BooleanField(required=False)
    visit = forms.IntegerField(required=False)
    recorded_at = forms.DateTimeField(required=False)

    def clean_slip(self):
        slip = self.cleaned_data["slip"].strip().upper()
        if not rules.is_slip_number(slip):
            raise forms.ValidationError(_("The slip number is not valid."))
        return slip

    def clean_kelurahan(self):
        code = self.cleaned_data["kelurahan"]
        if not code:
            return None
        kelurahan = kelurahan_by_code(code)
        if kelurahan is None:
            raise forms.ValidationError(_("Choose a kelurahan from the list."))
        return kelurahan

    def clean_visit(self):
        visit_id = self.cleaned_data["visit"]
        if visit_id is None:
            return None
        visit = FieldVisit.objects.filter(pk=visit_id).first()
        if visit is None:
            raise forms.ValidationError(_("The field visit no longer exists."))
        return visit

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > max_upload_bytes():
            raise forms.ValidationError(
                _("The photo is larger than %(mb)d MB.")
                % {"mb": max_upload_bytes() // (1024 * 1024)}
            )
        return photo

    def clean(self):
        data = super().clean()
        if not data.get("text", "").strip() and not data.get("photo"):
            raise forms.ValidationError(_("Write what the complaint is about, or add a photo."))
        if (data.get("name") or data.get("phone")) and not data.get("consent"):
            self.add_error(
                "consent",
                _("Read the consent aloud and tick it, or leave the name and number empty."),
            )
        return data

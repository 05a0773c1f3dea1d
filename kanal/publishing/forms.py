"""Forms of the publishing console (parse and validate only; actions do the writing)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kanal.directory.models import Unit
from kanal.wilayah.models import Kelurahan

from .actions.partners import PARTNER_FIELDS
from .models import SOCIAL_CHANNELS, Channel, ContentKind, FieldVisit, MediaPartner

SOCIAL_CHOICES = [(c.value, c.label) for c in Channel if c in SOCIAL_CHANNELS]


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        required=False,
        help_text=_("One or two sentences; used in lists and social captions."),
    )
    body = forms.CharField(
        label=_("Body"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Plain text. Leave a blank line between paragraphs."),
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Units involved"),
        queryset=Unit.objects.filter(is_active=True).order_by("name"),
        required=False,
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separate tags with commas.")
    )
    channels = forms.MultipleChoiceField(
        label=_("Social channels"),
        choices=SOCIAL_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    scheduled_at = forms.DateTimeField(
        label=_("Planned publication"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Needed to schedule; counts towards the weekly plan."),
    )
    progress_percent = forms.IntegerField(
        label=_("Progress (%)"), min_value=0, max_value=100, required=False
    )

    def clean_tags(self):
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]


class FileForm(forms.Form):
    file = forms.FileField(label=_("Image or PDF"))
    alt_text = forms.CharField(
        label=_("Alt text"),
        max_length=250,
        required=False,
        help_text=_("What the image shows, for people who cannot see it. Required for images."),
    )


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class ProgressForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    text = forms.CharField(label=_("What changed"), widget=forms.Textarea(attrs={"rows": 3}))


class PartnerForm(forms.ModelForm):
    class Meta:
        model = MediaPartner
        fields = list(PARTNER_FIELDS)  # what save_media_partner writes


class SendForm(forms.Form):
    partners = forms.ModelMultipleChoiceField(
        label=_("Media partners"),
        queryset=MediaPartner.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )


class VisitForm(forms.ModelForm):
    kelurahan = forms.ModelChoiceField(
        label=_("Kelurahan"), queryset=Kelurahan.objects.order_by("name")
    )

    class Meta:
        model = FieldVisit
        fields = ["date", "title", "kelurahan", "place", "participants", "talking_points", "notes"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "talking_points": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, talking_points=None, **kwargs):
        super().__init__(*args, **kwargs)
        if talking_points is not None:
            self.fields["talking_points"].queryset = talking_points


class ReportForm(forms.Form):
    report = forms.CharField(
        label=_("Report"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, what was promised, what follows."),
    )

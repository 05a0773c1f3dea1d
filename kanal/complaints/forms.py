"""Forms for the citizen's report, the staff's own entry, and the console's actions."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kanal.core import phones
from kanal.core.forms import PhoneField, phone_error
from kanal.directory.queries import active_categories

from . import queries, rules
from .models import Channel, ContactPreference, Kind

CONSENT_TEXT = _(
    "I agree that the city processes my name and contact details to handle this report "
    "and to tell me the answer (UU 27/2022 on personal data protection). They are never "
    "published."
)


def kelurahan_choices(rows=None):
    """Kelurahan grouped by kecamatan, for a plain <select> that works without JavaScript."""
    rows = rows or queries.form_choice_rows()
    groups: dict[str, list] = {}
    for code, name, kecamatan in rows["kelurahan"]:
        groups.setdefault(f"Kecamatan {kecamatan}", []).append((code, name))
    return [("", _("I don't know / not in one place")), *groups.items()]


def category_choices(rows=None):
    rows = rows or queries.form_choice_rows()
    groups: dict[str, list] = {}
    for code, name, parent in rows["category"]:
        groups.setdefault(parent, []).append((code, name))
    other = rows["top_only"]
    return (
        [("", _("I don't know"))] + list(groups.items()) + ([(_("Other"), other)] if other else [])
    )


# (choice-list version, language) -> normalised kelurahan and category choices.
_normalised_choices: dict[tuple, tuple[list, list]] = {}


class ReportForm(forms.Form):
    """The citizen's report (GOV.UK style: one page, labels, hints, an error summary)."""

    kind = forms.ChoiceField(
        label=_("What do you want to send?"),
        choices=Kind.choices,
        initial=Kind.COMPLAINT,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(
        label=_("Short title"),
        min_length=5,
        max_length=200,
        help_text=_("For example: Street light off on Jl. Teuku Umar"),
        error_messages={
            "required": _("Write a short title."),
            "min_length": _("Write a title of at least 5 characters."),
        },
    )
    description = forms.CharField(
        label=_("What happened?"),
        min_length=15,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Where, since when, and what you would like the city to do."),
        error_messages={
            "required": _("Say what happened."),
            "min_length": _("Say a little more (at least 15 characters): what, where, since when."),
        },
    )
    category = forms.ChoiceField(label=_("Topic"), required=False)
    kelurahan = forms.ChoiceField(label=_("Kelurahan"), required=False)
    address = forms.CharField(
        label=_("Address or landmark"),
        max_length=300,
        required=False,
        help_text=_("For example: in front of SD Negeri 2, near the mosque"),
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-11.5, max_value=6.5)
    lng = forms.FloatField(
        required=False, widget=forms.HiddenInput, min_value=94.5, max_value=141.5
    )
    photo = forms.FileField(
        label=_("Photo or document"),
        required=False,
        help_text=_("JPEG, PNG or PDF, up to 10 MB. Location data in photos is removed."),
    )
    contact_preference = forms.ChoiceField(
        label=_("How should we tell you the answer?"),
        choices=[
            (ContactPreference.WHATSAPP, _("WhatsApp")),
            (ContactPreference.EMAIL, _("E-mail")),
            (ContactPreference.NONE, _("Don't contact me (fully anonymous report)")),
        ],
        initial=ContactPreference.WHATSAPP,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    phone = PhoneField(
        label=_("WhatsApp number"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    is_anonymous = forms.BooleanField(
        label=_("Keep my identity secret (rahasia)"),
        help_text=_(
            "Only the complaint officers see your name and contact. The unit that handles "
            "the report and the public do not. Untick only if the unit may contact you directly."
        ),
        required=False,
        initial=True,
    )
    consent = forms.BooleanField(label=CONSENT_TEXT, required=False)
    consent.summary_label = _("Consent")  # the error summary names it in one word
    # Honeypot: hidden from people (CSS and aria-hidden), filled in by simple bots.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = queries.form_choice_rows()  # one cache read for both lists
        # The lists' version: what a valid form's codes are looked up in (form_places).
        self.choice_version = rows.get("version")
        key = (self.choice_version, get_language())
        if (lists := _normalised_choices.get(key)) is None:
            self.fields["kelurahan"].choices = kelurahan_choices(rows)
            self.fields["category"].choices = category_choices(rows)
            _normalised_choices.clear()  # only the current version is kept
            _normalised_choices[key] = (
                self.fields["kelurahan"].choices,
                self.fields["category"].choices,
            )
            return
        # Already normalised for this version: assigned as the ``choices`` setters would
        # after normalising (~200 options twice, the form's main cost: ~10 ms a form).
        for name, choices in zip(("kelurahan", "category"), lists, strict=True):
            field = self.fields[name]
            field._choices = field.widget._choices = choices

    def clean(self):
        data = super().clean()
        preference = data.get("contact_preference")
        if (
            preference == ContactPreference.WHATSAPP
            and not data.get("phone")
            and "phone" not in self.errors
        ):
            self.add_error("phone", _("Enter your WhatsApp number, or choose another way."))
        # An address already refused as invalid keeps that one error (one error per field).
        if (
            preference == ContactPreference.EMAIL
            and not data.get("email")
            and "email" not in self.errors
        ):
            self.add_error("email", _("Enter your e-mail address, or choose another way."))
        gives_personal_data = any(data.get(f) for f in ("name", "phone", "email"))
        if preference != ContactPreference.NONE and gives_personal_data and not data.get("consent"):
            self.add_error("consent", _("Tick the box to agree, or choose not to be contacted."))
        if preference == ContactPreference.NONE:
            data["name"] = data["phone"] = data["email"] = ""
        return data

    def clean_photo(self):
        """Refuse an oversized file or a type we do not take on the first submit.

        The type is read from the content (not the name); the full check and cleaning
        happen when the case is stored.
        """
        from kanal.core.uploads import max_upload_bytes, sniff

        photo = self.cleaned_data.get("photo")
        if photo and photo.size > max_upload_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB. Send a smaller photo or document.")
                % {"mb": max_upload_bytes() // (1024 * 1024)}
            )
        if photo:
            head = photo.read(4096)
            photo.seek(0)
            if not sniff(head):
                raise forms.ValidationError(
                    _("This file type is not accepted. Send a photo (JPEG or PNG) or a PDF.")
                )
        return photo

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class StaffEntryForm(ReportForm):
    """A case heard in person or by phone, entered by staff (fast, works on a phone).

    ``default_channel`` presets the channel from the officer's role (see
    ``rules.default_staff_channel``). Unlike the public form, "no contact" keeps a name
    the reporter gave: the case is recorded with that name and their wish not to be
    contacted, and their consent to keep the name is still asked.
    """

    channel = forms.ChoiceField(
        label=_("How did the report reach you?"),
        choices=[(c, label) for c, label in Channel.choices if c in rules.STAFF_CHANNELS],
    )

    field_order = ["channel", "kind", "title", "description"]

    def __init__(self, *args, default_channel: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_preference"].initial = ContactPreference.NONE
        if default_channel:
            self.fields["channel"].initial = default_channel
        self.fields["consent"].label = _(
            "The reporter agreed that the city processes their "
            "contact details for this report (UU PDP)."
        )
        del self.fields["website"]

    def clean(self):
        given = {f: self.cleaned_data.get(f, "") for f in ("name", "phone", "email")}
        data = super().clean()
        if data.get("contact_preference") == ContactPreference.NONE:
            # Keep the name (and any number) the reporter gave; only contact is refused.
            data.update(given)
            if any(given.values()) and not data.get("consent"):
                self.add_error(
                    "consent",
                    _("Tick the box when the reporter agreed, or leave the name and number empty."),
                )
        return data

    @property
    def is_spam(self) -> bool:
        return False


class TrackForm(forms.Form):
    number = forms.CharField(label=_("Tracking number"), max_length=30)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The region's prefix (kanal.core.region), not a city's letters written here.
        self.fields["number"].help_text = _("For example %(number)s") % {
            "number": f"{settings.KANAL_TRACKING_PREFIX}-7KQ2-M9XD"
        }


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the six digits we sent you.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class FollowupKeyForm(forms.Form):
    key = forms.CharField(
        label=_("Follow-up key"),
        max_length=40,
        help_text=_("The key shown when you sent the report, for example 7KQ2-M9XD-4TRA-P0ZE"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ContactForm(forms.Form):
    """The phone number or e-mail address a citizen proves for "my reports"."""

    contact = forms.CharField(
        label=_("Your WhatsApp number or e-mail address"),
        max_length=200,
        help_text=_("The one you gave with your reports, for example 0812 3456 7890"),
        widget=forms.TextInput(attrs={"autocomplete": "email"}),
    )

    def clean_contact(self):
        typed = self.cleaned_data["contact"]
        value = rules.normalise_contact(typed)
        if value:
            return value
        if "@" not in typed and any(c.isdigit() for c in typed):
            try:  # a number: say what is wrong with it
                phones.to_e164(typed)
            except phones.InvalidPhone as error:
                raise forms.ValidationError(phone_error(error.reason)) from None
        raise forms.ValidationError(
            _("Enter a phone number like 0812 3456 7890 or an e-mail address.")
        )


class PointForm(forms.Form):
    """A point on the map (and the topic chosen so far), for the nearby reports."""

    lat = forms.FloatField(min_value=-11.5, max_value=6.5)
    lng = forms.FloatField(min_value=94.5, max_value=141.5)
    category = forms.CharField(required=False, max_length=100)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How well did the answer solve your problem?"),
        coerce=int,
        choices=[(5, _("5 – very well")), (4, "4"), (3, "3"), (2, "2"), (1, _("1 – not at all"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InboxFilterForm(forms.Form):
    """The inbox filters, read from the query string."""

    q = forms.CharField(label=_("Search"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    sla = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("All")), ("at_risk", _("At risk")), ("overdue", _("Overdue"))],
    )
    unit = forms.CharField(label=_("Unit code"), required=False)
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    category = forms.ChoiceField(label=_("Topic"), required=False)
    owner = forms.ChoiceField(
        label=_("Owner"),
        required=False,
        choices=[("", _("Anyone")), ("me", _("My cases")), ("none", _("Unassigned"))],
    )
    returned = forms.BooleanField(label=_("Returned by a unit"), required=False)

    def __init__(self, *args, **kwargs):
        from kanal.wilayah.queries import all_kecamatan

        from .models import State

        super().__init__(*args, **kwargs)
        blank = [("", _("All"))]
        self.fields["state"].choices = blank + list(State.choices)
        self.fields["channel"].choices = blank + list(Channel.choices)
        self.fields["kind"].choices = blank + list(Kind.choices)
        self.fields["kecamatan"].choices = blank + [(k.code, k.name) for k in all_kecamatan()]
        self.fields["category"].choices = blank + [(c.code, str(c)) for c in active_categories()]

"""Forms of the PPID: the public request, status and objection forms, and staff steps."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kanal.core.forms import PhoneField

from .models import (
    AccessMethod,
    Channel,
    DeliveryMethod,
    DisputeOutcome,
    ExemptedInformationItem,
    ExemptionGround,
    ObjectionDecision,
    ObjectionGround,
    Outcome,
    RequesterKind,
)

NIK_RE = re.compile(r"^\d{16}$")


class HoneypotMixin(forms.Form):
    """A field people never see; bots fill it in. Checked by the view, not as an error."""

    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class RequestForm(HoneypotMixin):
    requester_kind = forms.ChoiceField(
        label=_("You are asking as"),
        choices=RequesterKind.choices,
        initial=RequesterKind.PERSON,
        widget=forms.RadioSelect,
    )
    requester_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("Of the person or legal entity asking."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    identity_number = forms.CharField(
        label=_("NIK or legal-entity number"),
        max_length=60,
        help_text=_(
            "Individuals: the 16-digit NIK on your KTP. Legal entities: the number of the "
            "Kemenkumham decree."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    address = forms.CharField(
        label=_("Address"),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    occupation = forms.CharField(label=_("Occupation"), max_length=100)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("We send the written notice here. Give an e-mail or a telephone number."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = PhoneField(
        label=_("Telephone"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    identity_file = forms.FileField(
        label=_("Photo or scan of your KTP (or the legal entity's deed)"),
        required=False,
        help_text=_("JPEG, PNG or PDF. Only PPID officers can see it."),
    )
    on_behalf_of = forms.CharField(
        label=_("On behalf of"),
        max_length=200,
        required=False,
        help_text=_("Only if you ask for someone else: their name. Attach the power of attorney."),
    )
    power_of_attorney = forms.FileField(
        label=_("Power of attorney"),
        required=False,
        help_text=_("JPEG, PNG or PDF."),
    )
    information_requested = forms.CharField(
        label=_("Information you request"),
        help_text=_("Describe the information as precisely as you can."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    purpose = forms.CharField(
        label=_("Purpose of use"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    access_method = forms.ChoiceField(
        label=_("How do you want to obtain the information?"),
        choices=AccessMethod.choices,
        initial=AccessMethod.COPY,
        widget=forms.RadioSelect,
    )
    delivery_method = forms.ChoiceField(
        label=_("How do you want to receive it?"),
        choices=DeliveryMethod.choices,
        initial=DeliveryMethod.EMAIL,
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the PPID processes my personal data to answer this request "
            "(UU 27/2022 on Personal Data Protection). It is not published."
        ),
        error_messages={"required": _("Tick the box to agree, or we cannot process the request.")},
    )

    def clean_identity_number(self):
        value = re.sub(r"[\s.-]", "", self.cleaned_data["identity_number"])
        is_person = self.data.get("requester_kind", RequesterKind.PERSON) == RequesterKind.PERSON
        if is_person and not NIK_RE.match(value):
            raise forms.ValidationError(_("A NIK has 16 digits."))
        return value

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("phone") and "email" not in self.errors:
            self.add_error("email", _("Give an e-mail address or a telephone number."))
        wants_email = data.get("delivery_method") == DeliveryMethod.EMAIL
        if wants_email and not data.get("email") and "email" not in self.errors:
            self.add_error("email", _("Give your e-mail address to receive it by e-mail."))
        if data.get("on_behalf_of") and not data.get("power_of_attorney"):
            self.add_error(
                "power_of_attorney", _("Attach the power of attorney when asking for someone.")
            )
        return data


class StaffRequestForm(RequestForm):
    """A request received by letter, e-mail, in person or by phone, entered by staff."""

    channel = forms.ChoiceField(
        label=_("Received through"),
        choices=[c for c in Channel.choices if c[0] != Channel.WEB],
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        initial=timezone.now,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    field_order = ["channel", "received_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Oral requests are recorded as heard (UU 22(3)); details can follow.
        for name in ("identity_number", "address", "occupation", "purpose"):
            self.fields[name].required = False
        self.fields["consent"].required = False
        del self.fields["website"]

    def is_bot(self) -> bool:
        return False

    def clean_identity_number(self):
        value = self.cleaned_data["identity_number"]
        return super().clean_identity_number() if value else value


class StatusForm(forms.Form):
    registration_number = forms.CharField(
        label=_("Registration number"),
        max_length=30,
        help_text=_("For example PPID-2026-000123."),
    )
    contact = forms.CharField(
        label=_("The e-mail or telephone number you gave"),
        max_length=200,
    )


class ObjectionForm(HoneypotMixin, StatusForm):
    objector_name = forms.CharField(label=_("Full name"), max_length=200)
    proxy_name = forms.CharField(
        label=_("Proxy"),
        max_length=200,
        required=False,
        help_text=_("Only if someone files the objection for you."),
    )
    ground = forms.ChoiceField(
        label=_("Ground of the objection (UU 14/2008 Pasal 35)"),
        choices=ObjectionGround.choices,
        widget=forms.RadioSelect,
    )
    ground_arose_on = forms.DateField(
        label=_("When did the ground arise?"),
        help_text=_("For example the date of the written notice. Format: 2026-03-31."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    case_position = forms.CharField(
        label=_("Case position"),
        help_text=_("What happened and what you ask the atasan PPID to do."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    consent = RequestForm.base_fields["consent"]


class CompleteForm(forms.Form):
    requester_name = forms.CharField(label=_("Full name"), max_length=200)
    identity_number = forms.CharField(label=_("NIK or legal-entity number"), max_length=60)
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 2}))
    occupation = forms.CharField(label=_("Occupation"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = PhoneField(label=_("Telephone"), required=False)
    purpose = forms.CharField(
        label=_("Purpose of use"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("Written reason for the extension"), widget=forms.Textarea(attrs={"rows": 3})
    )


class NoticeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    material = forms.CharField(
        label=_("Information to be provided"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    blacked_out = forms.CharField(
        label=_("Blacked-out parts and why"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    exempted_item = forms.ModelChoiceField(
        label=_("DIK entry (for a rejection)"),
        queryset=ExemptedInformationItem.objects.all(),
        required=False,
    )
    exemption_ground = forms.ChoiceField(
        label=_("Pasal 17 ground"),
        choices=[("", "—"), *ExemptionGround.choices],
        required=False,
    )
    consequence_test = forms.CharField(
        label=_("Consequence test"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    held_by = forms.CharField(label=_("Body that holds it"), max_length=200, required=False)
    format = forms.CharField(label=_("Format"), max_length=100, required=False)
    cost = forms.DecimalField(label=_("Cost (Rp)"), min_value=0, decimal_places=0, initial=0)
    payment_method = forms.CharField(label=_("How to pay"), max_length=200, required=False)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            ("identity", _("Identity document (KTP / deed)")),
            ("power_of_attorney", _("Power of attorney")),
            ("other", _("Other")),
        ],
    )
    file = forms.FileField(label=_("File"))


class StaffObjectionForm(forms.Form):
    objector_name = forms.CharField(label=_("Full name"), max_length=200)
    ground = forms.ChoiceField(label=_("Ground"), choices=ObjectionGround.choices)
    ground_arose_on = forms.DateField(label=_("Date the ground arose"))
    filed_on = forms.DateField(label=_("Date filed"))
    case_position = forms.CharField(
        label=_("Case position"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    accept_late = forms.BooleanField(label=_("Record even if filed late"), required=False)


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=ObjectionDecision.choices)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}))
    superior_position = forms.CharField(label=_("Position"), max_length=200, required=False)


class DisputeForm(forms.Form):
    filed_on = forms.DateField(label=_("Date filed with the Komisi Informasi"))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=DisputeOutcome.choices)
    outcome_on = forms.DateField(label=_("Outcome date"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

"""The case (aduan): its reporter, attachments, follow-ups, messages and codes."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from kanal.core.models import TimeStampedModel
from kanal.directory.models import Category, Unit
from kanal.wilayah.models import Kecamatan, Kelurahan


class Kind(models.TextChoices):
    COMPLAINT = "pengaduan", _("Complaint")
    ASPIRATION = "aspirasi", _("Aspiration")
    INFORMATION_REQUEST = "permintaan_informasi", _("Information request")


class State(models.TextChoices):
    RECEIVED = "diterima", _("Received")
    VERIFIED = "diverifikasi", _("Verified")
    DISPOSED = "didisposisikan", _("Disposed to a unit")
    FOLLOWED_UP = "ditindaklanjuti", _("Followed up")
    COMPLETED = "selesai", _("Completed")
    CLOSED = "ditutup", _("Closed")
    POSTPONED = "ditunda", _("Waiting for the reporter")
    NOT_OUR_AUTHORITY = "bukan_wewenang", _("Outside the city's authority")
    REJECTED = "ditolak", _("Rejected")
    MERGED = "digabung", _("Merged")


class Channel(models.TextChoices):
    WEB = "web", _("Website")
    WHATSAPP = "whatsapp", _("WhatsApp")
    INSTAGRAM = "instagram", _("Instagram")
    FACEBOOK = "facebook", _("Facebook")
    TIKTOK = "tiktok", _("TikTok")
    TELEGRAM = "telegram", _("Telegram")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    LAPOR = "lapor", _("SP4N-LAPOR!")
    PPID_DESK = "ppid_desk", _("PPID desk")
    PHONE = "phone", _("Phone call")
    WALK_IN = "walk_in", _("Walk-in")
    # Heard in person by the head of a kelurahan or kecamatan (split so that the
    # dashboard can tell them apart; rows from before were migrated by who entered them).
    LURAH = "lurah", _("Lurah")
    CAMAT = "camat", _("Camat")
    FIELD_VISIT = "field_visit", _("Mayor's field visit")
    API = "api", _("Partner API")


class ContactPreference(models.TextChoices):
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("E-mail")
    CHANNEL = "channel", _("The channel the report came through")
    NONE = "none", _("No contact (anonymous)")


class Reporter(TimeStampedModel):
    """Who reported a case: contact details stored once, shown only to allowed roles."""

    name = models.CharField(_("name"), max_length=150, blank=True)
    phone = models.CharField(_("phone or WhatsApp"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    contact_preference = models.CharField(
        _("contact by"),
        max_length=10,
        choices=ContactPreference.choices,
        default=ContactPreference.NONE,
    )
    # UU PDP Pasal 20-22: consent, when and to what text.
    consented_at = models.DateTimeField(_("consented at"), null=True, blank=True)
    consent_text = models.CharField(max_length=300, blank=True)

    class Meta:
        # The console finds a person's cases by phone and e-mail (queries.matching_reporter_ids).
        indexes = [
            models.Index(fields=["phone"], name="complaints_reporter_phone_idx"),
            models.Index(Upper("email"), name="complaints_reporter_email_idx"),
        ]
        verbose_name = _("reporter")
        verbose_name_plural = _("reporters")

    def __str__(self) -> str:
        return self.name or self.phone or self.email or f"#{self.pk}"


class Complaint(TimeStampedModel):
    """A tracked case from any channel, with its state, owner unit and working-day deadlines.

    ``description`` is the reporter's own text and stays internal; the public only ever
    sees ``public_title`` and ``public_summary``, written or checked by an operator.
    """

    tracking_number = models.CharField(_("tracking number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=25, choices=Kind.choices, default=Kind.COMPLAINT)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    kecamatan = models.ForeignKey(
        Kecamatan, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    kelurahan = models.ForeignKey(
        Kelurahan, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    address = models.CharField(_("address or landmark"), max_length=300, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    channel_reference = models.CharField(max_length=200, blank=True)
    # The key a device chose before sending (the field app's slip number): unique, so a
    # resent, double-tapped or interrupted submission never makes a second case.
    intake_key = models.CharField(
        _("slip number"), max_length=40, null=True, blank=True, unique=True, editable=False
    )
    reporter = models.ForeignKey(
        Reporter, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    # Privacy (SP4N-LAPOR!): identity hidden / case not public / misconduct by officials.
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    is_confidential = models.BooleanField(_("confidential"), default=True)
    is_oversight = models.BooleanField(_("concerns misconduct by officials"), default=False)
    public_title = models.CharField(_("public title"), max_length=200, blank=True)
    public_summary = models.TextField(_("public summary"), blank=True)

    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.RECEIVED, db_index=True
    )
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("unit"),
    )
    # The officer inside the unit who owns the case ("my cases"); empty: unassigned.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
        verbose_name=_("assigned to"),
    )
    # The operator's note to the unit with the latest disposition; the unit reads it.
    disposition_note = models.TextField(_("note to the unit"), blank=True)
    # Set when a unit sent the case back ("not our authority"), cleared when it is routed
    # again: the operators' inbox marks such cases *returned*, the reason in state_reason.
    returned_at = models.DateTimeField(_("returned by the unit"), null=True, blank=True)
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    state_reason = models.TextField(_("reason"), blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_cases"
    )

    received_at = models.DateTimeField(_("received"), db_index=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    disposed_at = models.DateTimeField(null=True, blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    due_basis = models.CharField(max_length=20, blank=True)  # which clock due_date follows
    clock_started_on = models.DateField(null=True, blank=True)  # so due dates can be recomputed
    ceiling_date = models.DateField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    reopen_count = models.PositiveSmallIntegerField(default=0)

    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.TextField(blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    # A fully anonymous reporter's private follow-up key (only its hash is kept).
    followup_key_hash = models.CharField(max_length=128, blank=True)

    # Set by queries.public.nearby_complaints on the rows it returns (metres from the
    # point asked about; None without coordinates); not a column.
    distance: float | None

    class Meta:
        ordering = ["due_date", "received_at"]
        indexes = [
            models.Index(fields=["state", "due_date"]),
            models.Index(fields=["unit", "state"]),
            models.Index(fields=["is_confidential", "is_oversight", "state"]),
        ]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self) -> str:
        return self.tracking_number


class Attachment(models.Model):
    """A photo or PDF on a case, already sanitised; public only when an operator says so."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="complaints/%Y/%m/")
    content_type = models.CharField(max_length=100)
    original_name = models.CharField(max_length=200, blank=True)
    is_public = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name or self.file.name


class FollowUp(models.Model):
    """A unit's answer (tindak lanjut) and the operator's quality check of it."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="follow_ups")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("follow-up"))
    created_at = models.DateTimeField(auto_now_add=True)
    accepted = models.BooleanField(null=True)  # None until the quality check
    review_note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.complaint} follow-up {self.pk}"


class MessageKind(models.TextChoices):
    PUBLIC_REPLY = "public_reply", _("Reply to the reporter")
    INTERNAL_NOTE = "internal_note", _("Internal note")
    CITIZEN_REPLY = "citizen_reply", _("Reporter's reply")


class CaseMessage(models.Model):
    """A message on a case: replies the reporter sees, internal notes, the reporter's replies."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    # A reply an operator approved for the public case page (and for its followers).
    is_public = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.complaint} {self.kind} {self.pk}"


class StaffNotification(models.Model):
    """A notice to staff (a new disposition, an escalation); one per user, case, kind and level."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_notifications"
    )
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    level = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "complaint", "kind", "level"], name="one_notification_per_step"
            )
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message


class AccessCode(models.Model):
    """A one-time code sent to the reporter's contact before their own content is shown."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=128)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"code for {self.complaint}"


class ResponseTemplate(TimeStampedModel):
    """A reply text for a category and state, with placeholders such as {tracking_number}."""

    name = models.CharField(_("name"), max_length=100)
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=[("id", _("Indonesian")), ("en", _("English"))],
        default="id",
    )
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Empty: for every category."),
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, blank=True)
    body = models.TextField(
        _("text"),
        help_text=_("Placeholders: {tracking_number}, {title}, {unit}, {due_date}, {state}."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("response template")
        verbose_name_plural = _("response templates")

    def __str__(self) -> str:
        return self.name


class Follower(models.Model):
    """Someone who follows a public case by e-mail or WhatsApp, or supports it.

    A supporter ("this is my problem too") is counted on the case instead of filing a
    duplicate; a supporter who gave no contact is counted but never written to. Every
    follower can stop with the one-click ``unsubscribe_token`` in each message.
    """

    class Via(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WHATSAPP = "whatsapp", _("WhatsApp")
        NONE = "none", _("No messages")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="followers")
    via = models.CharField(max_length=10, choices=Via.choices)
    address = models.CharField(max_length=200, blank=True)
    is_supporter = models.BooleanField(default=False)
    unsubscribe_token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "via", "address"],
                condition=~models.Q(address=""),
                name="one_follower_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint} follower {self.pk}"


class ContactCode(models.Model):
    """A one-time code sent to a phone or e-mail to open "my reports" on one device.

    ``contact`` is the normalised phone (62...) or lower-case e-mail; only the code's
    hash is kept. The code is sent through the contact's most recent case's notice.
    """

    contact = models.CharField(max_length=200, db_index=True)
    code_hash = models.CharField(max_length=128)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"code for {self.contact[:4]}…"

"""Inbound events stored raw, citizens and their contacts, conversations, messages."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kanal.complaints.models import Complaint
from kanal.core.models import TimeStampedModel


class Provider(models.TextChoices):
    """Who delivers events: one webhook endpoint (or poller) per provider."""

    WHATSAPP = "whatsapp", _("WhatsApp Cloud API")
    META = "meta", _("Facebook and Instagram (Meta)")
    TELEGRAM = "telegram", _("Telegram")
    TIKTOK = "tiktok", _("TikTok")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS gateway")
    LAPOR = "lapor", _("SP4N-LAPOR!")


class EventStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be processed")
    PROCESSED = "processed", _("Processed")
    FAILED = "failed", _("Failed")


class InboundEvent(models.Model):
    """One provider event exactly as it arrived: raw headers and body bytes, never edited.

    ``(provider, event_key)`` is unique, so a redelivery (Meta retries for 36 hours,
    WhatsApp for 7 days, TikTok for 72 hours) inserts nothing. A batch delivery with
    several events gives one row per event; each row keeps the whole raw body, and
    processing applies only the items whose key is the row's key.
    """

    provider = models.CharField(max_length=12, choices=Provider.choices)
    event_key = models.CharField(max_length=255)
    headers = models.JSONField(default=dict)
    body = models.BinaryField()
    received_at = models.DateTimeField(db_index=True)
    is_probe = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=EventStatus.choices, default=EventStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True)  # what processing did, for the console

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_key"], name="one_row_per_event")
        ]
        indexes = [models.Index(fields=["provider", "received_at"])]
        ordering = ["-received_at"]
        verbose_name = _("inbound event")
        verbose_name_plural = _("inbound events")

    def __str__(self) -> str:
        return f"{self.provider}:{self.event_key}"


class SignatureFailure(models.Model):
    """Rejected deliveries per provider per day (counted, never stored: they are untrusted)."""

    provider = models.CharField(max_length=12, choices=Provider.choices)
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)
    last_at = models.DateTimeField()
    last_reason = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "day"], name="one_counter_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.day}: {self.count}"


class Citizen(TimeStampedModel):
    """One person behind one or more contacts (e.g. the same number on WhatsApp and SMS).

    Contacts are joined automatically only when they carry the same phone number; an
    operator may join others, and records the citizen's consent to that (UU PDP Pasal 20).
    """

    name = models.CharField(_("name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    consent_text = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")

    def __str__(self) -> str:
        return self.name or self.phone or self.email or f"#{self.pk}"


class Contact(TimeStampedModel):
    """A person on one channel: a WhatsApp number, a page-scoped id, a Telegram user, ..."""

    channel = models.CharField(max_length=20)  # kanal.complaints.models.Channel
    external_id = models.CharField(max_length=200)
    display_name = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="contacts")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], name="one_contact_per_id")
        ]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.channel}:{self.display_name or self.external_id}"


class Conversation(TimeStampedModel):
    """A thread with one contact on one channel; tied to at most one case at a time."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="conversations")
    channel = models.CharField(max_length=20)
    thread_key = models.CharField(max_length=255)  # chat id, comment thread, e-mail thread
    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.PROTECT, related_name="conversations"
    )
    last_inbound_at = models.DateTimeField(null=True, blank=True)  # opens the reply window

    class Meta:
        indexes = [models.Index(fields=["channel", "thread_key"])]
        ordering = ["-updated_at"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return f"{self.channel}:{self.thread_key}"


class Direction(models.TextChoices):
    INBOUND = "in", _("From the citizen")
    OUTBOUND = "out", _("To the citizen")


class Message(models.Model):
    """One message in a conversation, inbound or outbound."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    kind = models.CharField(max_length=20, default="text")
    provider_message_id = models.CharField(max_length=255, blank=True, db_index=True)
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)  # location, story url, media names
    is_deleted = models.BooleanField(default=False)
    sent_at = models.DateTimeField()
    event = models.ForeignKey(
        InboundEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )

    class Meta:
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return f"{self.direction} {self.kind} {self.pk}"


class MessageMedia(models.Model):
    """A file that came with a message, downloaded at once (provider URLs expire)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="media")
    file = models.FileField(upload_to="channels/%Y/%m/")
    content_type = models.CharField(max_length=100)
    original_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.original_name or self.file.name


class ChannelAlert(models.Model):
    """A channel that went quiet beyond its quiet period; open until events arrive again."""

    provider = models.CharField(max_length=12, choices=Provider.choices)
    raised_at = models.DateTimeField()
    last_event_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    message = models.CharField(max_length=300)

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return self.message


class ChannelSettings(TimeStampedModel):
    """A channel's credentials as an administrator saved them in the console.

    ``values`` maps environment-variable names (``KANAL_WHATSAPP_TOKEN``…) to text; the
    values of secret fields are Fernet tokens (``kanal.core.secrets``), never plain text.
    Read through ``channels.queries.channel_setting``: a value set in the environment
    wins over the one saved here.
    """

    provider = models.CharField(max_length=12, choices=Provider.choices, unique=True)
    values = models.JSONField(default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("channel settings")
        verbose_name_plural = _("channel settings")

    def __str__(self) -> str:
        return self.provider

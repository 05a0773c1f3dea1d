"""The one outbox: every message to a citizen, and each route tried to reach them.

A :class:`OutboxMessage` is written in the transaction of the action that decided to
send it (a case receipt, a one-time code, an answer, a PPID notice, a reply in a
conversation). A task then walks its routes: the citizen's chosen channel first, then
the fallback chain (WhatsApp template, SMS, e-mail). Each route tried, skipped or
failed is one :class:`DeliveryAttempt`, so staff can read what reached the citizen and
what did not.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kanal.channels.models import Conversation
from kanal.complaints.models import Complaint
from kanal.core.models import TimeStampedModel
from kanal.ppid.models import InformationRequest


class Route(models.TextChoices):
    """How a message travels: a channel, and for WhatsApp, free text or a template."""

    WHATSAPP = "whatsapp", _("WhatsApp message")
    WHATSAPP_TEMPLATE = "whatsapp_template", _("WhatsApp template message")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    TELEGRAM = "telegram", _("Telegram")
    FACEBOOK = "facebook", _("Facebook Messenger")
    INSTAGRAM = "instagram", _("Instagram")
    TIKTOK = "tiktok", _("TikTok")
    LAPOR = "lapor", _("SP4N-LAPOR!")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Being sent")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    UNREACHABLE = "unreachable", _("Reached no one")


class OutboxMessage(TimeStampedModel):
    """A message to one person, recorded before any attempt to send it.

    ``first_route`` is the person's chosen channel; with ``fallback`` the task goes on
    to their other contacts (``phone``, ``email``) in rules.FALLBACK_ORDER when that
    channel cannot carry it. ``route_index`` is the position in ``plan`` being tried.
    """

    kind = models.CharField(max_length=30)  # receipt, code, update, reply, ppid_notice, ...
    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.CASCADE, related_name="outbox"
    )
    information_request = models.ForeignKey(
        InformationRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="outbox"
    )
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="outbox"
    )
    reference_number = models.CharField(max_length=40, blank=True)  # tracking/registration no.
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_path = models.CharField(max_length=300, blank=True)  # in default storage
    first_route = models.CharField(max_length=20, choices=Route.choices)
    channel_address = models.CharField(max_length=200, blank=True)  # id on the chosen channel
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    fallback = models.BooleanField(default=True)
    plan = models.JSONField(default=list, blank=True)  # routes, in order; set at first send
    route_index = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=12, choices=MessageStatus.choices, default=MessageStatus.PENDING, db_index=True
    )
    next_try_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")

    def __str__(self) -> str:
        return f"{self.kind} {self.reference_number} ({self.status})"


class AttemptState(models.TextChoices):
    SENDING = "sending", _("Sending")
    WAITING = "waiting", _("Will try again")
    SENT = "sent", _("Accepted by the provider")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not possible")


class DeliveryAttempt(models.Model):
    """One route tried for one message: skipped (with why), sent, or failed (with why).

    ``state`` is committed as ``sending`` before the provider is called, so a run that
    finds it still ``sending`` knows a worker died mid-send. ``provider_status`` is what
    the provider reported later (delivered, read, failed). ``reason`` is a code that
    rules.describe_attempt turns into a sentence; ``detail`` is the provider's words.
    """

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="attempts")
    route = models.CharField(max_length=20, choices=Route.choices)
    address = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=AttemptState.choices)
    reason = models.CharField(max_length=30, blank=True)
    detail = models.TextField(blank=True)
    tries = models.PositiveSmallIntegerField(default=0)
    provider_message_id = models.CharField(max_length=255, blank=True, db_index=True)
    provider_status = models.CharField(max_length=12, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.route} → {self.address} ({self.state})"

"""Personal data protection (UU 27/2022): anonymised cases, data-subject requests, breaches."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kanal.channels.models import Conversation
from kanal.complaints.models import Complaint
from kanal.ppid.models import InformationRequest


class AnonymisationReason(models.TextChoices):
    RETENTION = "retention", _("Retention period ended")
    ERASURE = "erasure", _("Erasure requested by the data subject")


class AnonymisedCase(models.Model):
    """A case whose personal data was removed; one row per case, so the work runs once."""

    complaint = models.OneToOneField(Complaint, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=20, choices=AnonymisationReason.choices)
    subject_request = models.ForeignKey(
        "SubjectRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    anonymised_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.complaint} ({self.reason})"


class AnonymisedConversation(models.Model):
    """A channel conversation whose messages, contact handles and raw events were emptied.

    One row per conversation, so the work runs once; the conversation, its message rows
    (direction, kind, time) and the counts built on them stay.
    """

    conversation = models.OneToOneField(Conversation, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=20, choices=AnonymisationReason.choices)
    subject_request = models.ForeignKey(
        "SubjectRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    anonymised_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.conversation} ({self.reason})"


class AnonymisedInformationRequest(models.Model):
    """A PPID request whose requester's (and objectors') identity was removed.

    The register row, its dates, decision and figures stay (UU 14/2008 Pasal 22 and
    Perki 1/2010 keep the register); one row per request, so the work runs once.
    """

    request = models.OneToOneField(InformationRequest, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=20, choices=AnonymisationReason.choices)
    subject_request = models.ForeignKey(
        "SubjectRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    anonymised_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.request} ({self.reason})"


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access and copy")
    ERASURE = "erasure", _("Erasure")


class RequestState(models.TextChoices):
    OPEN = "open", _("Open")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")


class SubjectRequest(models.Model):
    """A data subject's request (UU 27/2022 Bab IV), handled by the data protection officer.

    The subject is found by the contact details they gave in their reports; staff check
    their identity (KTP at the desk, or a code to that contact) before completing it.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=RequestKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=RequestState.choices, default=RequestState.OPEN
    )
    subject_name = models.CharField(_("name of the data subject"), max_length=150)
    phone = models.CharField(_("phone or WhatsApp"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    identity_checked = models.BooleanField(_("identity checked"), default=False)
    note = models.TextField(_("note"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    received_at = models.DateTimeField(_("received"))
    closed_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("data-subject request")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Breach(models.Model):
    """A personal-data protection failure and its notifications (UU 27/2022 Pasal 46)."""

    title = models.CharField(_("title"), max_length=200)
    discovered_at = models.DateTimeField(_("discovered at"))
    occurred_at = models.DateTimeField(_("occurred at (if known)"), null=True, blank=True)
    description = models.TextField(_("what happened and how"))
    data_concerned = models.TextField(_("personal data concerned"))
    subjects_affected = models.PositiveIntegerField(
        _("number of data subjects affected"), null=True, blank=True
    )
    measures = models.TextField(_("handling and recovery measures"), blank=True)
    subjects_notified_at = models.DateTimeField(
        _("data subjects notified at"), null=True, blank=True
    )
    authority_notified_at = models.DateTimeField(
        _("supervisory authority notified at"), null=True, blank=True
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-discovered_at"]
        verbose_name = _("personal data breach")

    def __str__(self) -> str:
        return self.title

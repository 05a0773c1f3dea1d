"""Taking a case in: from the web form, a channel adapter, the API or a staff member."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kanal import audit
from kanal.core import phones
from kanal.core.tasks import enqueue_on_commit
from kanal.core.uploads import CleanFile, sanitise_upload
from kanal.wilayah.queries import kelurahan_at

from .. import rules
from ..models import Attachment, Complaint, ContactPreference, Reporter, State
from ..queries import deadlines, require
from .citizen import store_followup_key
from .common import case_link, notify_reporter, start_clock


@dataclass(frozen=True)
class ReporterDetails:
    """Who reported a case and how they want to be contacted, as given on any channel."""

    name: str = ""
    phone: str = ""
    email: str = ""
    nik: str = ""
    contact_preference: str = ContactPreference.NONE
    consent_text: str = ""  # the consent line the reporter agreed to (UU PDP)


def _tracking_prefix() -> str:
    return settings.KANAL_TRACKING_PREFIX


def _create_with_unique_number(**fields) -> Complaint:
    """Insert the case under a fresh random number, retrying on the rare collision."""
    for _attempt in range(10):
        number = rules.new_tracking_number(_tracking_prefix())
        try:
            with transaction.atomic():
                return Complaint.objects.create(tracking_number=number, **fields)
        except IntegrityError:
            if Complaint.objects.filter(tracking_number=number).exists():
                continue
            raise
    raise RuntimeError("could not allocate a unique tracking number")


@transaction.atomic
def submit_complaint(**fields) -> Complaint:
    """Register a new case in one transaction (the arguments and what is written: see
    ``_register``)."""
    return _register(**fields)


def submit_web_report(**fields) -> tuple[Complaint, str]:
    """The public form's report: ``submit_complaint`` and, for a reporter who left no
    contact (no reporter row), ``issue_followup_key``, in one transaction: one commit,
    no savepoint between them.

    The same rows and audit events as calling the two one after the other; the key
    needs no lock (nobody else sees the case before the commit). Returns (case, key or "").
    """
    with transaction.atomic():
        case = _register(**fields)
        return case, store_followup_key(case) if case.reporter_id is None else ""


def _register(
    *,
    channel: str,
    title: str,
    description: str,
    kind: str = "pengaduan",
    category=None,
    kelurahan=None,
    kecamatan=None,
    lat: float | None = None,
    lng: float | None = None,
    address: str = "",
    reporter: ReporterDetails | None = None,
    is_anonymous: bool = False,
    entered_by=None,
    channel_reference: str = "",
    files: Sequence[tuple[str, bytes]] = (),
    received_at=None,
    intake_key: str | None = None,
) -> Complaint:
    """Register a new case in state ``diterima`` with its tracking number and verify clock
    (inside the caller's transaction).

    Files are checked before anything is written (UploadRejected leaves no trace). The
    kelurahan comes from the map point when not given; the kecamatan from the kelurahan.
    Cases in the misconduct category are flagged for the Inspektorat. New cases are
    confidential. The reporter is told the tracking number on their chosen channel.
    """
    clean_files: list[CleanFile] = [sanitise_upload(name, data) for name, data in files]
    if kelurahan is None and lat is not None and lng is not None:
        kelurahan = kelurahan_at(lat, lng)
    if kelurahan is not None:
        kecamatan = kelurahan.kecamatan
    received_at = received_at or timezone.now()
    reporter_row = None
    if reporter is not None and (reporter.name or reporter.phone or reporter.email):
        reporter_row = Reporter.objects.create(
            name=reporter.name,
            phone=phones.storable(reporter.phone),
            email=reporter.email,
            nik=reporter.nik,
            contact_preference=reporter.contact_preference,
            consented_at=timezone.now() if reporter.consent_text else None,
            consent_text=reporter.consent_text[:300],
        )
    case = Complaint(
        kind=kind,
        title=title[:200],
        description=description,
        category=category,
        kelurahan=kelurahan,
        kecamatan=kecamatan,
        lat=lat,
        lng=lng,
        address=address[:300],
        channel=channel,
        channel_reference=channel_reference[:200],
        reporter=reporter_row,
        is_anonymous=is_anonymous or reporter_row is None,
        entered_by=entered_by,
        is_oversight=bool(category and category.code == "pengawasan"),
        received_at=received_at,
        intake_key=intake_key or None,
    )
    start_clock(case, State.RECEIVED, timezone.localdate(received_at))
    case.ceiling_date = rules.ceiling_date(timezone.localdate(received_at), deadlines())
    fields = {
        f.name: getattr(case, f.name)
        for f in Complaint._meta.concrete_fields
        if f.name not in ("id", "tracking_number", "created_at", "updated_at")
    }
    case = _create_with_unique_number(**fields)
    for clean in clean_files:
        _store_attachment(case, clean)
    audit.record(
        "complaint.submitted",
        actor=entered_by,
        obj=case,
        actor_label=audit.unless_signed_in(entered_by, f"channel:{channel}"),
        data={
            "channel": channel,
            "kind": kind,
            "files": len(clean_files),
            "kelurahan": kelurahan.code if kelurahan else None,
        },
    )
    # The router may dispose it at once where operators enabled auto-apply.
    enqueue_on_commit("kanal.complaints.tasks.route_new_case", case.pk)
    notify_reporter(
        case,
        _("Your report %(number)s has been received") % {"number": case.tracking_number},
        _(
            "Thank you. Your report has been received with number %(number)s. Keep this "
            "number to follow your report at %(link)s"
        )
        % {"number": case.tracking_number, "link": case_link(case)},
        kind="receipt",
    )
    return case


def submit_complaint_once(*, intake_key: str, entered_by, **fields) -> tuple[Complaint, bool]:
    """``submit_complaint`` at most once per ``intake_key``; returns (case, created now).

    A device chooses the key before its first attempt and sends the same key on every
    retry, so a resend after a lost answer, a double tap or two racing requests all end
    at one case. The key is unique in the database: of two concurrent inserts one fails
    and then finds the other's case. A key already used by another staff member is
    refused (``PermissionError``) rather than revealing their case.
    """
    existing = Complaint.objects.filter(intake_key=intake_key).first()
    if existing is None:
        try:
            with transaction.atomic():
                return (
                    submit_complaint(intake_key=intake_key, entered_by=entered_by, **fields),
                    True,
                )
        except IntegrityError:
            existing = Complaint.objects.filter(intake_key=intake_key).first()
            if existing is None:
                raise
    if existing.entered_by_id != getattr(entered_by, "pk", None):
        raise PermissionError("this key belongs to another staff member's case")
    return existing, False


def _store_attachment(case: Complaint, clean: CleanFile) -> Attachment:
    attachment = Attachment(
        complaint=case, content_type=clean.content_type, original_name=clean.original_name
    )
    attachment.file.save(clean.storage_name(), ContentFile(clean.content), save=False)
    attachment.save()
    return attachment


@transaction.atomic
def add_attachment(*, actor, case: Complaint, name: str, data: bytes) -> Attachment:
    """Attach a sanitised file to an existing case (staff or the reporter's channel).

    Audited as ``complaint.attachment_added``; raises UploadRejected for a file that fails
    sanitising.
    """
    attachment = _store_attachment(case, sanitise_upload(name, data))
    audit.record(
        "complaint.attachment_added",
        actor=actor,
        obj=case,
        actor_label=audit.unless_signed_in(actor, "citizen"),
        data={"attachment": attachment.pk, "type": attachment.content_type},
    )
    return attachment


@transaction.atomic
def publish_attachment(*, actor, attachment: Attachment, public: bool) -> Attachment:
    """Show (or hide) a case's photo to the public (Open311 ``media_url``) once an
    operator has looked at it. Only images; the case itself must still be published
    for anyone outside to see it. Needs the triage role, like publishing the case.

    Audited as ``complaint.attachment_published`` or ``…_unpublished``; raises
    PermissionDenied without the triage right, TransitionRefused for a non-image.
    """
    require(actor, "triage", attachment.complaint)
    if public and not attachment.content_type.startswith("image/"):
        raise rules.TransitionRefused("only photos can be public")
    attachment.is_public = public
    attachment.save(update_fields=["is_public"])
    audit.record(
        "complaint.attachment_published" if public else "complaint.attachment_unpublished",
        actor=actor,
        obj=attachment.complaint,
        data={"attachment": attachment.pk},
    )
    return attachment

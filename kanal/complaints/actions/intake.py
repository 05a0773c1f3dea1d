"""Taking a case in: from the web form, a channel adapter, the API or a staff member."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kanal import audit
from kanal.core import phones
from kanal.core.tasks import enqueue_on_commit
from kanal.core.uploads import CleanFile, sanitise_upload
from kanal.directory.models import Category
from kanal.routing.queries import may_auto_apply
from kanal.wilayah.models import Kecamatan, Kelurahan
from kanal.wilayah.queries import kelurahan_at

from .. import rules
from ..models import Attachment, Complaint, ContactPreference, Reporter, State
from ..queries import deadlines, require
from .citizen import followup_key_hash
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


_T = TypeVar("_T")
Files = Sequence[tuple[str, bytes]]  # (name, content) of each upload


def _tracking_prefix() -> str:
    return settings.KANAL_TRACKING_PREFIX


def submit_complaint(*, files: Files = (), **fields) -> Complaint:
    """Register a new case in one transaction (the arguments and what is written: see
    ``_register``)."""
    return _with_fresh_number(files, lambda number, clean: _register(number, clean, **fields))


def submit_web_report(*, files: Files = (), **fields) -> tuple[Complaint, str]:
    """The public form's report: ``submit_complaint`` and, for a reporter who left no
    contact (no reporter row), ``issue_followup_key``, in one transaction: one commit,
    no savepoint between them.

    The same rows and audit events as calling the two one after the other (the two
    events inserted by one statement), but the key's hash is part of the case's INSERT
    (it is bound to the tracking number, not the row id). Returns (case, key or "").
    """

    def register(number: str, clean: list[CleanFile]) -> tuple[Complaint, str]:
        key = "" if _has_contact(fields.get("reporter")) else rules.new_followup_key()
        with audit.gathered():
            case = _register(
                number,
                clean,
                key_hash=followup_key_hash(number, key) if key else "",
                **fields,
            )
            if key:
                audit.record("complaint.followup_key_issued", obj=case, actor_label="citizen")
            return case, key

    return _with_fresh_number(files, register)


def _with_fresh_number(files: Files, register: Callable[[str, list[CleanFile]], _T]) -> _T:
    """``register(number, clean files)`` in a transaction under a fresh random tracking
    number; on the rare collision the whole transaction is rolled back and run again
    under another number.

    The uploads are sanitised once, before anything is written (UploadRejected leaves
    no trace). Retrying the transaction, not the insert, spares every submission a
    savepoint (two round trips) around its insert; inside a caller's transaction the
    atomic block below is that savepoint. A file stored by a rolled-back attempt stays
    in storage unreferenced (a collision is about one in 10^6 at 10^6 cases).
    """
    clean = [sanitise_upload(name, data) for name, data in files]
    for _attempt in range(10):
        number = rules.new_tracking_number(_tracking_prefix())
        try:
            with transaction.atomic():
                return register(number, clean)
        except IntegrityError:
            if Complaint.objects.filter(tracking_number=number).exists():
                continue
            raise
    raise RuntimeError("could not allocate a unique tracking number")


def _register(
    number: str,
    clean_files: list[CleanFile],
    *,
    channel: str,
    title: str,
    description: str,
    kind: str = "pengaduan",
    category: Category | None = None,
    kelurahan: Kelurahan | None = None,
    kecamatan: Kecamatan | None = None,
    lat: float | None = None,
    lng: float | None = None,
    address: str = "",
    reporter: ReporterDetails | None = None,
    is_anonymous: bool = False,
    entered_by=None,
    channel_reference: str = "",
    received_at: datetime | None = None,
    intake_key: str | None = None,
    key_hash: str = "",
) -> Complaint:
    """Register a new case in state ``diterima`` under ``number`` with its verify clock
    (inside the caller's transaction): the reporter row, the case, its attachments,
    the audit event ``complaint.submitted``, the routing task (only where the category's
    auto-apply switch is on) and the receipt; the case holds ``key_hash`` as its
    follow-up key hash (empty: none).

    The kelurahan comes from the map point when not given; the kecamatan from the
    kelurahan. Cases in the misconduct category are flagged for the Inspektorat. New
    cases are confidential. The reporter is told the tracking number on their chosen
    channel.
    """
    if kelurahan is None and lat is not None and lng is not None:
        kelurahan = kelurahan_at(lat, lng)
    if kelurahan is not None:
        kecamatan = kelurahan.kecamatan
    received_at = received_at or timezone.now()
    reporter_row = _new_reporter(reporter)
    case = Complaint(
        tracking_number=number,
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
        followup_key_hash=key_hash,
    )
    start_clock(case, State.RECEIVED, timezone.localdate(received_at))
    case.ceiling_date = rules.ceiling_date(timezone.localdate(received_at), deadlines())
    case.save(force_insert=True)
    for clean in clean_files:
        _store_attachment(case, clean)
    audit.record(
        "complaint.submitted",
        actor=entered_by,
        obj=case,
        actor_label="" if entered_by else f"channel:{channel}",
        data={
            "channel": channel,
            "kind": kind,
            "files": len(clean_files),
            "kelurahan": kelurahan.code if kelurahan else None,
        },
    )
    # The router may dispose it at once where operators enabled auto-apply; for any
    # other case (most: the switches are off by default) the task could do nothing.
    if not case.is_oversight and may_auto_apply(category.code if category else None):
        enqueue_on_commit("kanal.complaints.tasks.route_new_case", case.pk)
    _send_receipt(case)
    return case


def _has_contact(details: ReporterDetails | None) -> bool:
    """Whether the details make a reporter row: a name, a phone or an e-mail."""
    return details is not None and bool(details.name or details.phone or details.email)


def _new_reporter(details: ReporterDetails | None) -> Reporter | None:
    """The reporter row for the details given; None when they left no name or contact."""
    if details is None or not _has_contact(details):
        return None
    return Reporter.objects.create(
        name=details.name,
        phone=phones.storable(details.phone),
        email=details.email,
        nik=details.nik,
        contact_preference=details.contact_preference,
        consented_at=timezone.now() if details.consent_text else None,
        consent_text=details.consent_text[:300],
    )


def _send_receipt(case: Complaint) -> None:
    """Tell the reporter the tracking number on their chosen channel (after commit)."""
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

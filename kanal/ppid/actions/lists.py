"""Writes on the DIP and DIK, and the reminder sweep over every PPID clock."""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kanal import audit
from kanal.core.queries import working_calendar
from kanal.core.uploads import sanitise_upload

from .. import queries, rules
from ..models import ExemptedInformationItem, PublicDocument, PublicInformationItem, Reminder


@transaction.atomic
def save_public_information_item(*, actor, item: PublicInformationItem) -> PublicInformationItem:
    """Create or change a DIP entry (the admin's save_model calls this).

    Audited as ``dip_item.created`` or ``dip_item.changed``.
    """
    return audit.save_and_record(
        item,
        actor=actor,
        created="dip_item.created",
        changed="dip_item.changed",
        data={"category": item.category, "published": item.is_published},
        clean=True,
    )


@transaction.atomic
def delete_public_information_item(*, actor, item: PublicInformationItem) -> None:
    """Remove ``item`` from the DIP (audited as ``dip_item.deleted``)."""
    audit.delete_and_record(item, "dip_item.deleted", actor=actor)


@transaction.atomic
def mark_information_published(
    *, actor, item: PublicInformationItem, published_on: date | None = None
) -> PublicInformationItem:
    """Record that periodic information was published again (resets the 6-month clock).

    Audited as ``dip_item.published``.
    """
    item.last_published_on = published_on or queries.today()
    item.save(update_fields=["last_published_on", "updated_at"])
    audit.record(
        "dip_item.published",
        obj=item,
        data={"published_on": item.last_published_on},
        actor=actor,
    )
    return item


@transaction.atomic
def add_public_document(
    *, actor, item: PublicInformationItem, title: str, url: str = "", name: str = "", data=b""
) -> PublicDocument:
    """Link a document to a DIP entry: a URL, or a file (sanitised; raises UploadRejected).

    Audited as ``dip_item.document_added``.
    """
    if not (url or data):
        raise rules.RuleViolation(_("Give a link or a file."))
    document = PublicDocument(item=item, title=title, url=url)
    if data:
        clean = sanitise_upload(name, data)
        document.file.save(clean.storage_name(), ContentFile(clean.content), save=False)
    document.save()
    audit.record(
        "dip_item.document_added",
        obj=item,
        data={"document": document.pk, "title": title},
        actor=actor,
    )
    return document


@transaction.atomic
def save_exempted_item(*, actor, item: ExemptedInformationItem) -> ExemptedInformationItem:
    """Create or change a DIK entry; a new end date re-arms the expiry alert.

    Audited as ``dik_item.created`` or ``dik_item.changed``.
    """
    if item.pk is not None:
        before = ExemptedInformationItem.objects.get(pk=item.pk)
        if before.exempt_until != item.exempt_until:
            item.expiry_alerted_on = None
    return audit.save_and_record(
        item,
        actor=actor,
        created="dik_item.created",
        changed="dik_item.changed",
        data={"ground": item.ground, "exempt_until": item.exempt_until},
        clean=True,
    )


@transaction.atomic
def delete_exempted_item(*, actor, item: ExemptedInformationItem) -> None:
    """Remove ``item`` from the DIK (audited as ``dik_item.deleted``)."""
    audit.delete_and_record(item, "dik_item.deleted", actor=actor)


def _remind(key: str, **fields) -> bool:
    """Create the reminder ``key`` unless it exists; True when it is new."""
    try:
        with transaction.atomic():
            Reminder.objects.create(key=key[:120], **fields)
    except IntegrityError:
        return False
    return True


def send_ppid_reminders(*, today: date | None = None) -> int:
    """Record reminders for every PPID clock; safe to run any number of times.

    - open requests and objections due within the lead time ("due_soon") or overdue
      ("overdue"; overdue ones also go to the atasan PPID),
    - periodic DIP entries older than six months (UU 9(3)),
    - DIK entries whose exemption period ended (UU 20(1)).
    Each reminder has a key of (object, kind, due date), so a run creates only new
    ones. Returns how many were created.

    A run that creates any is audited once as ``ppid.reminders_sent``.
    """
    today = today or queries.today()
    cal = working_calendar()
    lead = queries.reminder_lead_days()
    created = 0
    requests, objections = queries.open_items_for_reminders()
    for req in requests:
        kind = rules.reminder_kind(cal, req.due_on, today, lead)
        if kind:
            created += _remind(
                f"request:{req.pk}:{kind}:{req.due_on.isoformat()}",
                kind=kind,
                request=req,
                due_on=req.due_on,
                for_superior=kind == "overdue",
                message=_("Request %(number)s: written notice due %(due)s")
                % {"number": req.registration_number, "due": req.due_on.isoformat()},
            )
    for obj in objections:
        kind = rules.reminder_kind(cal, obj.due_on, today, lead)
        if kind:
            created += _remind(
                f"objection:{obj.pk}:{kind}:{obj.due_on.isoformat()}",
                kind=kind,
                objection=obj,
                request=obj.request,
                due_on=obj.due_on,
                for_superior=True,
                message=_("Objection %(number)s: answer due %(due)s")
                % {"number": obj.registration_number, "due": obj.due_on.isoformat()},
            )
    for item in queries.stale_berkala_items(today):
        stamp = item.last_published_on.isoformat() if item.last_published_on else "never"
        created += _remind(
            f"dip:{item.pk}:stale:{stamp}",
            kind="dip_stale",
            message=_("Periodic information not published for six months: %(title)s")
            % {"title": item.title[:200]},
        )
    for item in queries.exempted_items(today):
        if item.ended and item.expiry_alerted_on is None:
            created += _remind(
                f"dik:{item.pk}:ended:{item.exempt_until.isoformat()}",
                kind="dik_expired",
                due_on=item.exempt_until,
                message=_("Exemption period ended; review and open: %(title)s")
                % {"title": item.title[:200]},
            )
            ExemptedInformationItem.objects.filter(pk=item.pk).update(expiry_alerted_on=today)
    if created:
        audit.record("ppid.reminders_sent", actor_label="system", data={"created": created})
    return created

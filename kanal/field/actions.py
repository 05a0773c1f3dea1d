"""Writes of the field app: devices (sign in, activity, re-verify, sign out) and records."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from kanal import audit
from kanal.accounts.queries import confirmed_totp_device
from kanal.complaints import actions as complaint_actions
from kanal.complaints.models import ContactPreference
from kanal.publishing.actions.visits import link_complaint_to_visit

from . import rules
from .models import DeviceSession

if TYPE_CHECKING:
    from kanal.publishing.models import FieldVisit
    from kanal.wilayah.models import Kelurahan


@transaction.atomic
def register_device(user, *, session_key: str, user_agent: str) -> DeviceSession:
    """The device row of a login session (created at the first visit of the field app).

    The officer has just passed the second factor to log in, so the device starts
    verified. Idempotent per session.
    """
    device = DeviceSession.objects.filter(session_key=session_key).first()
    if device is not None:
        return device
    now = timezone.now()
    device = DeviceSession.objects.create(
        user=user,
        session_key=session_key,
        token=secrets.token_urlsafe(32),
        label=rules.device_label(user_agent),
        verified_at=now,
        last_active_at=now,
    )
    audit.record("field.device_registered", actor=user, obj=device, data={"label": device.label})
    return device


def touch_device(device: DeviceSession) -> None:
    """Note that the officer did something on the device (keeps it from going idle).

    Not audited: it is a timestamp, written on every submission.
    """
    DeviceSession.objects.filter(pk=device.pk).update(last_active_at=timezone.now())


@transaction.atomic
def reverify_device(device: DeviceSession, token: str) -> bool:
    """Check the officer's TOTP code again on an idle device; returns whether it matched.

    Uses the same confirmed TOTP device as the login (django-otp's own throttling
    applies: after a wrong code it refuses for 2^n seconds).
    """
    totp = confirmed_totp_device(device.user)
    ok = bool(totp and totp.verify_is_allowed()[0] and totp.verify_token(token))
    if ok:
        now = timezone.now()
        DeviceSession.objects.filter(pk=device.pk).update(verified_at=now, last_active_at=now)
    audit.record(
        "field.device_verified" if ok else "field.device_verify_failed",
        actor=device.user,
        obj=device,
        data={},
    )
    return ok


@transaction.atomic
def end_device_session(actor, device: DeviceSession, *, revoked: bool) -> None:
    """Sign a device out: its login session is deleted at once, so the phone can no
    longer send; the app, told so by its token, wipes the records it still holds.

    ``revoked`` is True when done from the console (a lost or shared phone), False when
    the officer signed out on the device itself.
    """
    device = DeviceSession.objects.select_for_update().get(pk=device.pk)
    if device.ended_at is not None:
        return
    device.ended_at = timezone.now()
    device.ended_by = actor
    device.revoked = revoked
    device.save(update_fields=["ended_at", "ended_by", "revoked"])
    Session.objects.filter(session_key=device.session_key).delete()
    audit.record(
        "field.device_revoked" if revoked else "field.device_signed_out",
        actor=actor,
        obj=device,
        data={"user": device.user.username, "label": device.label},
    )


@dataclass(frozen=True)
class FieldRecord:
    """One complaint as recorded on the phone (already validated by the form)."""

    slip: str
    text: str
    channel: str
    kelurahan: Kelurahan | None = None
    lat: float | None = None
    lng: float | None = None
    place: str = ""
    name: str = ""
    phone: str = ""
    wants_no_contact: bool = False
    consent_text: str = ""
    photo: tuple[str, bytes] | None = None
    visit: FieldVisit | None = None
    recorded_at: datetime | None = None


@transaction.atomic
def record_field_complaint(device: DeviceSession, record: FieldRecord, *, fallback_title: str):
    """Turn a phone's record into a case, once per slip number; link it to its visit.

    Returns (case, created now). A resend of the same slip returns the first case
    untouched (``complaints.actions.submit_complaint_once``). Files are sanitised by the
    intake (UploadRejected leaves nothing behind).
    """
    officer = device.user
    contact = ContactPreference.NONE
    if record.phone and not record.wants_no_contact:
        contact = ContactPreference.WHATSAPP
    case, created = complaint_actions.submit_complaint_once(
        intake_key=record.slip,
        entered_by=officer,
        channel=record.channel,
        title=rules.title_from_text(record.text, fallback_title),
        description=record.text or fallback_title,
        kelurahan=record.kelurahan,
        lat=record.lat,
        lng=record.lng,
        address=record.place,
        reporter=complaint_actions.ReporterDetails(
            name=record.name,
            phone=record.phone,
            contact_preference=contact,
            consent_text=record.consent_text,
        ),
        files=[record.photo] if record.photo else [],
        received_at=rules.received_time(
            record.recorded_at, timezone.now(), settings.KANAL_FIELD_MAX_RECORD_AGE_DAYS
        ),
    )
    if created and record.visit is not None:
        link_complaint_to_visit(officer, record.visit, case)
    touch_device(device)
    return case, created

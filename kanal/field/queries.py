"""Reads for the field app: the device of a request, device lists, the officer's context."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from kanal.accounts.queries import home_kecamatan_code, home_kelurahan_code, scope_for
from kanal.accounts.rules import Capability
from kanal.complaints.queries import default_staff_channel
from kanal.publishing.queries import visits_on
from kanal.wilayah.queries import kelurahan_by_code

from . import rules
from .models import DeviceSession


def may_use_field_app(user) -> bool:
    """Staff who may record cases heard in person (Capability.RECORD_CASES)."""
    return scope_for(user).has(Capability.RECORD_CASES)


def device_of(request) -> DeviceSession | None:
    """The active device row of this login session, if the field app registered one."""
    key = request.session.session_key
    if not key or not request.user.is_authenticated:
        return None
    return DeviceSession.objects.filter(
        session_key=key, user=request.user, ended_at__isnull=True
    ).first()


def device_by_token(token: str) -> DeviceSession | None:
    """The device session holding ``token``, or None (also for an empty token)."""
    return DeviceSession.objects.filter(token=token).first() if token else None


def needs_reverification(device: DeviceSession, now=None) -> bool:
    """Whether ``device`` has been idle too long and must pass the second factor again
    (``KANAL_FIELD_IDLE_MINUTES``; see ``rules.needs_reverification``)."""
    return rules.needs_reverification(
        verified_at=device.verified_at,
        last_active_at=device.last_active_at,
        now=now or timezone.now(),
        idle_minutes=settings.KANAL_FIELD_IDLE_MINUTES,
    )


def devices_visible_to(user) -> QuerySet[DeviceSession]:
    """Everyone sees their own devices; account managers see every device."""
    qs = DeviceSession.objects.select_related("user", "ended_by")
    if scope_for(user).has(Capability.MANAGE_ACCOUNTS):
        return qs
    return qs.filter(user=user)


@dataclass(frozen=True)
class DeviceRow:
    """A field device as listed to staff, with the state it is in now."""

    device: DeviceSession
    state: str  # "active", "expired" (login session gone or over), "signed_out", "revoked"


def device_rows(user, limit: int = 200) -> list[DeviceRow]:
    """The devices ``user`` may see with their state, most recently active first."""
    devices = list(devices_visible_to(user)[:limit])
    live = set(
        Session.objects.filter(
            session_key__in=[d.session_key for d in devices], expire_date__gt=timezone.now()
        ).values_list("session_key", flat=True)
    )
    rows = []
    for d in devices:
        if d.revoked:
            state = "revoked"
        elif d.ended_at:
            state = "signed_out"
        else:
            state = "active" if d.session_key in live else "expired"
        rows.append(DeviceRow(device=d, state=state))
    return rows


def access_device(user, device_id: int) -> DeviceSession:
    """The device ``device_id`` if ``user`` may see it; PermissionDenied otherwise (also when
    it does not exist, so an id reveals nothing)."""
    device = devices_visible_to(user).filter(pk=device_id).first()
    if device is None:
        raise PermissionDenied
    return device


@dataclass(frozen=True)
class VisitChoice:
    """A planned visit an officer can file a complaint under (the app's visit picker)."""

    id: int
    title: str
    place: str


@dataclass(frozen=True)
class FieldContext:
    """What the app page needs to know about the officer, rendered once and cached."""

    default_channel: str
    home_kelurahan: str  # the kelurahan preselected when the phone gives no location
    home_kecamatan: str
    visits: list[VisitChoice]


def field_context(user) -> FieldContext:
    """The officer's defaults: channel by role, home area, today's visits (the contexts)."""
    home = home_kelurahan_code(user)
    kelurahan = kelurahan_by_code(home) if home else None
    return FieldContext(
        default_channel=default_staff_channel(user),
        home_kelurahan=home,
        home_kecamatan=kelurahan.kecamatan.code if kelurahan else home_kecamatan_code(user),
        visits=[
            VisitChoice(id=v.pk, title=v.title, place=f"{v.place}, {v.kelurahan.name}")
            for v in visits_on(timezone.localdate())
        ],
    )

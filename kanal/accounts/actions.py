"""Writes about staff: accounts, memberships, the TOTP second factor, login events."""

from __future__ import annotations

import base64
import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from kanal import audit
from kanal.directory.models import Unit

from .models import Membership, Role, User
from .rules import ADMIN_ROLES, login_delay

# Admin permissions of an operator: the reference data they keep up to date.
OPERATOR_ADMIN_PERMISSIONS = [
    ("directory", "view_unit"),
    ("directory", "change_unit"),
    ("directory", "view_category"),
    ("directory", "add_category"),
    ("directory", "change_category"),
    ("core", "view_calendaroverride"),
    ("core", "add_calendaroverride"),
    ("core", "change_calendaroverride"),
    ("core", "delete_calendaroverride"),
    ("wilayah", "view_kecamatan"),
    ("wilayah", "view_kelurahan"),
    ("audit", "view_auditevent"),
    ("complaints", "view_responsetemplate"),
    ("complaints", "add_responsetemplate"),
    ("complaints", "change_responsetemplate"),
    ("complaints", "delete_responsetemplate"),
]

# Admin permissions of PPID officers: the information lists they maintain.
PPID_ADMIN_PERMISSIONS = [
    ("ppid", f"{verb}_{model}")
    for model in ("publicinformationitem", "exemptedinformationitem")
    for verb in ("view", "add", "change", "delete")
] + [
    ("ppid", "view_publicdocument"),
    ("ppid", "add_publicdocument"),
    ("ppid", "change_publicdocument"),
]


def _sync_admin_access(user: User) -> None:
    """Admin access follows roles: system admins are superusers, operators get a subset."""
    roles = set(user.memberships.values_list("role", flat=True))
    user.is_staff = bool(roles & ADMIN_ROLES)
    user.is_superuser = Role.SYSTEM_ADMIN in roles
    user.save(update_fields=["is_staff", "is_superuser"])
    wanted = []
    if Role.OPERATOR in roles:
        wanted += OPERATOR_ADMIN_PERMISSIONS
    if roles & {Role.PPID_OFFICER, Role.PPID_SUPERIOR}:
        wanted += PPID_ADMIN_PERMISSIONS
    user.user_permissions.set(
        [Permission.objects.get(content_type__app_label=app, codename=code) for app, code in wanted]
    )


@transaction.atomic
def create_staff(
    *, actor, username: str, password: str, full_name: str = "", email: str = ""
) -> User:
    """Create a staff account (no roles yet; add memberships next)."""
    first, _, last = full_name.partition(" ")
    user = User.objects.create_user(
        username=username, password=password, email=email, first_name=first, last_name=last
    )
    audit.record("staff.created", actor=actor, obj=user, data={"username": username})
    return user


@transaction.atomic
def add_membership(
    *, actor, user: User, unit: Unit, role: str, can_view_reporters: bool = False
) -> Membership:
    """Give ``user`` ``role`` in ``unit`` (idempotent); admin access follows the roles."""
    membership, created = Membership.objects.get_or_create(
        user=user, unit=unit, role=role, defaults={"can_view_reporters": can_view_reporters}
    )
    changed = not created and membership.can_view_reporters != can_view_reporters
    if changed:
        membership.can_view_reporters = can_view_reporters
        membership.save(update_fields=["can_view_reporters"])
    if not (created or changed):
        return membership
    _sync_admin_access(user)
    audit.record(
        "staff.membership_added",
        actor=actor,
        obj=user,
        data={"unit": unit.code, "role": role, "can_view_reporters": can_view_reporters},
    )
    return membership


@transaction.atomic
def remove_membership(*, actor, membership: Membership) -> None:
    """Take ``membership`` away (audited); the user's admin access follows the roles left."""
    user = membership.user
    audit.record(
        "staff.membership_removed",
        actor=actor,
        obj=user,
        data={"unit": membership.unit.code, "role": membership.role},
    )
    membership.delete()
    _sync_admin_access(user)


@transaction.atomic
def start_totp_enrolment(user: User) -> TOTPDevice:
    """An unconfirmed TOTP device for ``user`` (reused if one is pending)."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)
        audit.record("staff.totp_enrolment_started", actor=user, obj=user)
    return device


@transaction.atomic
def confirm_totp_enrolment(user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm the pending device when ``token`` matches; returns whether it did."""
    if device.user_id != user.pk or device.confirmed or not device.verify_token(token):
        audit.record("staff.totp_enrolment_failed", actor=user, obj=user)
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One second factor per account: older devices stop working.
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    audit.record("staff.totp_enrolled", actor=user, obj=user)
    return True


def record_login(user: User | None, *, username: str, outcome: str, ip: str) -> None:
    """Audit a login step: outcome is password_ok, password_failed, otp_failed,
    logged_in, rate_limited or logged_out."""
    known = user if user and user.pk else None
    audit.record(
        f"staff.{outcome}",
        actor=known,
        obj=known,
        actor_label=audit.unless_signed_in(known, f"anonymous:{username}"[:100]),
        data={"username": username, "ip": ip},
    )


def record_logout(user: User, *, ip: str) -> None:
    """Audit that signed-in ``user`` signed out (``staff.logged_out``), from ``ip``."""
    record_login(user, username=user.username, outcome="logged_out", ip=ip)


# --- demo accounts ------------------------------------------------------------------

DEMO_PASSWORD = "kanal-demo-2026"  # noqa: S105 - printed by `make run`, demo only
DEMO_TOTP_SECRET = "KANALDEMOKANALDEMOKANALDEMOKANAL"  # noqa: S105 - base32, demo only


@dataclass(frozen=True)
class DemoAccount:
    """One of the demonstration staff accounts: who they are and the one role they hold."""

    username: str
    full_name: str
    role: str
    unit_code: str
    can_view_reporters: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("operator", "Rina Operator", Role.OPERATOR, "diskominfo"),
    DemoAccount("opd.dpu", "Budi Petugas PU", Role.UNIT_OFFICER, "dpu"),
    DemoAccount("opd.dlh", "Sari Petugas DLH", Role.UNIT_OFFICER, "dlh"),
    DemoAccount("lurah.kedaton", "Ahmad Lurah Kedaton", Role.AREA_OFFICER, "kel-18-71-01-1003"),
    DemoAccount("camat.kedaton", "Dewi Camat Kedaton", Role.AREA_OFFICER, "kec-18-71-01"),
    DemoAccount("ppid", "Yusuf PPID", Role.PPID_OFFICER, "diskominfo"),
    DemoAccount("atasan.ppid", "Hendra Atasan PPID", Role.PPID_SUPERIOR, "setda"),
    DemoAccount("editor", "Maya Editor", Role.EDITOR, "diskominfo"),
    DemoAccount("inspektorat", "Agus Inspektorat", Role.INSPECTOR, "inspektorat"),
    DemoAccount("pimpinan", "Ibu Wali Kota", Role.LEADERSHIP, "setda"),
    DemoAccount("admin", "Admin Sistem", Role.SYSTEM_ADMIN, "diskominfo"),
]


@transaction.atomic
def ensure_demo_accounts() -> list[tuple[DemoAccount, bool]]:
    """Create the demo accounts, each with a confirmed TOTP device; idempotent.

    For development and demonstrations only: the password and TOTP secret are public.
    Returns each account with whether it was created now.
    """
    hex_key = base64.b32decode(DEMO_TOTP_SECRET).hex()
    result = []
    for demo in DEMO_ACCOUNTS:
        user = User.objects.filter(username=demo.username).first()
        created = user is None
        if created:
            user = create_staff(
                actor=None,
                username=demo.username,
                password=DEMO_PASSWORD,
                full_name=demo.full_name,
                email=f"{demo.username}@demo.kanal.invalid",
            )
            TOTPDevice.objects.create(user=user, name="Demo", key=hex_key, confirmed=True)
        assert user is not None  # found, or created just above
        add_membership(
            actor=None,
            user=user,
            unit=Unit.objects.get(code=demo.unit_code),
            role=demo.role,
            can_view_reporters=demo.can_view_reporters,
        )
        result.append((demo, created))
    return result


# --- login throttling ---------------------------------------------------------------------
#
# Only failures count. Per account: a progressive slowdown (rules.login_delay), skipped for
# a browser that passed this account's second factor before (a known device), so a
# stranger guessing a name can never keep its officer out. Per address: a generous number
# of failures (an office behind one NAT shares it); successful logins never count.


@dataclass(frozen=True)
class LoginWait:
    """How long a login attempt must wait, and whose failures made it wait (account or address)."""

    seconds: int
    reason: str  # "account" or "address" ("" when no wait)


def _failure_key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.lower().encode()).hexdigest()[:32]
    return f"login-fail:{kind}:{digest}"


def login_wait(
    *, username: str, ip: str, known_device: bool, now: float | None = None
) -> LoginWait:
    """How long this attempt must wait before its password is even checked (0: go ahead)."""
    if known_device:
        return LoginWait(0, "")
    now = time.time() if now is None else now
    window = settings.KANAL_LOGIN_WINDOW_SECONDS
    address = cache.get(_failure_key("ip", ip)) or {"n": 0, "first": now}
    if address["n"] >= settings.KANAL_LOGIN_ADDRESS_FAILURES:
        left = int(address["first"] + window - now)
        if left > 0:
            return LoginWait(left, "address")
    account = cache.get(_failure_key("user", username))
    if account:
        delay = login_delay(
            account["n"], settings.KANAL_LOGIN_ATTEMPTS, settings.KANAL_LOGIN_MAX_DELAY_SECONDS
        )
        left = int(account["last"] + delay - now + 0.999)
        if delay and left > 0:
            return LoginWait(left, "account")
    return LoginWait(0, "")


def record_login_failure(*, username: str, ip: str, now: float | None = None) -> None:
    """Count a wrong password against the account and the address (both expire unused)."""
    now = time.time() if now is None else now
    window = settings.KANAL_LOGIN_WINDOW_SECONDS
    for kind, value in (("user", username), ("ip", ip)):
        key = _failure_key(kind, value)
        entry = cache.get(key) or {"n": 0, "first": now}
        entry = {"n": entry["n"] + 1, "first": entry["first"], "last": now}
        cache.set(key, entry, window)


def clear_login_failures(*, username: str) -> None:
    """The officer logged in fully (password and code): their account starts afresh."""
    cache.delete(_failure_key("user", username))

"""Reads about staff: their scope, their second factor."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Membership, User
from .rules import MembershipFacts, StaffScope, scope_from


def scope_for(user) -> StaffScope:
    """The scope of ``user``: empty for anonymous or inactive users."""
    if not user or not user.is_authenticated or not user.is_active:
        return StaffScope()
    cached = getattr(user, "_kanal_scope", None)
    if cached is not None:
        return cached
    facts = [
        MembershipFacts(
            role=m.role,
            unit_id=m.unit_id,
            area_code=m.unit.area_code,
            can_view_reporters=m.can_view_reporters,
        )
        for m in Membership.objects.filter(user=user).select_related(
            "unit__kecamatan", "unit__kelurahan"
        )
    ]
    scope = scope_from(facts)
    user._kanal_scope = scope
    return scope


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator (second factor), or None when there is none yet."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def pending_totp_device(user: User) -> TOTPDevice | None:
    """The authenticator being set up (not yet confirmed with a code), or None."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=False).first()


def area_office_kinds(user) -> frozenset[str]:
    """The unit kinds ("kelurahan", "kecamatan") of the area offices ``user`` works in."""
    if not user or not user.is_authenticated:
        return frozenset()
    return frozenset(
        Membership.objects.filter(user=user, role="area_officer").values_list(
            "unit__kind", flat=True
        )
    )


def home_kelurahan_code(user) -> str:
    """The kelurahan an area officer serves ('' for a camat or anyone else)."""
    if not user or not user.is_authenticated:
        return ""
    codes = Membership.objects.filter(
        user=user, role="area_officer", unit__kelurahan__isnull=False
    ).values_list("unit__kelurahan__code", flat=True)
    return next(iter(codes), "")


def home_kecamatan_code(user) -> str:
    """The kecamatan an area officer serves (the camat's own, or the lurah's kecamatan)."""
    if not user or not user.is_authenticated:
        return ""
    for kec, kel_kec in Membership.objects.filter(user=user, role="area_officer").values_list(
        "unit__kecamatan__code", "unit__kelurahan__kecamatan__code"
    ):
        if kec or kel_kec:
            return kec or kel_kec
    return ""

"""Reads of cases: who may see which case and its reporter, and the deadlines in force."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kanal.accounts.queries import scope_for
from kanal.accounts.rules import Capability, StaffScope

from .. import rules
from ..models import Complaint, State


def deadlines() -> dict:
    """The deadline settings in force (defaults from rules, overridden by settings)."""
    return rules.DEFAULT_DEADLINES | settings.KANAL_COMPLAINT_DEADLINES


def today():
    """Today's date in the city's time zone (settings.TIME_ZONE)."""
    return timezone.localdate()


# --- visibility --------------------------------------------------------------------------


def _visibility_filter(scope: StaffScope) -> Q | None:
    """The cases a scope reaches, as a filter; None means every case."""
    if scope.has(Capability.TRIAGE):
        return None  # operators triage everything, oversight included
    parts = Q(pk__in=[])
    if scope.has(Capability.VIEW_ALL_CASES):
        parts |= Q(is_oversight=False)
    if scope.has(Capability.VIEW_OVERSIGHT_CASES):
        parts |= Q(is_oversight=True)
    if scope.unit_ids:
        unit_cases = Q(unit_id__in=scope.unit_ids)
        if not scope.has(Capability.VIEW_OVERSIGHT_CASES):
            # Misconduct reports never reach the unit they concern.
            unit_cases &= Q(is_oversight=False)
        parts |= unit_cases
    for area in scope.area_codes:
        area_cases = Q(kelurahan__code=area) | Q(kelurahan__code__startswith=area + ".")
        if area.count(".") == 2:
            area_cases |= Q(kecamatan__code=area)
        parts |= area_cases & Q(is_oversight=False)
    return parts


def _visibility_key(scope: StaffScope) -> str:
    """A cache key part naming exactly the cases ``_visibility_filter`` lets ``scope`` reach.

    It reads the same scope fields as ``_visibility_filter`` (keep the two in step): two
    scopes with the same key see the same cases, so anything cached under it (the filter
    menu's counts) can never show one unit's figures to another unit's officer.
    """
    if not scope.roles:
        return "none"
    if scope.has(Capability.TRIAGE):
        return "all"
    parts = [
        f"a{int(scope.has(Capability.VIEW_ALL_CASES))}",
        f"o{int(scope.has(Capability.VIEW_OVERSIGHT_CASES))}",
        "u" + ",".join(str(u) for u in sorted(scope.unit_ids)),
        "k" + ",".join(sorted(scope.area_codes)),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def complaints_visible_to(user) -> QuerySet[Complaint]:
    """Every case ``user`` may open (empty for non-staff)."""
    scope = scope_for(user)
    qs = Complaint.objects.select_related("unit", "category", "kelurahan", "kecamatan")
    if not scope.roles:
        return qs.none()
    condition = _visibility_filter(scope)
    return qs if condition is None else qs.filter(condition)


def access_complaint(user, tracking_number: str) -> Complaint:
    """The case if ``user`` may open it; Http404 when it does not exist or is out of scope.

    Out-of-scope cases answer 404, not 403, so that a number typed into a URL does not
    confirm that a case exists.
    """
    case = complaints_visible_to(user).filter(tracking_number=tracking_number).first()
    if case is None:
        raise Http404
    return case


def can_see_reporter(user, case: Complaint) -> bool:
    """ "Who reported it" is its own permission, separate from handling the case."""
    scope = scope_for(user)
    if scope.has(Capability.VIEW_REPORTERS) and (
        not case.is_oversight
        or scope.has(Capability.VIEW_OVERSIGHT_CASES)
        or scope.has(Capability.TRIAGE)
    ):
        return True
    return not case.is_anonymous and case.unit_id in scope.reporter_unit_ids


def require(user, capability: str, case: Complaint) -> None:
    """Raise PermissionDenied unless ``user`` may take an action needing ``capability``."""
    scope = scope_for(user)
    if capability == "triage" and scope.has(Capability.TRIAGE):
        return
    if (
        capability == "handle"
        and case.unit_id
        and (
            case.unit_id in scope.unit_ids
            or (
                scope.has(Capability.HANDLE_AREA_CASES)
                and case.kelurahan is not None
                and scope.covers_area(case.kelurahan.code)
            )
        )
    ):
        if case.is_oversight and not scope.has(Capability.VIEW_OVERSIGHT_CASES):
            raise PermissionDenied
        return
    raise PermissionDenied


def may_handle(user, case: Complaint) -> bool:
    """Whether ``user`` handles ``case`` for its unit or area (the yes/no of require)."""
    try:
        require(user, "handle", case)
    except PermissionDenied:
        return False
    return True


def covers_area_of(user, case: Complaint) -> bool:
    """Whether ``user`` is the lurah or camat (area officer) of the case's kelurahan."""
    scope = scope_for(user)
    if not scope.has(Capability.HANDLE_AREA_CASES) or case.is_oversight:
        return False
    codes = [c.code for c in (case.kelurahan, case.kecamatan) if c is not None]
    return any(scope.covers_area(code) for code in codes)


def may_note(user, case: Complaint) -> bool:
    """Internal notes: operators, the handling unit, and the lurah or camat of the area."""
    return (
        scope_for(user).has(Capability.TRIAGE)
        or may_handle(user, case)
        or covers_area_of(user, case)
    )


def due_date_text(case: Complaint) -> str:
    """The running deadline explained in words ('' when no clock runs)."""
    from kanal.core.queries import describe_due_date

    if not (case.due_date and case.clock_started_on):
        return ""
    basis_state = {
        "verify": State.RECEIVED,
        "follow_up": State.DISPOSED,
        "review": State.FOLLOWED_UP,
        "auto_close": State.COMPLETED,
    }.get(case.due_basis, "")
    days = rules.clock_for(basis_state, deadlines()).working_days
    return describe_due_date(case.clock_started_on, days)

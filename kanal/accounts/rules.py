"""Pure rules of staff access: which role may do what, and the scope a staff member has.

A capability is a coarse permission ("sees every case", "sees reporters"). What a
staff member may see of a particular object is decided by the owning app from the
``StaffScope`` (for example the complaints app checks a case's unit against
``scope.unit_ids``), so these rules stay free of other apps' models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Capability(StrEnum):
    """What a role lets a staff member do; ``StaffScope`` holds the set a person has."""

    VIEW_ALL_CASES = "view_all_cases"  # every case except oversight ones
    VIEW_OVERSIGHT_CASES = "view_oversight_cases"
    VIEW_REPORTERS = "view_reporters"  # who reported a case, their contacts
    TRIAGE = "triage"  # verify, dispose, merge, close
    HANDLE_UNIT_CASES = "handle_unit_cases"  # follow up cases of one's own units
    HANDLE_AREA_CASES = "handle_area_cases"  # follow up cases of one's own area
    RECORD_CASES = "record_cases"  # enter a case heard in person
    PPID = "ppid"
    PPID_SUPERIOR = "ppid_superior"
    PUBLISH = "publish"
    DASHBOARDS = "dashboards"
    MANAGE_REFERENCE_DATA = "manage_reference_data"
    MANAGE_ACCOUNTS = "manage_accounts"


C = Capability
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    "operator": frozenset(
        {
            C.VIEW_ALL_CASES,
            C.VIEW_REPORTERS,
            C.TRIAGE,
            C.RECORD_CASES,
            C.DASHBOARDS,
            C.MANAGE_REFERENCE_DATA,
        }
    ),
    "unit_officer": frozenset({C.HANDLE_UNIT_CASES, C.RECORD_CASES}),
    "area_officer": frozenset({C.HANDLE_AREA_CASES, C.HANDLE_UNIT_CASES, C.RECORD_CASES}),
    "ppid_officer": frozenset({C.PPID, C.VIEW_REPORTERS, C.RECORD_CASES}),
    "ppid_superior": frozenset({C.PPID, C.PPID_SUPERIOR, C.VIEW_REPORTERS}),
    "editor": frozenset({C.PUBLISH}),
    "inspector": frozenset({C.VIEW_OVERSIGHT_CASES, C.VIEW_REPORTERS, C.HANDLE_UNIT_CASES}),
    "leadership": frozenset({C.VIEW_ALL_CASES, C.DASHBOARDS}),
    "system_admin": frozenset({C.MANAGE_REFERENCE_DATA, C.MANAGE_ACCOUNTS}),
}

# Roles whose holders use the Django admin (reference data, accounts).
ADMIN_ROLES = frozenset({"operator", "system_admin", "ppid_officer", "ppid_superior"})


@dataclass(frozen=True)
class MembershipFacts:
    """One membership as plain data: the input of ``scope_from``."""

    role: str
    unit_id: int
    area_code: str = ""  # Kemendagri code the unit serves, for area offices
    can_view_reporters: bool = False


@dataclass(frozen=True)
class StaffScope:
    """What one staff member may reach, derived from their memberships."""

    roles: frozenset[str] = frozenset()
    capabilities: frozenset[Capability] = frozenset()
    unit_ids: frozenset[int] = frozenset()  # units whose cases they handle
    area_codes: frozenset[str] = frozenset()  # kecamatan/kelurahan codes they cover
    reporter_unit_ids: frozenset[int] = field(default_factory=frozenset)

    def has(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def covers_area(self, area_code: str) -> bool:
        """True when ``area_code`` is one of the scope's areas or lies inside one."""
        return any(area_code == a or area_code.startswith(a + ".") for a in self.area_codes)


def scope_from(memberships: list[MembershipFacts]) -> StaffScope:
    """The scope that a set of memberships grants (no memberships: an empty scope)."""
    roles = frozenset(m.role for m in memberships)
    capabilities = frozenset().union(*(ROLE_CAPABILITIES.get(r, frozenset()) for r in roles))
    handling = {"unit_officer", "area_officer", "inspector"}
    return StaffScope(
        roles=roles,
        capabilities=capabilities,
        unit_ids=frozenset(m.unit_id for m in memberships if m.role in handling),
        area_codes=frozenset(
            m.area_code for m in memberships if m.role == "area_officer" and m.area_code
        ),
        reporter_unit_ids=frozenset(m.unit_id for m in memberships if m.can_view_reporters),
    )


def login_delay(failures: int, free: int, max_delay: int) -> int:
    """Seconds an account must wait after its last failed password before the next try.

    The first ``free`` failures cost nothing (typing mistakes); each further one doubles
    the wait (2, 4, 8 … s) up to ``max_delay``. A slowdown, never a lock: guessing stays
    impractical while the officer can always try again, and no one can lock them out.
    """
    if failures <= free:
        return 0
    return min(max_delay, 2 ** (failures - free))

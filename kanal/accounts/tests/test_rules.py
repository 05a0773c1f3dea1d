"""The scope each role grants: a table of roles against capabilities."""

import pytest

from kanal.accounts.rules import ROLE_CAPABILITIES, Capability, MembershipFacts, scope_from

C = Capability

EXPECTED = {
    # role:            (sees all, oversight, reporters, triage, unit cases, ppid, publish)
    "operator": (True, False, True, True, False, False, False),
    "unit_officer": (False, False, False, False, True, False, False),
    "area_officer": (False, False, False, False, True, False, False),
    "ppid_officer": (False, False, True, False, False, True, False),
    "ppid_superior": (False, False, True, False, False, True, False),
    "editor": (False, False, False, False, False, False, True),
    "inspector": (False, True, True, False, True, False, False),
    "leadership": (True, False, False, False, False, False, False),
    "system_admin": (False, False, False, False, False, False, False),
}
COLUMNS = [
    C.VIEW_ALL_CASES,
    C.VIEW_OVERSIGHT_CASES,
    C.VIEW_REPORTERS,
    C.TRIAGE,
    C.HANDLE_UNIT_CASES,
    C.PPID,
    C.PUBLISH,
]


def test_every_role_is_in_the_table():
    assert set(EXPECTED) == set(ROLE_CAPABILITIES)


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_role_capabilities(role):
    scope = scope_from([MembershipFacts(role=role, unit_id=1)])
    assert tuple(scope.has(c) for c in COLUMNS) == EXPECTED[role]


def test_no_membership_grants_nothing():
    scope = scope_from([])
    assert not scope.capabilities and not scope.unit_ids


def test_unit_scope_comes_only_from_handling_roles():
    scope = scope_from(
        [
            MembershipFacts(role="unit_officer", unit_id=7),
            MembershipFacts(role="editor", unit_id=8),
        ]
    )
    assert scope.unit_ids == {7}


def test_area_officer_covers_their_area_and_what_lies_inside_it():
    camat = scope_from([MembershipFacts(role="area_officer", unit_id=3, area_code="18.71.01")])
    assert camat.covers_area("18.71.01")
    assert camat.covers_area("18.71.01.1003")
    assert not camat.covers_area("18.71.010.1003")
    assert not camat.covers_area("18.71.02.1001")
    lurah = scope_from([MembershipFacts(role="area_officer", unit_id=4, area_code="18.71.01.1003")])
    assert lurah.covers_area("18.71.01.1003") and not lurah.covers_area("18.71.01")


def test_reporter_permission_is_separate_from_handling():
    plain = scope_from([MembershipFacts(role="unit_officer", unit_id=7)])
    granted = scope_from([MembershipFacts(role="unit_officer", unit_id=7, can_view_reporters=True)])
    assert plain.reporter_unit_ids == frozenset()
    assert granted.reporter_unit_ids == {7}


@pytest.mark.parametrize(
    ("failures", "expected"),
    [(0, 0), (1, 0), (5, 0), (6, 2), (7, 4), (8, 8), (12, 128), (13, 256), (14, 300), (50, 300)],
)
def test_login_delay_is_free_then_doubles_up_to_the_ceiling(failures, expected):
    from kanal.accounts.rules import login_delay

    assert login_delay(failures, free=5, max_delay=300) == expected

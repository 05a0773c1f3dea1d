"""Who sees and does what, for every role and every kind of case (ASVS 8.2.1-8.2.3).

The tables below ARE the specification: one row per role, one column per case kind.

    Y  the endpoint shows the case (or the action runs)
    .  it refuses: 404 for staff (a number does not confirm that a case exists), the login
       page for an anonymous visitor on staff pages, 401 on the REST API without a token

Case kinds, all in Kelurahan 18.71.01.1003 (Kecamatan 18.71.01):
    public      disposed to DPU, made public by an operator with a public summary
    rahasia     disposed to DPU, confidential (the default for every new case)
    anonim      disposed to DPU, confidential, the reporter's identity hidden
    pengawasan  misconduct by officials, disposed to the Inspektorat
    other_unit  disposed to Disdikbud (not the DPU officer's unit)
"""

import pytest
from django.test import Client
from django.urls import reverse

from kanal.api.actions import issue_api_token
from kanal.complaints import actions
from kanal.complaints.models import CaseMessage, MessageKind
from kanal.complaints.tests.factories import make_case, unit
from kanal.directory.models import Category

from .conftest import png_bytes

pytestmark = pytest.mark.django_db

CASES = ["public", "rahasia", "anonim", "pengawasan", "other_unit"]

ROLES = {  # role name in the tables -> memberships
    "operator": [("operator", "diskominfo")],
    "unit_officer (case's unit)": [("unit_officer", "dpu")],
    "unit_officer (other unit)": [("unit_officer", "dlh")],
    "area_officer (case's kelurahan)": [("area_officer", "kel-18-71-01-1003")],
    "area_officer (elsewhere)": [("area_officer", "kel-18-71-01-1004")],
    "ppid_officer": [("ppid_officer", "diskominfo")],
    "editor": [("editor", "diskominfo")],
    "inspector": [("inspector", "inspektorat")],
    "leadership": [("leadership", "setda")],
    "system_admin": [("system_admin", "diskominfo")],
    "anonymous": None,
}

# Console case page, attachment download, inbox listing, REST /api/v1/cases (list and one).
#                                   public rahasia anonim pengawasan other_unit
OPENS = {
    "operator":                        "Y Y Y Y Y",
    "unit_officer (case's unit)":      "Y Y Y . .",
    "unit_officer (other unit)":       ". . . . .",
    "area_officer (case's kelurahan)": "Y Y Y . Y",
    "area_officer (elsewhere)":        ". . . . .",
    "ppid_officer":                    ". . . . .",
    "editor":                          ". . . . .",
    "inspector":                       ". . . Y .",
    "leadership":                      "Y Y Y . Y",
    "system_admin":                    ". . . . .",
    "anonymous":                       ". . . . .",
}  # fmt: skip

# Case action POST (an internal note): handling the case, or triage.
ACTS = {
    "operator":                        "Y Y Y Y Y",
    "unit_officer (case's unit)":      "Y Y Y . .",
    "unit_officer (other unit)":       ". . . . .",
    "area_officer (case's kelurahan)": "Y Y Y . Y",
    "area_officer (elsewhere)":        ". . . . .",
    "ppid_officer":                    ". . . . .",
    "editor":                          ". . . . .",
    "inspector":                       ". . . Y .",
    "leadership":                      ". . . . .",  # reads, never acts
    "system_admin":                    ". . . . .",
    "anonymous":                       ". . . . .",
}  # fmt: skip

# The reporter's name and contacts on the console page and in the REST case (ASVS 8.2.3).
SEES_REPORTER = {
    "operator":                        "Y Y Y Y Y",
    "unit_officer (case's unit)":      ". . . . .",
    "unit_officer (other unit)":       ". . . . .",
    "area_officer (case's kelurahan)": ". . . . .",
    "area_officer (elsewhere)":        ". . . . .",
    "ppid_officer":                    ". . . . .",  # may see reporters, reaches no case
    "editor":                          ". . . . .",
    "inspector":                       ". . . Y .",
    "leadership":                      ". . . . .",
    "system_admin":                    ". . . . .",
    "anonymous":                       ". . . . .",
}  # fmt: skip

# Public endpoints answer the same to everyone, logged in or not: the tracking page shows
# state and public replies of every case (never the reporter's text or identity); Open311
# requests/{id} shows the public summary only of public cases; Open311 lists only those.
PUBLIC_TRACKING = "Y Y Y Y Y"
OPEN311_FULL = "Y . . . ."
OPEN311_LISTED = "Y . . . ."


def expected(table, role, case):
    return table[role].split()[CASES.index(case)] == "Y"


@pytest.fixture
def world(reference_data, staff_factory, login_verified, settings):
    """Every role's client and token, and one case of every kind with a photo."""
    # Eleven accounts: a fast hasher keeps the set-up short (passwords are not tested here).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    people, clients, tokens = {}, {}, {}
    for name, memberships in ROLES.items():
        client = Client()
        if memberships is not None:
            user = staff_factory(name.split()[0] + str(len(people)), memberships)
            people[name] = user
            login_verified(user, client)
            tokens[name] = issue_api_token(actor=None, user=user, name="test")[1]
        clients[name] = client
    operator = people["operator"]
    photo = [("foto.png", png_bytes())]

    def disposed(unit_code, **fields):
        case = make_case(files=photo, **fields)
        actions.verify_complaint(actor=operator, case=case)
        return actions.dispose_complaint(actor=operator, case=case, unit=unit(unit_code))

    cases = {
        "public": disposed("dpu"),
        "rahasia": disposed("dpu"),
        "anonim": disposed("dpu", is_anonymous=True),
        "pengawasan": disposed(
            "inspektorat", category=Category.objects.get(code="pengawasan"), title="Pungli"
        ),
        "other_unit": disposed("disdikbud"),
    }
    actions.publish_complaint(
        actor=operator,
        case=cases["public"],
        public=True,
        public_title="Jalan berlubang",
        public_summary="Jalan berlubang di Kelurahan Kupang Kota.",
    )
    assert cases["pengawasan"].is_oversight
    return {"clients": clients, "tokens": tokens, "cases": cases}


def _check(world, table, probe):
    """Run ``probe(role, case_kind, case) -> bool`` over the matrix; list every mismatch."""
    wrong = []
    for role in ROLES:
        for kind, case in world["cases"].items():
            got = probe(role, kind, case)
            if got != expected(table, role, kind):
                want, have = ("." if got else "Y"), ("Y" if got else ".")
                wrong.append(f"{role} / {kind}: expected {want}, got {have}")
    assert not wrong, "\n".join(wrong)


def _refusal_ok(role, response):
    """Staff are refused with 404; an anonymous visitor is sent to the login."""
    if role == "anonymous":
        return response.status_code == 302 and "/staff/" in response["Location"]
    return response.status_code == 404


def test_console_case_page(world):
    def probe(role, kind, case):
        response = world["clients"][role].get(
            reverse("complaints:console_case", args=[case.tracking_number])
        )
        assert response.status_code == 200 or _refusal_ok(role, response), (role, kind)
        return response.status_code == 200

    _check(world, OPENS, probe)


def test_attachment_download(world):
    def probe(role, kind, case):
        item = case.attachments.get()
        response = world["clients"][role].get(
            reverse("complaints:attachment", args=[case.tracking_number, item.pk])
        )
        assert response.status_code == 200 or _refusal_ok(role, response), (role, kind)
        return response.status_code == 200

    _check(world, OPENS, probe)


def test_inbox_listing(world):
    def probe(role, kind, case):
        response = world["clients"][role].get(reverse("complaints:inbox"))
        if role == "anonymous":
            assert response.status_code == 302
            return False
        return case.tracking_number in response.content.decode()

    _check(world, OPENS, probe)


def _api(world, role, path):
    headers = {}
    if role in world["tokens"]:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {world['tokens'][role]}"
    return world["clients"]["anonymous"].get(path, **headers)


def test_rest_api_case(world):
    def probe(role, kind, case):
        response = _api(world, role, f"/api/v1/cases/{case.tracking_number}")
        expected_refusal = 401 if role == "anonymous" else 404
        assert response.status_code in (200, expected_refusal), (role, kind, response.status_code)
        return response.status_code == 200

    _check(world, OPENS, probe)


def test_rest_api_case_list(world):
    def probe(role, kind, case):
        response = _api(world, role, "/api/v1/cases?page_size=200")
        if role == "anonymous":
            assert response.status_code == 401
            return False
        return case.tracking_number in {i["tracking_number"] for i in response.json()["items"]}

    _check(world, OPENS, probe)


def test_case_action_post(world):
    def probe(role, kind, case):
        before = CaseMessage.objects.filter(complaint=case, kind=MessageKind.INTERNAL_NOTE).count()
        response = world["clients"][role].post(
            reverse("complaints:case_action", args=[case.tracking_number, "note"]),
            {"text": f"catatan dari {role}"},
        )
        after = CaseMessage.objects.filter(complaint=case, kind=MessageKind.INTERNAL_NOTE).count()
        assert response.status_code in (302, 404), (role, kind)
        if role == "anonymous":
            assert "/staff/" in response["Location"]
        return after == before + 1

    _check(world, ACTS, probe)


def test_reporter_identity_on_the_console_page_and_in_the_api(world):
    def probe(role, kind, case):
        page = world["clients"][role].get(
            reverse("complaints:console_case", args=[case.tracking_number])
        )
        on_page = page.status_code == 200 and "Budi Santoso" in page.content.decode()
        api = _api(world, role, f"/api/v1/cases/{case.tracking_number}")
        in_api = api.status_code == 200 and api.json()["reporter"] is not None
        assert on_page == in_api, (role, kind, "console and API disagree")
        return on_page

    _check(world, SEES_REPORTER, probe)


def test_the_api_masks_personal_data_in_the_text_like_the_console(world):
    def probe(role, kind, case):
        api = _api(world, role, f"/api/v1/cases/{case.tracking_number}")
        text = api.content.decode() if api.status_code == 200 else ""
        return any(s in text for s in ("Budi Santoso", "budi@example.com", "1871012345678901"))

    _check(world, SEES_REPORTER, probe)


def test_public_tracking_page(world):
    from django.core.cache import cache

    def probe(role, kind, case):
        # Every client here shares one address; the per-address tracking budget (tested
        # in complaints) would otherwise refuse the matrix's later probes with 429.
        cache.clear()
        response = world["clients"][role].get(
            reverse("complaints:track_case", args=[case.tracking_number])
        )
        text = response.content.decode()
        # Without the reporter's code, nobody reads the reporter's text or identity here.
        for secret in ("Budi Santoso", "budi@example.com", "Jalan berlubang besar"):
            assert secret not in text, (role, kind, secret)
        return response.status_code == 200 and case.get_state_display() in text

    _check(world, dict.fromkeys(ROLES, PUBLIC_TRACKING), probe)


def test_open311_request_by_id(world):
    def probe(role, kind, case):
        response = world["clients"][role].get(f"/open311/v2/requests/{case.tracking_number}.json")
        assert response.status_code == 200, (role, kind)
        text = response.content.decode()
        for secret in ("Budi", "budi@example.com", "Jalan berlubang besar", "Pungli"):
            assert secret not in text, (role, kind, secret)
        return "description" in response.json()[0]

    _check(world, dict.fromkeys(ROLES, OPEN311_FULL), probe)


def test_open311_request_list(world):
    def probe(role, kind, case):
        response = world["clients"][role].get("/open311/v2/requests.json")
        return case.tracking_number in {r["service_request_id"] for r in response.json()}

    _check(world, dict.fromkeys(ROLES, OPEN311_LISTED), probe)

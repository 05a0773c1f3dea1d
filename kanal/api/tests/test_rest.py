"""The REST API: tokens, scoping, errors, pagination, idempotent POSTs, the docs page."""

import json

import pytest
from django.utils import timezone

from kanal.api import actions
from kanal.api.models import ApiToken
from kanal.complaints.models import Complaint
from kanal.complaints.tests.factories import make_case, unit

pytestmark = pytest.mark.django_db


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def token_for(staff_factory, reference_data):
    def make(username, roles):
        user = staff_factory(username, roles)
        _row, raw = actions.issue_api_token(actor=None, user=user, name="script")
        return user, raw

    return make


def test_only_a_hash_is_stored_and_bad_tokens_are_401(client, token_for):
    user, raw = token_for("ops", [("operator", "diskominfo")])
    row = ApiToken.objects.get(user=user)
    assert raw not in (row.key_hash, row.prefix) and row.prefix == raw[:8]
    assert client.get("/api/v1/units", **bearer(raw)).status_code == 200
    for headers in ({}, bearer("knl_nope")):
        response = client.get("/api/v1/units", **headers)
        assert response.status_code == 401
        assert json.loads(response.content)["code"] == "unauthenticated"
    actions.revoke_api_token(actor=None, token=row)
    assert client.get("/api/v1/units", **bearer(raw)).status_code == 401


def test_expired_token_is_refused(client, token_for):
    user, raw = token_for("ops", [("operator", "diskominfo")])
    ApiToken.objects.filter(user=user).update(expires_at=timezone.now())
    assert client.get("/api/v1/units", **bearer(raw)).status_code == 401


def test_a_unit_token_cannot_read_another_units_cases(client, token_for, reference_data):
    ops = token_for("ops", [("operator", "diskominfo")])[0]
    from kanal.complaints import actions as case_actions

    road = make_case()
    case_actions.dispose_complaint(actor=ops, case=road, unit=unit("dpu"))
    _dpu, dpu_raw = token_for("dpu1", [("unit_officer", "dpu")])
    _dlh, dlh_raw = token_for("dlh1", [("unit_officer", "dlh")])
    listed = json.loads(client.get("/api/v1/cases", **bearer(dpu_raw)).content)
    assert [c["tracking_number"] for c in listed["items"]] == [road.tracking_number]
    assert json.loads(client.get("/api/v1/cases", **bearer(dlh_raw)).content)["items"] == []
    url = f"/api/v1/cases/{road.tracking_number}"
    assert client.get(url, **bearer(dpu_raw)).status_code == 200
    response = client.get(url, **bearer(dlh_raw))
    assert response.status_code == 404 and json.loads(response.content)["code"] == "not_found"
    # a unit officer may read, but not verify or close
    refused = client.post(f"{url}/close", **bearer(dpu_raw))
    assert refused.status_code == 403


def test_operator_records_verifies_disposes_replies_and_pages(client, token_for):
    _ops, raw = token_for("ops", [("operator", "diskominfo")])
    body = {
        "title": "Drainase tersumbat",
        "description": "Air meluap ke jalan.",
        "channel": "phone",
        "kelurahan": "18.71.01.1003",
        "reporter": {"name": "Siti", "phone": "0812000111"},
    }
    created = client.post(
        "/api/v1/cases", json.dumps(body), content_type="application/json", **bearer(raw)
    )
    assert created.status_code == 201, created.content
    case = json.loads(created.content)
    assert case["channel"] == "phone" and case["reporter"]["name"] == "Siti"
    url = f"/api/v1/cases/{case['tracking_number']}"
    step = client.post(
        f"{url}/verify",
        json.dumps({"category": "drainase"}),
        content_type="application/json",
        **bearer(raw),
    )
    assert json.loads(step.content)["state"] == "diverifikasi"
    step = client.post(
        f"{url}/dispose",
        json.dumps({"unit": "dpu"}),
        content_type="application/json",
        **bearer(raw),
    )
    assert json.loads(step.content)["unit"] == "dpu"
    reply = client.post(
        f"{url}/reply",
        json.dumps({"body": "Diteruskan ke DPU."}),
        content_type="application/json",
        **bearer(raw),
    )
    assert reply.status_code == 201
    refused = client.post(f"{url}/close", **bearer(raw))
    assert refused.status_code == 409 and json.loads(refused.content)["code"] == "refused"
    page = json.loads(client.get("/api/v1/cases?page_size=1", **bearer(raw)).content)
    assert page["meta"] == {"count": 1, "page": 1, "page_size": 1, "pages": 1}
    unknown_unit = client.post(
        f"{url}/dispose", json.dumps({"unit": "x"}), content_type="application/json", **bearer(raw)
    )
    assert unknown_unit.status_code == 422


def test_retried_create_with_the_same_idempotency_key_returns_the_first_case(client, token_for):
    _ops, raw = token_for("ops", [("operator", "diskominfo")])
    body = json.dumps({"title": "Lampu mati", "description": "Sudah seminggu."})
    headers = {**bearer(raw), "HTTP_IDEMPOTENCY_KEY": "abc-1"}
    first = client.post("/api/v1/cases", body, content_type="application/json", **headers)
    again = client.post("/api/v1/cases", body, content_type="application/json", **headers)
    assert first.status_code == again.status_code == 201
    assert json.loads(first.content) == json.loads(again.content)
    assert Complaint.objects.count() == 1
    other = json.dumps({"title": "Lain", "description": "Lain."})
    reused = client.post("/api/v1/cases", other, content_type="application/json", **headers)
    assert reused.status_code == 409
    fresh = {**bearer(raw), "HTTP_IDEMPOTENCY_KEY": "abc-2"}
    client.post("/api/v1/cases", body, content_type="application/json", **fresh)
    assert Complaint.objects.count() == 2


def test_validation_errors_have_the_common_body(client, token_for):
    _ops, raw = token_for("ops", [("operator", "diskominfo")])
    response = client.post(
        "/api/v1/cases", json.dumps({"title": ""}), content_type="application/json", **bearer(raw)
    )
    body = json.loads(response.content)
    assert response.status_code == 422 and body["code"] == "invalid" and body["errors"]


def test_a_role_without_recording_cannot_create(client, token_for):
    _editor, raw = token_for("ed", [("editor", "diskominfo")])
    body = json.dumps({"title": "x", "description": "y"})
    response = client.post("/api/v1/cases", body, content_type="application/json", **bearer(raw))
    assert response.status_code == 403 and not Complaint.objects.exists()


def test_reference_endpoints(client, token_for):
    _ops, raw = token_for("ops", [("operator", "diskominfo")])
    units = json.loads(client.get("/api/v1/units", **bearer(raw)).content)
    assert any(u["code"] == "dpu" for u in units)
    assert client.get("/api/v1/units/nope", **bearer(raw)).status_code == 404
    cats = json.loads(client.get("/api/v1/categories", **bearer(raw)).content)
    assert any(c["code"] == "jalan-rusak" and c["parent"] == "infrastruktur" for c in cats)
    kec = json.loads(client.get("/api/v1/wilayah/kecamatan", **bearer(raw)).content)
    code = kec[0]["code"]
    kel = client.get(f"/api/v1/wilayah/kecamatan/{code}/kelurahan", **bearer(raw))
    assert json.loads(kel.content)[0]["kecamatan"] == code
    here = client.get("/api/v1/wilayah/locate?lat=-5.4271&lng=105.2611", **bearer(raw))
    assert here.status_code == 200
    assert client.get("/api/v1/wilayah/locate?lat=0&lng=0", **bearer(raw)).status_code == 404


def test_docs_page_lists_every_endpoint(client, db):
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    paths = set(schema["paths"])
    assert {
        "/api/v1/cases",
        "/api/v1/cases/{number}",
        "/api/v1/cases/{number}/verify",
        "/api/v1/cases/{number}/dispose",
        "/api/v1/cases/{number}/reply",
        "/api/v1/cases/{number}/close",
        "/api/v1/units",
        "/api/v1/units/{code}",
        "/api/v1/categories",
        "/api/v1/wilayah/kecamatan",
        "/api/v1/wilayah/kecamatan/{code}/kelurahan",
        "/api/v1/wilayah/locate",
    } <= paths
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"/api/v1/openapi.json" in docs.content
    assert b"cdn" not in docs.content.lower()  # swagger-ui served from our static files


@pytest.mark.parametrize(
    "field, value",
    [
        ("is_anonymous", 0),
        ("is_anonymous", 1),
        ("is_anonymous", "true"),
        ("title", 123),
        ("lat", "-5.4"),
        ("reporter", {"name": 7}),
    ],
)
def test_request_bodies_take_json_types_as_sent(client, token_for, field, value):
    _ops, raw = token_for("ops", [("operator", "diskominfo")])
    body = {"title": "Lampu mati", "description": "Sudah seminggu.", field: value}
    if field == "lat":
        body["lng"] = 105.26
    response = client.post(
        "/api/v1/cases", json.dumps(body), content_type="application/json", **bearer(raw)
    )
    assert response.status_code == 422, response.content
    assert json.loads(response.content)["code"] == "invalid"
    assert not Complaint.objects.exists()


def test_a_real_boolean_and_an_integer_coordinate_are_accepted(client, token_for):
    _ops, raw = token_for("ops", [("operator", "diskominfo")])
    body = {"title": "Lampu", "description": "Mati.", "is_anonymous": True, "lat": -5, "lng": 105}
    response = client.post(
        "/api/v1/cases", json.dumps(body), content_type="application/json", **bearer(raw)
    )
    assert response.status_code == 201, response.content
    assert json.loads(response.content)["is_anonymous"] is True


def test_operation_ids_are_readable_and_every_error_status_is_documented(client, db):
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    operations = [op for ops in schema["paths"].values() for op in ops.values()]
    assert {op["operationId"] for op in operations} == {
        "listCases",
        "getCase",
        "createCase",
        "verifyCase",
        "disposeCase",
        "closeCase",
        "replyToCase",
        "listUnits",
        "getUnit",
        "listCategories",
        "listKecamatan",
        "listKelurahan",
        "locateKelurahan",
    }
    for op in operations:
        responses = op["responses"]
        assert {"400", "401", "403", "404", "422", "429", "503"} <= set(responses), op
        assert "NUL" in responses["400"]["description"]
        assert "unknown unit" in responses["422"]["description"]
        assert "Retry-After" in responses["429"]["headers"]
        assert "Retry-After" in responses["503"]["headers"]


def test_rest_and_open311_give_the_same_time_with_the_citys_offset(client, token_for):
    from datetime import datetime

    from kanal.api.tests.conftest import parse_xml

    _ops, raw = token_for("ops", [("operator", "diskominfo")])
    case = make_case()
    rest = json.loads(client.get(f"/api/v1/cases/{case.tracking_number}", **bearer(raw)).content)
    assert rest["received_at"].endswith("+07:00")
    sent = datetime.fromisoformat(rest["received_at"])
    assert sent.replace(microsecond=0) == case.received_at.replace(microsecond=0)
    open311 = client.get(f"/open311/v2/requests/{case.tracking_number}.xml")
    requested = parse_xml(open311.content).findtext("request/requested_datetime")
    assert requested.endswith("+07:00")
    assert datetime.fromisoformat(requested) == case.received_at.replace(microsecond=0)


def test_a_rate_limited_token_is_told_when_to_retry(client, token_for, settings):
    settings.KANAL_API_CALLS_PER_MINUTE = 1
    _ops, raw = token_for("ops", [("operator", "diskominfo")])
    assert client.get("/api/v1/units", **bearer(raw)).status_code == 200
    limited = client.get("/api/v1/units", **bearer(raw))
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0

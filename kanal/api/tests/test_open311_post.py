"""POSTing requests and updates with a partner api_key; a generic client's round trip."""

import json

import pytest

from kanal.api import actions
from kanal.api.models import PartnerRequest, ServiceAttribute
from kanal.audit.models import AuditEvent
from kanal.complaints import actions as case_actions
from kanal.complaints.models import Complaint
from kanal.directory.models import Category

from .conftest import assert_matches, parse_xml

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"
POINT = {"lat": "-5.4271", "long": "105.2611"}


def post(client, fmt, data, expect):
    response = client.post(f"{BASE}/requests.{fmt}", data)
    assert response.status_code == expect, response.content
    return response


def test_generic_client_round_trip(client, partner):
    """Lists services, posts with an api_key, reads the request back in XML and JSON."""
    _row, key = partner
    services = parse_xml(client.get(f"{BASE}/services.xml").content)
    code = services.find("service/service_code").text
    data = {"api_key": key, "service_code": code, "description": "Lampu mati\nsejak Senin"}
    response = post(client, "xml", {**data, **POINT, "email": "warga@example.com"}, 200)
    root = parse_xml(response.content)
    assert root.tag == "service_requests"
    number = root.findtext("request/service_request_id")
    assert root.find("request/token") is None  # id XOR token
    case = Complaint.objects.get(tracking_number=number)
    assert case.channel == "api" and case.category.code == code
    assert case.kelurahan is not None and case.title == "Lampu mati"
    assert case.reporter.email == "warga@example.com"
    as_xml = parse_xml(client.get(f"{BASE}/requests/{number}.xml").content)
    assert as_xml.findtext("request/status") == "open"
    as_json = json.loads(client.get(f"{BASE}/requests/{number}.json").content)
    assert_matches("requests", as_json)
    assert as_json[0]["service_request_id"] == number
    assert AuditEvent.objects.filter(action="api.open311_request_filed").count() == 1


def test_json_post_response_and_account_id(client, partner):
    _row, key = partner
    data = {"api_key": key, "service_code": "sampah", "address_string": "Jl. Kartini 1"}
    body = json.loads(post(client, "json", {**data, "account_id": "u-7"}, 200).content)
    assert_matches("post-request-response", body)
    assert body[0]["account_id"] == "u-7"
    case = Complaint.objects.get(tracking_number=body[0]["service_request_id"])
    assert case.is_anonymous and case.reporter is None and case.address == "Jl. Kartini 1"


def test_token_mode_and_tokens_endpoint(client, partner, settings):
    settings.KANAL_OPEN311_RESPONSE = "token"
    _row, key = partner
    data = {"api_key": key, "service_code": "sampah", "address_id": "18.71.01.1003"}
    body = json.loads(post(client, "json", data, 200).content)
    assert_matches("post-request-response", body)
    token = body[0]["token"]
    found = json.loads(client.get(f"{BASE}/tokens/{token}.json").content)
    assert_matches("tokens", found)
    link = PartnerRequest.objects.get(token=token)
    assert found[0]["service_request_id"] == link.complaint.tracking_number
    assert link.complaint.kelurahan.code == "18.71.01.1003"
    root = parse_xml(client.get(f"{BASE}/tokens/{token}.xml").content)
    assert root.findtext("request/token") == token


@pytest.mark.parametrize("key", ["", "o311_wrong"])
def test_missing_or_wrong_key_is_403(client, reference_data, key):
    data = {"api_key": key, "service_code": "sampah", **POINT}
    body = json.loads(post(client, "json", data, 403).content)
    assert_matches("errors", body)
    assert parse_xml(post(client, "xml", data, 403).content).tag == "errors"
    assert not Complaint.objects.exists()


def test_revoked_key_is_403(client, partner):
    row, key = partner
    actions.revoke_partner_key(actor=None, partner=row)
    post(client, "json", {"api_key": key, "service_code": "sampah", **POINT}, 403)


@pytest.mark.parametrize(
    ("extra", "expect", "message"),
    [
        ({"service_code": ""}, 400, "service_code is required"),
        ({"service_code": "tidak-ada"}, 404, "service_code not found"),
        ({"lat": "", "long": ""}, 400, "a location is required"),
        ({"long": ""}, 400, "together"),
        ({"lat": "utara"}, 400, "numbers"),
        ({"lat": "NaN"}, 400, "range"),
        ({"lat": "91"}, 400, "range"),
        ({"description": "x" * 4001}, 400, "4,000"),
        ({"email": "bukan-email"}, 400, "email"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"lat": "", "long": "", "address_id": "99.99"}, 400, "address_id"),
        ({"start_date": "x", "attribute[ukuran]": "raksasa"}, 400, "unknown value"),
    ],
)
def test_bad_posts_are_refused_without_a_trace(client, partner, extra, expect, message):
    ServiceAttribute.objects.create(
        category=Category.objects.get(code="sampah"),
        code="ukuran",
        datatype="singlevaluelist",
        description="Berapa banyak?",
        values=[{"key": "sedikit", "name": "Sedikit"}],
    )
    _row, key = partner
    data = {"api_key": key, "service_code": "sampah", **POINT, **extra}
    body = json.loads(post(client, "json", data, expect).content)
    assert_matches("errors", body)
    assert message in body[0]["description"]
    assert not Complaint.objects.exists()


def test_attributes_are_checked_against_the_definition(client, partner):
    category = Category.objects.get(code="sampah")
    ServiceAttribute.objects.create(
        category=category, code="jumlah", datatype="number", required=True, description="?"
    )
    ServiceAttribute.objects.create(
        category=category,
        code="jenis",
        datatype="multivaluelist",
        description="?",
        order=2,
        values=[{"key": "plastik", "name": "Plastik"}, {"key": "organik", "name": "Organik"}],
    )
    _row, key = partner
    data = {"api_key": key, "service_code": "sampah", **POINT}
    assert "required" in json.loads(post(client, "json", data, 400).content)[0]["description"]
    post(client, "json", {**data, "attribute[jumlah]": "banyak"}, 400)
    body = {
        **data,
        "attribute[jumlah]": "3",
        "attribute[jenis][]": ["plastik", "organik"],
        "attribute[fixmystreet_id]": "123",
    }
    response = json.loads(post(client, "json", body, 200).content)
    link = PartnerRequest.objects.get(complaint__tracking_number=response[0]["service_request_id"])
    assert link.attributes == {
        "jumlah": "3",
        "jenis": ["plastik", "organik"],
        "fixmystreet_id": "123",
    }
    assert "jenis: plastik, organik" in link.complaint.description


def test_posts_are_rate_limited_per_key(client, partner):
    _row, key = partner  # 5 per hour
    data = {"api_key": key, "service_code": "sampah", **POINT}
    for _ in range(5):
        post(client, "json", data, 200)
    assert json.loads(post(client, "json", data, 429).content)[0]["code"] == 429


def test_get_only_endpoints_refuse_post(client, reference_data):
    response = client.post(f"{BASE}/services.json")
    assert response.status_code == 405 and response["Allow"] == "GET, OPTIONS"


def test_partner_reads_and_sends_updates(client, partner, operator):
    _row, key = partner
    data = {"api_key": key, "service_code": "sampah", **POINT}
    number = json.loads(post(client, "json", data, 200).content)[0]["service_request_id"]
    case = Complaint.objects.get(tracking_number=number)
    case_actions.verify_complaint(actor=operator, case=case)
    case_actions.send_public_reply(actor=operator, case=case, body="Sedang kami periksa.")
    updates = json.loads(client.get(f"{BASE}/servicerequestupdates.json", {"api_key": key}).content)
    assert [u["description"] for u in updates if u["description"]] == ["Sedang kami periksa."]
    assert {u["external_status_code"] for u in updates} >= {"diverifikasi"}
    root = parse_xml(client.get(f"{BASE}/servicerequestupdates.xml", {"api_key": key}).content)
    assert root.tag == "service_requests_updates" and root.find("request_update") is not None
    assert client.get(f"{BASE}/servicerequestupdates.json").status_code == 403

    update = {
        "api_key": key,
        "service_request_id": number,
        "update_id": "fms-1",
        "updated_datetime": "2026-11-28T10:00:00+07:00",
        "status": "OPEN",
        "description": "Masih menumpuk.",
    }
    response = client.post(f"{BASE}/servicerequestupdates.xml", update)
    assert response.status_code == 200, response.content
    assert parse_xml(response.content).findtext("request_update/update_id") == "fms-1"
    assert case.messages.filter(kind="citizen_reply", body="Masih menumpuk.").exists()
    again = client.post(f"{BASE}/servicerequestupdates.json", update)
    assert again.status_code == 400 and "already exists" in again.content.decode()
    missing = client.post(f"{BASE}/servicerequestupdates.json", {**update, "update_id": ""})
    assert json.loads(missing.content)[0]["description"] == "Bad request: update_id"


def test_partner_cannot_update_another_partners_request(client, partner, private_case):
    _row, key = partner
    update = {
        "api_key": key,
        "service_request_id": private_case.tracking_number,
        "update_id": "1",
        "updated_datetime": "2026-11-28T10:00:00Z",
        "status": "OPEN",
        "description": "halo",
    }
    assert client.post(f"{BASE}/servicerequestupdates.json", update).status_code == 404

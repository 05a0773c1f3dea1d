"""Contract tests: every Open311 endpoint in XML and JSON, against the GeoReport v2 shapes."""

import json
import xml.etree.ElementTree as ET

import pytest

from kanal.api.models import ServiceAttribute
from kanal.directory.models import Category

from .conftest import assert_matches, parse_xml

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"


def get_xml(client, path, expect=200, **params):
    response = client.get(f"{BASE}/{path}.xml", params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return parse_xml(response.content)


def get_json(client, path, expect=200, **params):
    response = client.get(f"{BASE}/{path}.json", params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def test_discovery_in_both_formats(client):
    data = get_json(client, "discovery")
    assert_matches("discovery", data)
    assert data["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert data["endpoints"][0]["url"].endswith("/open311/v2/")
    root = get_xml(client, "discovery")
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]
    for field in ("changeset", "contact", "key_service"):
        assert root.findtext(field)


def test_services_list_active_leaf_categories(client, reference_data):
    data = get_json(client, "services")
    assert_matches("services", data)
    codes = {s["service_code"] for s in data}
    assert "jalan-rusak" in codes and "infrastruktur" not in codes  # leaves only
    road = next(s for s in data if s["service_code"] == "jalan-rusak")
    assert road["group"] == "Infrastruktur" and road["metadata"] is False
    root = get_xml(client, "services")
    assert root.tag == "services"
    assert {s.findtext("service_code") for s in root.findall("service")} == codes
    assert root.find("service/metadata").text in ("true", "false")


def test_inactive_category_is_not_a_service(client, reference_data):
    Category.objects.filter(code="parkir").update(is_active=False)
    assert "parkir" not in {s["service_code"] for s in get_json(client, "services")}
    assert get_json(client, "services/parkir", expect=404)[0]["code"] == 404


def test_service_definition_with_attributes(client, reference_data):
    road = Category.objects.get(code="jalan-rusak")
    ServiceAttribute.objects.create(
        category=road,
        code="ukuran",
        datatype="singlevaluelist",
        required=True,
        description="Seberapa besar lubangnya?",
        order=1,
        values=[{"key": "kecil", "name": "Kecil"}, {"key": "besar", "name": "Besar"}],
    )
    data = get_json(client, "services/jalan-rusak")
    assert_matches("service-definition", data)
    assert data["attributes"][0]["values"][1] == {"key": "besar", "name": "Besar"}
    services = get_json(client, "services")
    assert next(s for s in services if s["service_code"] == "jalan-rusak")["metadata"] is True
    root = get_xml(client, "services/jalan-rusak")
    assert root.tag == "service_definition"
    assert root.findtext("attributes/attribute/code") == "ukuran"
    assert [v.findtext("key") for v in root.findall("attributes/attribute/values/value")] == [
        "kecil",
        "besar",
    ]


def test_unknown_service_is_404_in_both_formats(client, reference_data):
    assert_matches("errors", get_json(client, "services/tidak-ada", expect=404))
    root = get_xml(client, "services/tidak-ada", expect=404)
    assert root.tag == "errors" and root.findtext("error/code") == "404"


def test_requests_list_shows_public_cases_without_personal_data(
    client, public_case, private_case, oversight_case
):
    data = get_json(client, "requests")
    assert_matches("requests", data)
    assert [r["service_request_id"] for r in data] == [public_case.tracking_number]
    item = data[0]
    assert item["status"] == "open" and item["detailed_status"] == "didisposisikan"
    assert item["description"] == public_case.public_summary
    assert item["agency_responsible"] == "Dinas Pekerjaan Umum"
    assert item["lat"] == -5.427 and item["long"] == 105.261  # rounded
    text = json.dumps(data)
    for secret in ("Budi", "0812", "budi@example.com", "1871012345678901"):
        assert secret not in text
    assert "[disamarkan]" in item["status_notes"]
    root = get_xml(client, "requests")
    assert root.tag == "service_requests"
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [
        public_case.tracking_number
    ]
    assert root.findtext("request/requested_datetime").endswith("+07:00")
    assert b"Budi" not in ET.tostring(root)


def test_requests_filters(client, public_case):
    number = public_case.tracking_number
    assert get_json(client, "requests", status="closed") == []
    assert len(get_json(client, "requests", status="open")) == 1
    assert get_json(client, "requests", service_code="sampah") == []
    assert len(get_json(client, "requests", service_code="sampah,jalan-rusak")) == 1
    assert get_json(client, "requests", start_date="2001-01-01", end_date="2001-02-01") == []
    # service_request_id overrides every other filter
    assert len(get_json(client, "requests", service_request_id=f"{number},X", status="closed")) == 1
    # an empty parameter behaves like an absent one
    assert len(get_json(client, "requests", status="", service_code="")) == 1
    assert get_json(client, "requests", page=2, page_size=1) == []


@pytest.mark.parametrize(
    "params",
    [
        {"status": "pending"},
        {"start_date": "kemarin"},
        {"start_date": "2026-01-01", "end_date": "2026-12-01"},
        {"start_date": "2026-02-01", "end_date": "2026-01-01"},
        {"page": "x"},
        {"page_size": "0"},
    ],
)
def test_bad_list_parameters_are_400_in_both_formats(client, reference_data, params):
    assert_matches("errors", get_json(client, "requests", expect=400, **params))
    assert get_xml(client, "requests", expect=400, **params).tag == "errors"


def test_old_cases_fall_outside_the_default_window(client, public_case):
    from datetime import timedelta

    from kanal.complaints.models import Complaint

    Complaint.objects.filter(pk=public_case.pk).update(
        received_at=public_case.received_at - timedelta(days=91)
    )
    assert get_json(client, "requests") == []


def test_single_public_request_in_both_formats(client, public_case):
    number = public_case.tracking_number
    data = get_json(client, f"requests/{number}")
    assert_matches("requests", data)
    assert data[0]["description"] == public_case.public_summary
    root = get_xml(client, f"requests/{number}")
    assert root.findtext("request/service_code") == "jalan-rusak"


def test_a_private_case_reads_back_by_its_id_with_status_only(client, private_case):
    data = get_json(client, f"requests/{private_case.tracking_number}")
    assert_matches("requests", data)
    item = data[0]
    assert item["status"] == "open" and item["detailed_status"] == "diterima"
    for hidden in ("description", "address", "lat", "long", "agency_responsible", "media_url"):
        assert hidden not in item
    root = get_xml(client, f"requests/{private_case.tracking_number}")
    assert root.find("request/description") is None
    assert root.findtext("request/status") == "open"


def test_an_oversight_case_reads_back_without_content(client, oversight_case):
    data = get_json(client, f"requests/{oversight_case.tracking_number}")
    assert "description" not in data[0] and "Pungli" not in json.dumps(data)
    # By id, the list reads the same as requests/<id>: status and service, no content.
    listed = get_json(client, "requests", service_request_id=oversight_case.tracking_number)
    assert listed == data and "Pungli" not in json.dumps(listed)


def test_unknown_request_and_token_are_404(client, reference_data):
    assert_matches("errors", get_json(client, "requests/BL-00000000", expect=404))
    assert get_xml(client, "requests/BL-00000000", expect=404).tag == "errors"
    assert_matches("errors", get_json(client, "tokens/abc", expect=404))
    assert get_xml(client, "tokens/abc", expect=404).tag == "errors"


def test_jurisdiction_id_is_accepted_and_checked(client, reference_data, settings):
    settings.KANAL_OPEN311_JURISDICTION = "bandarlampungkota.go.id"
    get_json(client, "services", jurisdiction_id="bandarlampungkota.go.id")
    get_json(client, "services", jurisdiction_id="")
    errors = get_json(client, "services", expect=404, jurisdiction_id="jakarta.go.id")
    assert errors[0]["description"] == "jurisdiction_id not found"


def test_unknown_path_and_format_answer_in_the_specification_shape(client, db):
    assert get_xml(client, "nothing", expect=404).tag == "errors"
    response = client.get(f"{BASE}/services.html")
    assert response.status_code == 404 and b"<errors>" in response.content


def test_control_characters_never_break_the_xml(client, public_case):
    from kanal.complaints.models import Complaint

    Complaint.objects.filter(pk=public_case.pk).update(
        public_summary="Lubang\x01\x07 <b>&</b>"
    )  # no NUL: PostgreSQL refuses it
    root = get_xml(client, f"requests/{public_case.tracking_number}")
    assert root.findtext("request/description") == "Lubang <b>&</b>"


def test_nul_characters_get_the_specifications_400_not_a_500(client, public_case):
    response = client.get("/open311/v2/requests.json", {"service_code": "jalan\x00rusak"})
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400
    rest = client.get("/api/v1/cases", {"q": "a\x00b"}, HTTP_AUTHORIZATION="Bearer x")
    assert rest.status_code == 400 and rest.json()["code"] == "bad_request"

"""Open311 as partners use it: read-back of a just-POSTed request, lat/long/radius,
CORS, ETag/Last-Modified, the language of the answer, public photos, demo data."""

import io
import json

import pytest
from django.core.management import call_command
from PIL import Image

from kanal.complaints import actions as case_actions

from .conftest import assert_matches, parse_xml

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"


def ids(client, **params):
    response = client.get(f"{BASE}/requests.json", params)
    assert response.status_code == 200, response.content
    return [r["service_request_id"] for r in json.loads(response.content)]


def test_a_just_posted_request_reads_back_by_id_with_status_and_service_only(client, partner):
    _row, key = partner
    secrets = {
        "first_name": "Sri",
        "last_name": "Wahyuni",
        "email": "sri.wahyuni@example.com",
        "phone": "081377712345",
        "description": "Rumah saya di gang Melati no 7 kebanjiran",
    }
    posted = client.post(
        f"{BASE}/requests.json",
        {"api_key": key, "service_code": "drainase", "lat": "-5.4271", "long": "105.2611"}
        | secrets,
    )
    number = json.loads(posted.content)[0]["service_request_id"]
    for response in (
        client.get(f"{BASE}/requests/{number}.json"),
        client.get(f"{BASE}/requests.json", {"service_request_id": number}),
        client.get(f"{BASE}/requests/{number}.xml"),
        client.get(f"{BASE}/requests.xml", {"service_request_id": number}),
    ):
        assert response.status_code == 200
        text = response.content.decode()
        assert number in text and "drainase" in text and "open" in text
        for value in secrets.values():
            assert value not in text
        assert "-5.427" not in text and "105.261" not in text  # no point until published
    item = json.loads(client.get(f"{BASE}/requests.json", {"service_request_id": number}).content)
    assert_matches("requests", item)
    assert item[0]["status_notes"] == "" and "description" not in item[0]
    as_xml = parse_xml(client.get(f"{BASE}/requests.xml", {"service_request_id": number}).content)
    assert as_xml.findtext("request/service_code") == "drainase"


def test_lat_long_radius_filter_on_the_public_rounded_point(client, public_case):
    from kanal.complaints.models import Complaint

    # Exactly 0.00049 degrees (about 54 m) from its rounded public point.
    Complaint.objects.filter(pk=public_case.pk).update(lat=-5.42749, lng=105.26149)
    number = public_case.tracking_number
    assert ids(client, lat="-5.427", long="105.261", radius="5") == [number]
    # From the exact point the case is 54 m away from where the public sees it: a 10 m
    # circle around the exact point finds nothing, so radii cannot locate a home.
    assert ids(client, lat="-5.42749", long="105.26149", radius="10") == []
    # About 2.2 km north: outside 1 km (the default radius), inside 3 km.
    assert ids(client, lat="-5.407", long="105.261") == []
    assert ids(client, lat="-5.407", long="105.261", radius="3000") == [number]
    # Combined with the other filters.
    assert ids(client, lat="-5.427", long="105.261", service_code="sampah") == []


@pytest.mark.parametrize(
    "params",
    [
        {"radius": "500"},
        {"lat": "-5.4"},
        {"lat": "-5.4", "long": "105.2", "radius": "0"},
        {"lat": "-5.4", "long": "105.2", "radius": "60000"},
        {"lat": "-5.4", "long": "105.2", "radius": "dekat"},
        {"lat": "95", "long": "105.2"},
    ],
)
def test_bad_location_filters_are_400(client, reference_data, params):
    response = client.get(f"{BASE}/requests.json", params)
    assert response.status_code == 400 and json.loads(response.content)[0]["code"] == 400


def test_public_reads_allow_any_origin_and_answer_preflights(client, public_case):
    for path in ("discovery.json", "services.xml", "requests.json"):
        got = client.get(f"{BASE}/{path}", HTTP_ORIGIN="https://peta.example.org")
        assert got.status_code == 200 and got["Access-Control-Allow-Origin"] == "*"
        assert "ETag" in got["Access-Control-Expose-Headers"]
        pre = client.options(
            f"{BASE}/{path}",
            HTTP_ORIGIN="https://peta.example.org",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
        )
        assert pre.status_code == 204 and pre["Access-Control-Allow-Origin"] == "*"
        assert pre["Access-Control-Allow-Methods"] == "GET, OPTIONS"
        assert "If-None-Match" in pre["Access-Control-Allow-Headers"]
    single = client.get(f"{BASE}/requests/{public_case.tracking_number}.json")
    assert single["Access-Control-Allow-Origin"] == "*"


def test_partner_only_calls_and_posts_are_not_opened_to_browsers(client, partner):
    _row, key = partner
    pre = client.options(f"{BASE}/servicerequestupdates.json")
    assert pre.status_code == 204 and "Access-Control-Allow-Origin" not in pre
    posted = client.post(
        f"{BASE}/requests.json",
        {"api_key": key, "service_code": "sampah", "address_string": "Jl. Kartini"},
        HTTP_ORIGIN="https://peta.example.org",
    )
    assert posted.status_code == 200 and "Access-Control-Allow-Origin" not in posted


def test_etag_and_last_modified_give_304_until_something_changes(client, public_case, operator):
    url = f"{BASE}/requests.json"
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag and modified
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Access-Control-Allow-Origin"] == "*"
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    # A new public reply changes the status notes: the old copy is no longer current.
    case_actions.send_public_reply(actor=operator, case=public_case, body="Sudah diperbaiki.")
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert b"Sudah diperbaiki." in changed.content
    single = f"{BASE}/requests/{public_case.tracking_number}.xml"
    tag = client.get(single)["ETag"]
    assert client.get(single, HTTP_IF_NONE_MATCH=tag).status_code == 304
    services = client.get(f"{BASE}/services.json")
    assert services["Last-Modified"]
    assert (
        client.get(f"{BASE}/services.json", HTTP_IF_NONE_MATCH=services["ETag"]).status_code == 304
    )


@pytest.mark.parametrize(
    "params, headers, expected",
    [
        ({}, {}, "Diterima. Operator memeriksa"),
        ({"locale": "en"}, {}, "Received. An operator checks"),
        ({"locale": "en_US"}, {"HTTP_ACCEPT_LANGUAGE": "id"}, "Received. An operator checks"),
        ({}, {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9,id;q=0.5"}, "Received. An operator"),
        ({}, {"HTTP_ACCEPT_LANGUAGE": "fr, id;q=0.8, en;q=0.5"}, "Diterima. Operator"),
    ],
)
def test_the_service_notice_speaks_the_requests_language(
    client, partner, params, headers, expected
):
    _row, key = partner
    data = {"api_key": key, "service_code": "sampah", "address_string": "Jl. Kartini 1"}
    response = client.post(f"{BASE}/requests.json", data | params, **headers)
    assert json.loads(response.content)[0]["service_notice"].startswith(expected)
    assert response["Content-Language"] == ("en" if "Received" in expected else "id")


def test_accept_language_does_not_change_the_public_pages(client, reference_data):
    page = client.get("/lacak/", HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "id"


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 90, 60)).save(out, "JPEG")
    return out.getvalue()


def test_a_public_photo_is_the_media_url_only_while_the_case_is_public(
    client, public_case, operator
):
    photo = case_actions.add_attachment(
        actor=operator, case=public_case, name="lubang.jpg", data=_photo()
    )
    single = f"{BASE}/requests/{public_case.tracking_number}.json"
    assert json.loads(client.get(single).content)[0]["media_url"] is None
    case_actions.publish_attachment(actor=operator, attachment=photo, public=True)
    media_url = json.loads(client.get(single).content)[0]["media_url"]
    assert media_url.startswith("http://testserver/open311/v2/media/")
    image = client.get(media_url.removeprefix("http://testserver"))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert b"".join(image.streaming_content).startswith(b"\xff\xd8")
    case_actions.publish_complaint(actor=operator, case=public_case, public=False)
    assert client.get(media_url.removeprefix("http://testserver")).status_code == 404


def test_demo_data_gives_public_requests_points_and_photos(client, reference_data, settings):
    # The demo command is for development systems (KANAL_DEBUG on, the default there);
    # pytest-django turns DEBUG off, so it is turned back on for this command only.
    settings.DEBUG = True
    call_command("load_demo_accounts", verbosity=0)
    call_command("complaints_demo_data", count=40, months=2, stdout=io.StringIO())
    settings.DEBUG = False
    listed = json.loads(client.get(f"{BASE}/requests.json").content)
    assert listed, "the demo published no case in the last 90 days"
    with_point = [r for r in listed if r["lat"] is not None and r["long"] is not None]
    with_photo = [r for r in listed if r["media_url"]]
    assert len(with_point) >= len(listed) * 0.7 and with_photo
    image = client.get(with_photo[0]["media_url"].removeprefix("http://testserver"))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"

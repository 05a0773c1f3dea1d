"""A generic Open311 client over real HTTP: services, a POST with an api_key, read-back."""

import httpx
import pytest

from kanal.api import actions

from .conftest import assert_matches, parse_xml


@pytest.mark.django_db(transaction=True)
def test_generic_client_against_a_running_kanal(live_server, reference_data):
    _partner, key = actions.issue_partner_key(actor=None, name="Generic client")
    base = f"{live_server.url}/open311/v2"
    with httpx.Client(timeout=10) as http:
        discovery = http.get(f"{base}/discovery.json").json()
        assert_matches("discovery", discovery)
        services = parse_xml(http.get(f"{base}/services.xml").content)
        code = services.findtext("service/service_code")
        posted = http.post(
            f"{base}/requests.xml",
            data={
                "api_key": key,
                "service_code": code,
                "lat": "-5.4271",
                "long": "105.2611",
                "description": "Lampu jalan mati",
            },
        )
        assert posted.status_code == 200, posted.text
        assert posted.headers["content-type"] == "text/xml; charset=utf-8"
        number = parse_xml(posted.content).findtext("request/service_request_id")
        as_xml = parse_xml(http.get(f"{base}/requests/{number}.xml").content)
        assert as_xml.findtext("request/service_request_id") == number
        as_json = http.get(f"{base}/requests/{number}.json").json()
        assert_matches("requests", as_json)
        assert as_json[0]["status"] == "open"

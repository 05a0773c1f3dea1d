"""Anti-automation (ASVS 2.4.1, 6.1.1): every public form, the code entry, login, the API.

Limits are lowered through settings so each test reaches them in a few requests; the
counters live in the cache (Redis in production, shared by every process).
"""

import pytest
from django.urls import reverse

from kanal.complaints.tests.factories import make_case
from kanal.ppid.tests.conftest import request_details

pytestmark = pytest.mark.django_db


def report(**extra):
    return {
        "kind": "pengaduan",
        "title": "Lampu jalan mati",
        "description": "Lampu jalan mati sejak seminggu.",
        "contact_preference": "none",
    } | extra


def test_the_complaint_form_is_limited_per_address(client, reference_data, settings):
    settings.KANAL_REPORTS_PER_HOUR = 2
    codes = [client.post(reverse("complaints:report"), report()).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    # Another address still gets through.
    other = client.post(reverse("complaints:report"), report(), REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 302


def test_the_ppid_form_is_limited_per_address(client, reference_data, settings):
    settings.KANAL_PPID_FORM_LIMIT = 2
    data = request_details() | {"consent": "on", "website": ""}
    codes = [client.post(reverse("ppid:request_form"), data).status_code for _ in range(3)]
    assert codes == [302, 302, 429]


def test_the_tracking_code_entry_is_limited(client, reference_data):
    case = make_case()
    url = reverse("complaints:check_code", args=[case.tracking_number])
    for _ in range(10):
        client.post(url, {"code": "000000"})
    page = client.post(url, {"code": "000000"}, follow=True).content.decode()
    assert "Terlalu banyak percobaan" in page or "Too many attempts" in page


def test_staff_login_slows_down_guessing_after_the_free_failures(
    client, reference_data, staff_factory
):
    """Five wrong passwords cost nothing; the sixth makes the next try wait (2 s, doubling).

    A slowdown rather than a lock: see kanal/accounts/tests/test_login.py for the officer
    who still logs in from a known device while a stranger keeps guessing.
    """
    import time_machine

    staff_factory("budi", [("unit_officer", "dpu")])
    url = reverse("accounts:login")
    with time_machine.travel("2026-03-02 08:00:00+07:00", tick=False):
        codes = [
            client.post(url, {"username": "budi", "password": "wrong-password-x"}).status_code
            for _ in range(7)
        ]
    assert codes[:6] == [200] * 6 and codes[6] == 429


def test_behind_a_proxy_the_configured_header_is_the_client_address(
    client, reference_data, settings
):
    settings.KANAL_REPORTS_PER_HOUR = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}  # every request arrives from the proxy

    # Without the setting the header is ignored: a forged one cannot dodge the limit.
    def post(ip):
        return client.post(
            reverse("complaints:report"), report(), HTTP_X_FORWARDED_FOR=ip, **proxy
        ).status_code

    assert [post("1.1.1.1"), post("2.2.2.2")] == [302, 429]
    client.cookies.clear()
    from django.core.cache import cache

    cache.clear()
    settings.KANAL_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    # With it, citizens behind the same proxy have their own counters.
    assert [post("1.1.1.1"), post("2.2.2.2"), post("1.1.1.1")] == [302, 302, 429]


def test_open311_posts_are_limited_per_partner_key(client, reference_data):
    from kanal.api.actions import issue_partner_key

    _, key = issue_partner_key(actor=None, name="FixMyStreet", posts_per_hour=1)
    data = {
        "api_key": key,
        "service_code": "jalan-rusak",
        "lat": "-5.4295",
        "long": "105.2625",
        "description": "Jalan berlubang besar di depan sekolah.",
    }
    first = client.post("/open311/v2/requests.json", data)
    second = client.post("/open311/v2/requests.json", data)
    assert first.status_code in (200, 201) and second.status_code == 429


def test_the_rest_api_limits_token_guessing(client, reference_data):
    codes = {
        client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer knl_guess{i}").status_code
        for i in range(70)
    }
    assert 429 in codes

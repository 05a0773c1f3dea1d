"""The citizen's side in Chromium on a 360 px phone: a pin on the map, nearby reports and
supporters, a new report with its kelurahan filled from the pin; the same with JavaScript
off through the lists; axe on every page; nothing wider than the screen at 320 px."""

import re
import time

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
KEDATON = (-5.3836, 105.2636)  # inside kelurahan 18.71.01.1003 Kedaton


@pytest.fixture
def nearby_case(reference_data):
    """A public street-light report with a pin in Kedaton, received today."""
    from kanal.accounts.actions import ensure_demo_accounts
    from kanal.accounts.models import User
    from kanal.complaints import actions
    from kanal.directory.models import Category

    ensure_demo_accounts()
    op = User.objects.get(username="operator")
    case = actions.submit_complaint(
        channel="web",
        title="Lampu jalan mati",
        description="Lampu jalan mati sudah seminggu.",
        category=Category.objects.get(code="penerangan-jalan"),
        lat=KEDATON[0] + 0.001,
        lng=KEDATON[1],
    )
    actions.verify_complaint(actor=op, case=case)
    actions.publish_complaint(
        actor=op,
        case=case,
        public=True,
        public_title="Lampu jalan mati di Jl. Teuku Umar",
        public_summary="Warga melaporkan lampu jalan mati di Jl. Teuku Umar, Kedaton.",
    )
    return case


def phone(browser, *, javascript=True, width=PHONE["width"]):
    context = browser.new_context(
        locale="id-ID",
        viewport={"width": width, "height": PHONE["height"]},
        java_script_enabled=javascript,
    )
    return context.new_page()


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def drop_pin(page, lat, lng):
    """Click the real map pixel of (lat, lng), as a finger would."""
    page.wait_for_selector("#report-map[data-ready='1']", timeout=20000)
    page.locator("#report-map").scroll_into_view_if_needed()
    x, y = page.evaluate(
        """([lat, lng]) => {
            const el = document.getElementById('report-map');
            const p = el._kanalMap.latLngToContainerPoint([lat, lng]);
            const r = el.getBoundingClientRect();
            return [r.left + p.x, r.top + p.y];
        }""",
        [lat, lng],
    )
    page.mouse.click(x, y)


def wait_for_the_time_trap(started):
    """A person takes more than KANAL_REPORT_MIN_SECONDS to fill in a report."""
    from django.conf import settings

    left = settings.KANAL_REPORT_MIN_SECONDS + 0.5 - (time.monotonic() - started)
    if left > 0:
        time.sleep(left)


def test_a_citizen_drops_a_pin_sees_a_nearby_report_and_joins_it(
    live_server, browser, axe_check, nearby_case
):
    from kanal.complaints.models import Complaint, Follower

    page = phone(browser)
    page.goto(f"{live_server.url}/lapor/")
    assert axe_check(page) == []
    page.get_by_label("Topik").select_option("penerangan-jalan")
    drop_pin(page, *KEDATON)
    status = page.get_by_role("status").filter(has_text="Titik dipasang")
    assert "Kedaton" in status.inner_text()
    assert page.get_by_label("Kelurahan").input_value() == "18.71.01.1003"
    nearby = page.locator("#map-nearby")
    assert "Lampu jalan mati di Jl. Teuku Umar" in nearby.inner_text()
    assert axe_check(page) == []
    assert page_width(page) <= PHONE["width"]
    page.screenshot(path="/tmp/i18-browser-nearby.png")
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Alamat email").fill("tetangga@example.com")
    nearby.get_by_role("button", name="Ini juga masalah saya").click()
    page.wait_for_url(f"**/aduan/{nearby_case.tracking_number}/")
    assert page.get_by_text("1 orang menyatakan ini juga masalah mereka").is_visible()
    assert axe_check(page) == []
    follower = Follower.objects.get(complaint=nearby_case)
    assert follower.is_supporter and follower.address == "tetangga@example.com"
    assert Complaint.objects.count() == 1


def test_another_citizen_files_a_new_report_with_a_pin_and_the_kelurahan_filled(
    live_server, browser, axe_check, nearby_case
):
    from kanal.complaints.models import Complaint

    page = phone(browser)
    page.goto(f"{live_server.url}/lapor/")
    started = time.monotonic()
    page.get_by_label("Judul singkat").fill("Jalan berlubang dekat pasar")
    page.get_by_label("Apa yang terjadi?").fill("Lubang besar di tengah jalan, sudah dua minggu.")
    page.get_by_label("Topik").select_option("jalan-rusak")  # another topic: nothing nearby
    drop_pin(page, *KEDATON)
    page.get_by_role("status").filter(has_text="Titik dipasang").wait_for()
    assert page.get_by_label("Kelurahan").input_value() == "18.71.01.1003"
    assert page.locator("#map-nearby .nearby").count() == 0
    pin = (
        float(page.locator("#id_lat").input_value()),
        float(page.locator("#id_lng").input_value()),
    )
    assert abs(pin[0] - KEDATON[0]) < 0.005 and abs(pin[1] - KEDATON[1]) < 0.005
    page.get_by_label("Jangan hubungi saya (laporan sepenuhnya anonim)").check()
    wait_for_the_time_trap(started)
    page.get_by_role("button", name="Kirim laporan").click()
    page.wait_for_url("**/lapor/terkirim/**")
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", page.locator(".followup-key").inner_text())
    assert axe_check(page) == []
    assert page_width(page) <= PHONE["width"]
    page.screenshot(path="/tmp/i18-browser-submitted.png")
    case = Complaint.objects.exclude(pk=nearby_case.pk).get()
    assert case.kelurahan.code == "18.71.01.1003"
    assert (case.lat, case.lng) == pin


def test_without_javascript_both_succeed_through_the_lists(live_server, browser, nearby_case):
    from kanal.complaints.models import Complaint, Follower

    # The first citizen: the lists, then the nearby report offered before anything is stored.
    page = phone(browser, javascript=False)
    page.goto(f"{live_server.url}/lapor/")
    started = time.monotonic()
    assert page.locator("#report-map").count() == 0
    page.get_by_label("Judul singkat").fill("Lampu jalan padam")
    page.get_by_label("Apa yang terjadi?").fill("Lampu di gang kami padam tiap malam.")
    page.get_by_label("Topik").select_option("penerangan-jalan")
    page.get_by_label("Kelurahan").select_option("18.71.01.1003")
    page.get_by_label("Nomor WhatsApp").fill("0812 3456 7002")
    page.get_by_label(re.compile("Saya setuju")).check()
    wait_for_the_time_trap(started)
    page.get_by_role("button", name="Kirim laporan").click()
    offer = page.locator(".nearby")
    assert "Lampu jalan mati di Jl. Teuku Umar" in offer.inner_text()
    # (axe and the width need JavaScript in the page: the JS-on tests check these pages.)
    offer.get_by_role("button", name="Ini juga masalah saya").click()
    page.wait_for_url(f"**/aduan/{nearby_case.tracking_number}/")
    assert Follower.objects.get(complaint=nearby_case).via == "whatsapp"

    # The second citizen: the same topic, but another problem ("mine is different").
    other = phone(browser, javascript=False)
    other.goto(f"{live_server.url}/lapor/")
    started = time.monotonic()
    other.get_by_label("Judul singkat").fill("Lampu taman rusak")
    other.get_by_label("Apa yang terjadi?").fill("Tiang lampu taman miring dan kabelnya terbuka.")
    other.get_by_label("Topik").select_option("penerangan-jalan")
    other.get_by_label("Kelurahan").select_option("18.71.01.1003")
    other.get_by_label("Jangan hubungi saya (laporan sepenuhnya anonim)").check()
    wait_for_the_time_trap(started)
    other.get_by_role("button", name="Kirim laporan").click()
    other.get_by_role("button", name="Masalah saya lain: kirim laporan saya").click()
    other.wait_for_url("**/lapor/terkirim/**")
    assert Complaint.objects.filter(title="Lampu taman rusak").exists()


def test_citizen_pages_pass_axe_and_fit_320_px(live_server, browser, axe_check, nearby_case):
    base = live_server.url
    pages = [
        "/lapor/",
        "/aduan/",
        f"/aduan/{nearby_case.tracking_number}/",
        f"/lacak/{nearby_case.tracking_number}/",
        "/laporan-saya/",
        "/ppid/",
    ]
    page = phone(browser, width=320)
    for path in pages:
        page.goto(base + path)
        assert page_width(page) <= 320, path
        assert axe_check(page) == [], path
    # The favicon is served, not the 404 page.
    assert page.request.get(f"{base}/favicon.ico").ok

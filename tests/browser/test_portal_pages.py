"""The public portal in Chromium: axe on every page type, the page budget, no third-party
requests, narrow screens, and the complaint form completed with the keyboard alone."""

import gzip
from datetime import timedelta
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET_BYTES = 100 * 1024  # HTML + CSS + JS + fonts, compressed, images excluded
WEIGHED_TYPES = ("document", "stylesheet", "script", "font")
DPU_NAME = "Dinas Pekerjaan Umum"


def _demo_site(settings):
    """News, programs and a dozen public cases for the Dinas PU, figures shown from 3."""
    from django.core.cache import cache
    from django.core.management import call_command
    from django.utils import timezone

    from kanal.complaints.models import Complaint
    from kanal.complaints.tests.factories import make_case, unit
    from kanal.wilayah.models import Kelurahan

    settings.KANAL_MIN_CASES_FOR_FIGURES = 3
    settings.KANAL_WHATSAPP_DISPLAY_NUMBER = "0811-0000-0000"
    cache.clear()
    call_command("publishing_demo_data", verbosity=0)
    now = timezone.now()
    places = list(Kelurahan.objects.order_by("code")[:4])
    numbers = []
    for i in range(8):
        case = make_case(received_at=now - timedelta(days=20 + i))
        Complaint.objects.filter(pk=case.pk).update(
            is_confidential=False,
            public_title=f"Jalan berlubang nomor {i + 1}",
            public_summary="Lubang di badan jalan; sudah ditambal.",
            state="selesai",
            unit=unit("dpu"),
            kelurahan=places[i % 4],
            disposed_at=now - timedelta(days=19 + i),
            followed_up_at=now - timedelta(days=18 + i),
            completed_at=now - timedelta(days=17 + i),
            rating=4 + i % 2,
        )
        numbers.append(case.tracking_number)
    return numbers


def _page_types(numbers):
    return [
        "/",
        "/opd/",
        "/opd/dpu/",
        "/wilayah/",
        "/wilayah/18.71.01/",
        "/wilayah/18.71.01.1003/",
        "/aduan/",
        "/aduan/?kecamatan=18.71.01",
        f"/aduan/{numbers[0]}/",
        "/cari/?q=jalan",
        "/kinerja/",
        "/aksesibilitas/",
        "/privasi/",
        "/kontak/",
    ]


def test_every_portal_page_type_is_axe_clean_light_and_first_party(
    live_server, page, axe_check, reference_data, settings
):
    numbers = _demo_site(settings)
    own_host = urlparse(live_server.url).netloc
    # The budget is for a first visit. Routing disables Playwright's HTTP cache (documented),
    # so every CSS and JS file is fetched in full on every page.
    page.route("**/*", lambda route: route.continue_())
    responses = []
    page.on("response", lambda r: responses.append(r))
    for path in _page_types(numbers):
        responses.clear()
        page.goto(f"{live_server.url}{path}")
        assert page.locator("html").get_attribute("lang") == "id"
        assert axe_check(page) == [], path
        foreign = [r.url for r in responses if urlparse(r.url).netloc != own_host]
        assert foreign == [], path
        assert all(r.status == 200 for r in responses), [(r.url, r.status) for r in responses]
        weighed = [r for r in responses if r.request.resource_type in WEIGHED_TYPES]
        assert weighed[0].request.resource_type == "document"
        compressed = sum(len(gzip.compress(r.body())) for r in weighed)
        assert compressed <= BUDGET_BYTES, (path, compressed)

    # English through the switch.
    page.goto(f"{live_server.url}/kinerja/")
    with page.expect_navigation():
        page.get_by_role("button", name="English").press("Enter")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "How the city answers complaints"
    assert axe_check(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Bahasa Indonesia").press("Enter")

    _map_table_and_charts_agree_on_a_320px_screen(live_server, page, axe_check, numbers)


def _map_table_and_charts_agree_on_a_320px_screen(live_server, page, axe_check, numbers):
    from kanal.wilayah.models import Kelurahan

    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{live_server.url}/aduan/")
    # Each kelurahan on the map is a link named with its count; the table repeats it.
    first = Kelurahan.objects.select_related("kecamatan").order_by("code").first()
    label = f"{first.name} ({first.kecamatan.name}): 2 aduan"
    region = page.get_by_role("link", name=label, exact=True)
    table_row = page.get_by_role("row", name=f"{first.name} {first.kecamatan.name} 2")
    assert region.count() == 1 and table_row.is_visible()
    region.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "kelurahan=" in page.url
    assert page.locator(".case-list li").count() == 2
    for path in ("/aduan/", "/kinerja/", "/opd/dpu/", f"/aduan/{numbers[0]}/"):
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate(
            """() => [...document.querySelectorAll('body *')].filter(e =>
                e.getBoundingClientRect().right > 321
                && !e.parentElement.closest('.table-wrap'))
                .map(e => e.tagName + '.' + e.className).slice(0, 5)"""
        )
        assert overflow == [], path
        # Tables may scroll inside their own box (WCAG 1.4.10 allows it); the page may not.
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    page.goto(f"{live_server.url}/kinerja/")
    chart = page.get_by_role("img", name="Persentase aduan yang ditindaklanjuti tepat waktu")
    assert chart.count() == 1
    dpu = page.locator("tbody tr", has=page.get_by_role("link", name=DPU_NAME, exact=True))
    assert dpu.locator("td").first.inner_text() == "8"
    assert axe_check(page) == []


def _focused(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
        return {id: e.id, tag: e.tagName, type: e.type || '', text: e.innerText || '',
                cls: e.className,
                visible: s.outlineStyle !== 'none' || s.boxShadow !== 'none'}; }"""
    )


def _tab_to(page, wanted, limit=60):
    """Press Tab until the focused element satisfies ``wanted``; each stop shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        assert focused["visible"], f"no visible focus on {focused}"
        if wanted(focused):
            return focused
    raise AssertionError("not reachable by Tab")


def test_the_complaint_form_is_completed_with_the_keyboard_alone(live_server, page, reference_data):
    page.goto(f"{live_server.url}/lapor/")
    page.keyboard.press("Tab")
    assert "skip-link" in _focused(page)["cls"]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # Sending the empty form first gives an error summary.
    _tab_to(page, lambda f: f["type"] == "submit" and "Kirim laporan" in f["text"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("alert").is_visible()

    _tab_to(page, lambda f: f["id"] == "id_title")
    page.keyboard.type("Lampu jalan mati di Jl. Teuku Umar")
    _tab_to(page, lambda f: f["id"] == "id_description")
    page.keyboard.type("Sudah seminggu gelap di depan SD Negeri 2.")
    _tab_to(page, lambda f: f["id"] == "id_kelurahan")
    page.keyboard.type("Kedaton")
    assert page.locator("#id_kelurahan").input_value() == "18.71.01.1003"
    _tab_to(page, lambda f: f["id"] == "id_name")
    page.keyboard.type("Rina")
    _tab_to(page, lambda f: f["id"] == "id_phone")
    page.keyboard.type("0812 3456 7890")
    _tab_to(page, lambda f: f["id"] == "id_consent")
    page.keyboard.press("Space")
    assert page.locator("#id_consent").is_checked()
    page.wait_for_timeout(3500)  # a person takes longer than the form's time trap (3 s)
    _tab_to(page, lambda f: f["type"] == "submit" and "Kirim laporan" in f["text"])
    page.keyboard.press("Enter")
    page.wait_for_url("**/lapor/terkirim/**")
    assert page.locator(".tracking-number").inner_text().strip()

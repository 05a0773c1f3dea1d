"""The console's other pages in Chromium at 1366×768 and 320 px: the compact inbox with
keyboard navigation, the dashboard, people and templates; axe on each."""

import pytest

from .test_complaint_path import staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inbox_fits_twelve_rows_and_moves_by_keyboard(
    live_server, browser, axe_check, reference_data
):
    from kanal.accounts.actions import ensure_demo_accounts
    from kanal.complaints.actions import add_starter_templates
    from kanal.complaints.tests.factories import make_case

    ensure_demo_accounts()
    # A transactional test before this one may have flushed the migration's starter set.
    add_starter_templates(actor=None)
    cases = [make_case(title=f"Lampu jalan mati nomor {i}") for i in range(16)]
    operator = staff_login(browser, live_server.url, "operator")
    operator.set_viewport_size({"width": 1366, "height": 768})
    operator.goto(f"{live_server.url}/console/aduan/")
    rows = operator.locator("table.inbox-table tbody tr")
    above = [
        i
        for i in range(rows.count())
        if (box := rows.nth(i).bounding_box()) and box["y"] + box["height"] <= 768
    ]
    assert len(above) >= 12, f"only {len(above)} rows above the fold"
    operator.keyboard.press("j")
    operator.keyboard.press("j")
    focused = operator.evaluate("document.activeElement.textContent")
    second = rows.nth(1).get_by_role("link").inner_text()
    assert focused == second
    operator.keyboard.press("x")
    assert rows.nth(1).locator("input[type=checkbox]").is_checked()
    operator.keyboard.press("Enter")
    operator.wait_for_url(f"**/console/aduan/{second}/")
    assert axe_check(operator) == []
    # the template shortcut fills the reply box (once console.js has run)
    operator.wait_for_function("document.documentElement.classList.contains('js')")
    operator.keyboard.press("Alt+Shift+T")
    assert operator.evaluate("document.activeElement.id") == "reply-template"
    operator.get_by_label("Mulai dari templat").select_option(
        label="Tanda terima (Bahasa Indonesia)"
    )
    assert second in operator.get_by_role("textbox", name="Pesan").input_value()
    operator.set_viewport_size({"width": 320, "height": 640})
    for path in ("/console/aduan/", f"/console/aduan/{second}/"):
        operator.goto(live_server.url + path)
        width = operator.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width} px wide at 320"
    assert len(cases) == 16


def test_dashboard_people_and_templates_pass_axe(live_server, browser, axe_check, reference_data):
    from kanal.accounts.actions import ensure_demo_accounts
    from kanal.complaints.tests.factories import make_case

    ensure_demo_accounts()
    for channel in ("walk_in", "area_office", "whatsapp"):
        make_case(channel=channel, title=f"Aduan lewat {channel}")
    leader = staff_login(browser, live_server.url, "pimpinan")
    leader.set_viewport_size({"width": 1366, "height": 768})
    leader.goto(f"{live_server.url}/console/dasbor/")
    assert leader.get_by_text("didengar langsung").is_visible()
    assert axe_check(leader) == []
    operator = staff_login(browser, live_server.url, "operator")
    operator.goto(f"{live_server.url}/console/warga/?q=Budi")
    assert axe_check(operator) == []
    operator.get_by_role("link", name="Budi Santoso").first.click()
    assert operator.get_by_text("Aduan lewat whatsapp").is_visible()
    assert axe_check(operator) == []
    operator.goto(f"{live_server.url}/console/templat/")
    assert axe_check(operator) == []

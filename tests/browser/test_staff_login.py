"""A staff member logs in with password and TOTP in a real browser; pages pass axe."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def current_code(username):
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_demo_operator_logs_in_by_keyboard_with_the_second_factor(
    live_server, page, axe_check, reference_data
):
    from kanal.accounts.actions import DEMO_PASSWORD, ensure_demo_accounts

    ensure_demo_accounts()
    page.goto(f"{live_server.url}/staff/login/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert axe_check(page) == []
    # keyboard only: the skip link comes first, then the form
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.get_by_label("Nama pengguna").fill("operator")
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_label("Kata sandi").press("Enter")
    page.wait_for_url("**/staff/login/verify/")
    assert axe_check(page) == []
    page.get_by_label("Kode enam angka").fill("000000")
    page.get_by_role("button", name="Masuk").click()
    assert page.get_by_role("alert").is_visible()
    assert axe_check(page) == []
    page.wait_for_timeout(2100)  # django-otp throttles 2^n s after a wrong code
    page.get_by_label("Kode enam angka").fill(current_code("operator"))
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/console/")
    assert page.get_by_role("heading", name="Konsol petugas").is_visible()
    assert axe_check(page) == []
    page.goto(f"{live_server.url}/admin/directory/unit/")
    assert page.get_by_text("Dinas Pekerjaan Umum").first.is_visible()


def test_public_home_passes_axe_and_switches_language(live_server, page, axe_check, reference_data):
    page.goto(f"{live_server.url}/")
    assert axe_check(page) == []
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Report a problem").is_visible()
    page.set_viewport_size({"width": 320, "height": 640})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"horizontal scrolling at 320 px: {width}"

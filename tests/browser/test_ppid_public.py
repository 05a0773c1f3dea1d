"""The PPID request form in a real browser: keyboard and screen-reader friendly, axe-clean."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_form_errors_then_submit(live_server, page, axe_check, reference_data):
    page.goto(f"{live_server.url}/ppid/permohonan/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert axe_check(page) == []
    page.get_by_label("Nama lengkap").fill("Siti Aminah")
    page.get_by_role("button", name="Kirim permohonan").click()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert page.get_by_label("Nama lengkap").input_value() == "Siti Aminah"
    assert axe_check(page) == []
    page.get_by_label("NIK atau nomor pengesahan badan hukum").fill("1871010101900001")
    page.get_by_label("Alamat").fill("Jl. Teuku Umar 10")
    page.get_by_label("Pekerjaan").fill("Peneliti")
    page.get_by_role("textbox", name="Email").fill("siti@example.org")
    page.get_by_label("Informasi yang Anda minta").fill("Laporan realisasi APBD 2025")
    page.get_by_label("Tujuan penggunaan informasi").fill("Penelitian")
    page.get_by_label("Saya setuju", exact=False).check()
    page.get_by_role("button", name="Kirim permohonan").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Permohonan diterima"
    assert "PPID-" in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/ppid/")
    assert axe_check(page) == []

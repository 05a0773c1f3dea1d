"""The whole path in Chromium: a citizen reports, the operator disposes, the unit answers,
the operator accepts, the citizen reads the answer and rates it. axe checks every page."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_for(username):
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def staff_login(browser, base, username):
    from kanal.accounts.actions import DEMO_PASSWORD

    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    page.goto(f"{base}/staff/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Lanjut").click()
    page.get_by_label("Kode enam angka").fill(code_for(username))
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/console/")
    return page


def test_report_to_rated_answer(live_server, browser, page, axe_check, reference_data):
    from kanal.accounts.actions import ensure_demo_accounts
    from kanal.complaints.models import Complaint
    from kanal.outbox.models import OutboxMessage

    ensure_demo_accounts()
    base = live_server.url

    # 1. The citizen reports, by keyboard, and keeps the tracking number.
    page.goto(f"{base}/lapor/")
    assert axe_check(page) == []
    page.get_by_role("button", name="Kirim laporan").press("Enter")  # empty: errors first
    summary = page.get_by_role("alert")
    assert summary.is_visible() and "Judul singkat" in summary.inner_text()
    assert axe_check(page) == []
    page.get_by_label("Judul singkat").fill("Jalan berlubang di Jl. Teuku Umar")
    page.get_by_label("Apa yang terjadi?").fill("Lubang besar dekat SD, sudah dua minggu.")
    page.get_by_label("Kelurahan").select_option("18.71.01.1003")
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Nama Anda").fill("Rina")
    page.get_by_label("Alamat email").fill("rina@example.com")
    page.get_by_label(re.compile("Saya setuju")).check()
    page.wait_for_timeout(3500)  # a person takes longer than the form's time trap (3 s)
    page.get_by_role("button", name="Kirim laporan").press("Enter")
    page.wait_for_url("**/lapor/terkirim/**")
    number = page.locator(".tracking-number").inner_text().strip()
    assert re.fullmatch(r"BL-[0-9A-Z]{4}-[0-9A-Z]{4}", number)
    assert axe_check(page) == []

    # 2. The operator verifies and disposes to the Dinas PU.
    operator = staff_login(browser, base, "operator")
    operator.goto(f"{base}/console/aduan/")
    assert axe_check(operator) == []
    operator.get_by_role("link", name=number).click()
    assert axe_check(operator) == []
    operator.get_by_label("Unit", exact=True).select_option("dpu")
    operator.get_by_role("button", name="Disposisikan").click()
    assert operator.get_by_text("Didisposisikan").first.is_visible()

    # 3. The unit answers.
    dpu = staff_login(browser, base, "opd.dpu")
    dpu.goto(f"{base}/console/aduan/{number}/")
    assert "rina@example.com" not in dpu.content()
    dpu.get_by_label("Yang sudah dilakukan unit").fill("Lubang sudah ditambal pada 2 Maret.")
    dpu.get_by_role("button", name="Kirim tindak lanjut").click()
    assert dpu.get_by_text("Ditindaklanjuti").first.is_visible()

    # 4. The operator checks the quality and sends it.
    operator.reload()
    operator.get_by_role("button", name="Terima dan kirim ke pelapor").click()
    assert operator.get_by_text("Selesai", exact=True).first.is_visible()

    # 5. The citizen reads the answer, proves they are the reporter, and rates it.
    page.goto(f"{base}/lacak/")
    page.get_by_label("Nomor pelacakan").fill(number.lower())
    page.get_by_role("button", name="Tampilkan laporan").click()
    assert page.get_by_text("Lubang sudah ditambal pada 2 Maret.").first.is_visible()
    assert axe_check(page) == []
    page.get_by_role("button", name="Kirimi saya kode").click()
    case = Complaint.objects.get(tracking_number=number)
    notice = OutboxMessage.objects.filter(complaint=case, kind="code").last()
    code = re.search(r"\b(\d{6})\b", notice.body).group(1)
    page.get_by_label("Kode", exact=True).fill(code)
    page.get_by_role("button", name="Konfirmasi kode").click()
    page.get_by_label("5 – sangat baik").check()
    page.get_by_role("button", name="Kirim penilaian").click()
    assert page.get_by_text("Terima kasih atas penilaian Anda.").is_visible()
    assert axe_check(page) == []
    case.refresh_from_db()
    assert case.rating == 5 and case.state == "selesai"

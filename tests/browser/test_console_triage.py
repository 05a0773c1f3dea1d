"""The triage path in Chromium without a dead end: operator → unit → sent back with a
reason → the operator sees it → routes again → assigned → answered → quality check →
closed. axe checks every console page on the way; no page is an error page."""

import re

import pytest

from .test_complaint_path import staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_error_page(page):
    title = page.title()
    assert not re.search(r"\b(404|403|500)\b|Not Found|Server Error", title), title


def test_operator_unit_send_back_reroute_assign_answer_check_close(
    live_server, browser, axe_check, reference_data
):
    from kanal.accounts.actions import ensure_demo_accounts
    from kanal.complaints.models import Complaint
    from kanal.complaints.tests.factories import make_case

    ensure_demo_accounts()
    base = live_server.url
    case = make_case(title="Sampah menumpuk di bahu jalan")
    number = case.tracking_number
    case_url = f"{base}/console/aduan/{number}/"

    # 1. The operator routes it to the Dinas PU with a note for the unit.
    operator = staff_login(browser, base, "operator")
    operator.set_viewport_size({"width": 1366, "height": 768})
    operator.goto(f"{base}/console/aduan/")
    assert axe_check(operator) == []
    operator.get_by_role("link", name=number).click()
    no_error_page(operator)
    assert axe_check(operator) == []
    form = operator.locator("form", has=operator.get_by_role("button", name="Disposisikan"))
    form.get_by_label("Unit", exact=True).select_option("dpu")
    form.get_by_label("Catatan untuk unit").fill("Cek apakah ini di jalan kota.")
    form.get_by_role("button", name="Disposisikan").click()
    no_error_page(operator)
    assert operator.get_by_text("didisposisikan ke Dinas Pekerjaan Umum").first.is_visible()

    # 2. The unit reads the note and sends the case back with its reason.
    dpu = staff_login(browser, base, "opd.dpu")
    dpu.goto(case_url)
    assert dpu.get_by_text("Cek apakah ini di jalan kota.").first.is_visible()
    assert axe_check(dpu) == []
    dpu.get_by_label("Alasan (dibaca operator)").fill("Ini soal sampah, bukan jalan.")
    dpu.get_by_role("button", name="Kembalikan ke operator").click()
    no_error_page(dpu)
    assert dpu.url.rstrip("/").endswith("/console/aduan")
    assert dpu.get_by_text("kembali ke operator beserta alasan Anda").is_visible()
    assert axe_check(dpu) == []

    # 3. The operator sees it marked returned, with the reason, and routes it again.
    operator.goto(f"{base}/console/aduan/?returned=on")
    row = operator.locator("tr", has=operator.get_by_role("link", name=number))
    assert row.get_by_text("dikembalikan").is_visible()
    assert axe_check(operator) == []
    row.get_by_role("link", name=number).click()
    assert operator.get_by_text("Ini soal sampah, bukan jalan.").first.is_visible()
    form = operator.locator("form", has=operator.get_by_role("button", name="Disposisikan"))
    form.get_by_label("Cari unit").fill("lingkungan")
    form.get_by_role("button", name="Disposisikan").click()
    no_error_page(operator)
    assert operator.get_by_text("didisposisikan ke Dinas Lingkungan Hidup").first.is_visible()
    assert axe_check(operator) == []

    # 4. The operator assigns it to the DLH officer by name.
    owner = operator.locator("form", has=operator.get_by_role("button", name="Tugaskan"))
    owner.get_by_label(re.compile("Petugas Dinas Lingkungan Hidup")).select_option(
        label="Sari Petugas DLH"
    )
    owner.get_by_role("button", name="Tugaskan").click()
    no_error_page(operator)
    assert operator.locator(".case-aside").get_by_text("Sari Petugas DLH").is_visible()

    # 5. The DLH officer finds it under "my cases" and answers.
    dlh = staff_login(browser, base, "opd.dlh")
    dlh.goto(f"{base}/console/aduan/?owner=me")
    assert axe_check(dlh) == []
    dlh.get_by_role("link", name=number).click()
    dlh.get_by_label("Yang sudah dilakukan unit").fill("Sampah sudah diangkut 3 Maret.")
    dlh.get_by_role("button", name="Kirim tindak lanjut").click()
    no_error_page(dlh)
    assert dlh.get_by_text("Ditindaklanjuti").first.is_visible()

    # 6. The operator checks the quality, then closes.
    operator.goto(case_url)
    operator.get_by_role("button", name="Terima dan kirim ke pelapor").click()
    no_error_page(operator)
    assert operator.get_by_text("Selesai", exact=True).first.is_visible()
    operator.get_by_role("button", name="Tutup sekarang").click()
    no_error_page(operator)
    assert axe_check(operator) == []
    history = operator.locator("ol.timeline").inner_text()
    assert "Dikembalikan ke operator oleh Dinas Pekerjaan Umum" in history
    assert "complaint." not in history
    case = Complaint.objects.get(tracking_number=number)
    assert case.state == "ditutup" and case.unit.code == "dlh"
    assert case.assigned_to.username == "opd.dlh"

"""PPID pages: the public forms, the status page, staff permissions, registers, report."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kanal.ppid import actions
from kanal.ppid.models import InformationRequest, Objection, RequestAttachment

from .conftest import VALID_NIK, jakarta, request_details
from .test_actions import jpeg_with_exif

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = request_details()
    data.update({"consent": "on", "website": ""})
    data.update(overrides)
    return data


def test_public_pages_render_in_indonesian(client, reference_data):
    for name in ("index", "request_form", "status", "objection_form"):
        response = client.get(reverse(f"ppid:{name}"))
        assert response.status_code == 200
    body = client.get(reverse("ppid:request_form")).content.decode()
    assert "Nama lengkap" in body and 'lang="id"' in body


def test_request_form_keeps_input_and_lists_errors(client, reference_data):
    response = client.post(
        reverse("ppid:request_form"),
        form_data(identity_number="123", email="", phone="", consent=""),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in body
    assert 'value="Siti Aminah"' in body
    assert "Laporan realisasi anggaran Dinas PU 2025" in body
    assert 'href="#id_identity_number"' in body and 'href="#id_consent"' in body
    assert not InformationRequest.objects.exists()


def test_request_form_registers_and_shows_the_number(client, reference_data, time_machine):
    time_machine.move_to(jakarta(date(2026, 3, 13)), tick=False)
    upload = SimpleUploadedFile("ktp.jpg", jpeg_with_exif(), content_type="image/jpeg")
    response = client.post(reverse("ppid:request_form"), form_data(identity_file=upload))
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    req = InformationRequest.objects.get()
    assert req.registration_number in page
    assert "6 April 2026" in page  # the due date explained
    assert req.identity_number == VALID_NIK
    assert RequestAttachment.objects.filter(request=req, kind="identity").exists()


def test_honeypot_stores_nothing(client, reference_data):
    response = client.post(reverse("ppid:request_form"), form_data(website="http://spam"))
    assert response.status_code == 302
    assert not InformationRequest.objects.exists()


def test_request_form_is_rate_limited(client, reference_data, settings):
    settings.KANAL_PPID_FORM_LIMIT = 2
    for _ in range(2):
        assert client.post(reverse("ppid:request_form"), form_data()).status_code == 302
    response = client.post(reverse("ppid:request_form"), form_data())
    assert response.status_code == 429
    assert 'value="Siti Aminah"' in response.content.decode()
    assert InformationRequest.objects.count() == 2


def test_status_needs_the_number_and_the_contact(client, reference_data):
    req = actions.submit_information_request(
        actor=None, channel="web", details=request_details(), received_at=jakarta(date(2026, 3, 13))
    )
    url = reverse("ppid:status")
    wrong = client.post(url, {"registration_number": req.registration_number, "contact": "x@y.z"})
    assert "Siti" not in wrong.content.decode() and "6 April 2026" not in wrong.content.decode()
    right = client.post(
        url, {"registration_number": req.registration_number.lower(), "contact": "+62812 3456 7890"}
    )
    body = right.content.decode()
    assert "6 April 2026" in body and "Sedang diproses" in body
    assert VALID_NIK not in body and "Teuku Umar" not in body


def test_public_objection_references_the_request(client, reference_data, officer, time_machine):
    time_machine.move_to(jakarta(date(2026, 4, 20)), tick=False)
    req = actions.submit_information_request(
        actor=None, channel="web", details=request_details(), received_at=jakarta(date(2026, 4, 1))
    )
    actions.issue_written_notice(
        actor=officer,
        request=req,
        outcome="rejected",
        exemption_ground="h",
        consequence_test="Rahasia pribadi",
        issued_on=date(2026, 4, 14),
    )
    data = {
        "registration_number": req.registration_number,
        "contact": "siti@example.org",
        "objector_name": "Siti Aminah",
        "ground": "a",
        "ground_arose_on": "2026-04-14",
        "case_position": "Saya butuh data untuk penelitian.",
        "consent": "on",
    }
    bad = client.post(reverse("ppid:objection_form"), {**data, "contact": "other@example.org"})
    assert bad.status_code == 200 and not Objection.objects.exists()
    response = client.post(reverse("ppid:objection_form"), data)
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.due_on == date(2026, 6, 9)  # filed 20 April
    assert objection.registration_number in client.get(response.url).content.decode()


# --- staff pages ----------------------------------------------------------------------


@pytest.fixture
def req_with_ktp(reference_data):
    return actions.submit_information_request(
        actor=None,
        channel="web",
        details=request_details(),
        received_at=jakarta(date(2026, 3, 13)),
        uploads=[actions.Upload("identity", "ktp.jpg", jpeg_with_exif())],
    )


def test_unit_officer_cannot_reach_ppid_pages_or_ktp(unit_client, req_with_ktp):
    attachment = req_with_ktp.attachments.get()
    for url in (
        reverse("ppid:console_list"),
        reverse("ppid:console_request", args=[req_with_ktp.pk]),
        reverse("ppid:console_attachment", args=[attachment.pk]),
        reverse("ppid:console_register", args=["requests"]),
        reverse("ppid:console_register_export", args=["requests", "csv"]),
        reverse("ppid:console_report"),
        reverse("ppid:console_new"),
    ):
        assert unit_client.get(url).status_code == 403, url
    response = unit_client.post(
        reverse("ppid:console_extend", args=[req_with_ktp.pk]), {"reason": "x"}
    )
    assert response.status_code == 403


def test_anonymous_is_sent_to_login(client, req_with_ktp):
    response = client.get(reverse("ppid:console_request", args=[req_with_ktp.pk]))
    assert response.status_code == 302 and "/staff/" in response.url


def test_officer_sees_the_request_and_the_ktp(officer_client, req_with_ktp):
    page = officer_client.get(reverse("ppid:console_request", args=[req_with_ktp.pk]))
    assert page.status_code == 200 and VALID_NIK in page.content.decode()
    attachment = req_with_ktp.attachments.get()
    response = officer_client.get(reverse("ppid:console_attachment", args=[attachment.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"


def test_list_shows_overdue_first(officer_client, reference_data, time_machine):
    time_machine.move_to(jakarta(date(2026, 4, 10)), tick=False)
    late = actions.submit_information_request(
        actor=None, channel="web", details=request_details(), received_at=jakarta(date(2026, 3, 2))
    )
    fresh = actions.submit_information_request(
        actor=None, channel="web", details=request_details(), received_at=jakarta(date(2026, 4, 9))
    )
    body = officer_client.get(reverse("ppid:console_list")).content.decode()
    assert body.index(late.registration_number) < body.index(fresh.registration_number)
    filtered = officer_client.get(reverse("ppid:console_list") + "?overdue=1").content.decode()
    assert fresh.registration_number not in filtered


def test_a_refused_step_keeps_the_page_and_says_why(officer_client, req_with_ktp):
    response = officer_client.post(
        reverse("ppid:console_notice", args=[req_with_ktp.pk]), {"outcome": "rejected", "cost": 0}
    )
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()


def test_staff_records_an_oral_request(officer_client, reference_data):
    response = officer_client.post(
        reverse("ppid:console_new"),
        {
            "channel": "walk_in",
            "received_at": "2026-03-13T09:30",
            "requester_kind": "person",
            "requester_name": "Pak Joko",
            "phone": "081299990000",
            "information_requested": "Jadwal pengangkutan sampah",
            "access_method": "inspect",
            "delivery_method": "pick_up",
        },
    )
    assert response.status_code == 302
    req = InformationRequest.objects.get()
    assert req.channel == "walk_in" and req.state == "incomplete"
    assert req.due_on == date(2026, 4, 6)


def test_registers_export_csv_and_xlsx(officer_client, req_with_ktp):
    csv_response = officer_client.get(
        reverse("ppid:console_register_export", args=["requests", "csv"]) + "?year=2026"
    )
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[0][1] == "Nomor pendaftaran"
    assert rows[1][1] == req_with_ktp.registration_number
    xlsx = officer_client.get(reverse("ppid:console_register_export", args=["requests", "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["B2"].value == req_with_ktp.registration_number
    objections = officer_client.get(
        reverse("ppid:console_register_export", args=["objections", "csv"])
    )
    assert objections.status_code == 200
    assert officer_client.get(reverse("ppid:console_register", args=["nope"])).status_code == 404


def test_annual_report_formats(officer_client, reference_data):
    from kanal.ppid.demo import create_demo_data

    create_demo_data(2025, 12)
    pdf = officer_client.get(reverse("ppid:console_report_export", args=["pdf"]) + "?year=2025")
    assert pdf.content.startswith(b"%PDF-") and b"2025" in pdf.content
    data = json.loads(
        officer_client.get(
            reverse("ppid:console_report_export", args=["json"]) + "?year=2025"
        ).content
    )
    assert data["year"] == 2025 and data["requests_received"] == 12
    rows = officer_client.get(
        reverse("ppid:console_report_export", args=["csv"]) + "?year=2025"
    ).content.decode("utf-8-sig")
    assert "requests_received,,12" in rows
    page = officer_client.get(reverse("ppid:console_report") + "?year=2025")
    assert page.status_code == 200
    lists = officer_client.get(reverse("ppid:console_lists"))
    assert "Rekam medis pasien" in lists.content.decode()

"""Complaints recorded in the field app during a visit appear on its page and in its report."""

import pytest
from django.test import Client
from django.utils import timezone

from kanal.complaints import actions as complaint_actions
from kanal.complaints.models import Complaint
from kanal.publishing.actions.visits import plan_field_visit, report_field_visit
from kanal.wilayah.models import Kelurahan

pytestmark = pytest.mark.django_db


def field_client(user, login_verified) -> Client:
    client = Client()
    login_verified(user, client)
    client.get("/lapangan/")
    client.defaults["HTTP_X_CSRFTOKEN"] = client.get("/lapangan/api/status/").json()["csrf"]
    return client


def test_complaints_heard_on_a_visit_are_on_its_page_and_in_its_report(
    reference_data, staff_factory, login_verified
):
    editor = staff_factory("humas", [("editor", "diskominfo")])
    lurah = staff_factory("lurah.v", [("area_officer", "kel-18-71-01-1003")])
    camat = staff_factory("camat.v", [("area_officer", "kec-18-71-01")])
    visit = plan_field_visit(
        editor,
        date=timezone.localdate(),
        title="Kunjungan Wali Kota ke Pasar Tugu",
        kelurahan=Kelurahan.objects.get(code="18.71.01.1003"),
        place="Pasar Tugu",
    )
    other_visit = plan_field_visit(
        editor,
        date=timezone.localdate(),
        title="Kunjungan lain",
        kelurahan=Kelurahan.objects.get(code="18.71.01.1003"),
        place="Balai",
    )
    numbers = []
    for user, slip, text in [
        (lurah, "PASAR-00001", "Atap los pasar bocor"),
        (lurah, "PASAR-00002", "Parkir liar di depan pasar"),
        (camat, "PASAR-00003", "Drainase pasar tersumbat"),
    ]:
        client = field_client(user, login_verified)
        response = client.post(
            "/lapangan/api/laporan/",
            {"slip": slip, "text": text, "channel": "field_visit", "visit": visit.pk},
        )
        assert response.status_code == 201
        numbers.append(response.json()["tracking_number"])
    # Recorded outside the visit: not counted.
    client = field_client(lurah, login_verified)
    client.post("/lapangan/api/laporan/", {"slip": "DESKX-00001", "text": "x", "channel": "lurah"})
    # One of them moves on, so the page shows states rather than a fixed label.
    operator = staff_factory("op.v", [("operator", "diskominfo")])
    complaint_actions.verify_complaint(
        actor=operator, case=Complaint.objects.get(intake_key="PASAR-00003")
    )
    report_field_visit(editor, visit, "Warga mengeluhkan pasar.")

    editor_client = Client()
    login_verified(editor, editor_client)
    page = editor_client.get(f"/console/publishing/kunjungan/{visit.pk}/").content.decode()
    for number in numbers:
        assert number in page
    assert "3 pengaduan dicatat selama kunjungan ini" in page
    assert "Diterima: 2" in page and "Diverifikasi: 1" in page
    assert "Atap los pasar bocor" not in page  # no reporter's text for the editor
    report = editor_client.get(f"/console/publishing/kunjungan/{visit.pk}/laporan/")
    text = report.content.decode()
    assert report.status_code == 200 and "Warga mengeluhkan pasar." in text
    assert "<dt>Pengaduan yang diterima</dt><dd>3</dd>" in text
    assert all(number in text for number in numbers)
    other = editor_client.get(f"/console/publishing/kunjungan/{other_visit.pk}/laporan/")
    assert "<dt>Pengaduan yang diterima</dt><dd>0</dd>" in other.content.decode()

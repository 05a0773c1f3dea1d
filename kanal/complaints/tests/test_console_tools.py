"""Exports, bulk actions and response templates of the console, through HTTP."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kanal.audit.models import AuditEvent
from kanal.complaints import actions
from kanal.complaints.models import Complaint, ResponseTemplate

from .factories import make_case, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(reference_data, staff_factory):
    return {
        "operator": staff_factory("op", [("operator", "diskominfo")]),
        "dpu": staff_factory("dpu", [("unit_officer", "dpu")]),
        "dpu2": staff_factory("dpu2", [("unit_officer", "dpu")]),
    }


def export(client, file_format, **params):
    return client.get(reverse("complaints:export"), {"format": file_format, **params})


def test_operator_exports_the_filtered_inbox_as_csv_with_reporters(client, staff, login_verified):
    case = make_case()
    make_case(title="Lampu mati", description="Lampu jalan mati sejak Senin.", kelurahan=None)
    login_verified(staff["operator"])
    response = export(client, "csv", q="berlubang")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == "Nomor" and len(rows) == 2
    assert rows[1][0] == case.tracking_number
    assert "budi@example.com" in rows[1] and "0812-3456-7890" in rows[1]
    assert rows[1][1][:4].isdigit() and rows[1][1][4] == "-"  # an ISO date, not a sentence
    event = AuditEvent.objects.get(action="complaint.exported")
    assert event.actor == staff["operator"]
    assert event.data == {"filters": {"q": "berlubang"}, "rows": 1, "format": "csv"}


def test_a_unit_officers_export_masks_reporters_exactly_as_the_screen(
    client, staff, login_verified
):
    case = make_case()
    actions.dispose_complaint(actor=staff["operator"], case=case, unit=unit("dpu"))
    login_verified(staff["dpu"])
    screen = client.get(reverse("complaints:console_case", args=[case.tracking_number]))
    assert "budi@example.com" not in screen.content.decode()
    body = export(client, "xlsx").content
    sheet = load_workbook(io.BytesIO(body)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert case.tracking_number in values
    assert not any(
        isinstance(v, str) and ("budi@example.com" in v or "081234567890" in v or "Budi" in v)
        for v in values
    )
    assert values.count("(disembunyikan)") == 3  # name, phone, e-mail
    header = [c.value for c in sheet[1]]
    received = sheet.cell(row=2, column=header.index("Diterima") + 1)
    assert received.is_date  # a real date in the spreadsheet
    assert AuditEvent.objects.filter(action="complaint.exported", actor=staff["dpu"]).exists()


def test_an_export_holds_only_cases_the_user_may_open(client, staff, login_verified):
    mine = make_case()
    other = make_case(title="Sampah")
    actions.dispose_complaint(actor=staff["operator"], case=mine, unit=unit("dpu"))
    actions.dispose_complaint(actor=staff["operator"], case=other, unit=unit("dlh"))
    login_verified(staff["dpu"])
    text = export(client, "csv").content.decode()
    assert mine.tracking_number in text and other.tracking_number not in text


def bulk(client, numbers, **data):
    return client.post(reverse("complaints:bulk"), {"cases": numbers, **data})


def test_bulk_verify_and_route_go_through_the_same_actions_and_audit(client, staff, login_verified):
    cases = [make_case(title=f"Jalan {i}") for i in range(3)]
    numbers = [c.tracking_number for c in cases]
    login_verified(staff["operator"])
    bulk(client, numbers[:2], action="verify")
    assert Complaint.objects.filter(state="diverifikasi").count() == 2
    response = bulk(client, numbers, action="dispose", unit="dpu", next="?q=Jalan")
    assert response.url == reverse("complaints:inbox") + "?q=Jalan"
    assert Complaint.objects.filter(state="didisposisikan", unit__code="dpu").count() == 3
    assert AuditEvent.objects.filter(action="complaint.dispose").count() == 3
    assert AuditEvent.objects.filter(action="complaint.verify").count() == 2


def test_bulk_close_as_duplicate_and_refusals_are_reported(client, staff, login_verified):
    main, dup1, dup2 = (make_case(title=f"Jalan {i}") for i in range(3))
    login_verified(staff["operator"])
    response = bulk(
        client,
        [dup1.tracking_number, dup2.tracking_number, main.tracking_number],
        action="merge",
        into=main.tracking_number.lower(),
    )
    messages = [str(m) for m in response.wsgi_request._messages]
    assert Complaint.objects.filter(merged_into=main).count() == 2
    assert any(main.tracking_number in m and "Tidak dilakukan" in m for m in messages)


def test_bulk_assign_by_a_unit_officer_and_no_triage_for_units(client, staff, login_verified):
    cases = [make_case(title=f"Jalan {i}") for i in range(2)]
    for c in cases:
        actions.dispose_complaint(actor=staff["operator"], case=c, unit=unit("dpu"))
    login_verified(staff["dpu"])
    numbers = [c.tracking_number for c in cases]
    bulk(client, numbers, action="assign", officer=str(staff["dpu2"].pk))
    assert Complaint.objects.filter(assigned_to=staff["dpu2"]).count() == 2
    bulk(client, numbers, action="dispose", unit="dlh")
    assert Complaint.objects.filter(unit__code="dpu").count() == 2  # refused, nothing moved
    inbox = client.get(reverse("complaints:inbox")).content.decode()
    assert 'value="verify"' not in inbox and 'value="assign"' in inbox
    assert "Budi" not in inbox and "081234567890" not in inbox  # no reporter in the list


def test_operators_manage_templates_and_the_starter_set_ships(client, staff, login_verified):
    login_verified(staff["operator"])
    client.post(reverse("complaints:templates"), {"starter": "1"})
    names = set(ResponseTemplate.objects.values_list("name", flat=True))
    assert {"Tanda terima", "Receipt", "Jalan rusak: dijadwalkan"} <= names
    assert set(ResponseTemplate.objects.values_list("language", flat=True)) == {"id", "en"}
    response = client.post(
        reverse("complaints:templates"),
        {"name": "Banjir", "language": "id", "category": "", "state": "", "body": "{title}"},
    )
    assert response.status_code == 302
    template = ResponseTemplate.objects.get(name="Banjir")
    assert AuditEvent.objects.filter(action="response_template.created").exists()
    case = make_case()
    page = client.get(reverse("complaints:console_case", args=[case.tracking_number]))
    assert f'data-text="{case.title}"' in page.content.decode()
    client.post(reverse("complaints:template_edit", args=[template.pk]), {"delete": "1"})
    assert not ResponseTemplate.objects.filter(name="Banjir").exists()
    login_verified(staff["dpu"])
    assert client.get(reverse("complaints:templates")).status_code == 403

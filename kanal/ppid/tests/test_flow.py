"""The whole path across Lebaran 2026, with frozen time: form, extension, partly granted
notice, objection and its answer, a dispute; every due date checked against a table."""

from datetime import date

import pytest
from django.urls import reverse

from kanal.outbox.models import OutboxMessage
from kanal.ppid.models import InformationRequest, Objection

from .conftest import jakarta
from .test_views import form_data

pytestmark = pytest.mark.django_db

# (step, day it happens, due date in force afterwards) — hand-counted on the 2026
# calendar: 18 (cuti bersama), 19 (Nyepi), 20 (cuti), 21-22 (Idul Fitri), 23-24 (cuti)
# March and 3 April (Wafat Yesus Kristus) are not working days; 1, 14, 15, 27, 28 May
# and 1 June neither.
TIMELINE = [
    ("submitted", date(2026, 3, 17), date(2026, 4, 8)),  # 10 working days
    ("extended", date(2026, 4, 7), date(2026, 4, 17)),  # + 7 working days
    ("noticed", date(2026, 4, 16), None),
    ("objected", date(2026, 4, 20), date(2026, 6, 9)),  # 30 working days
    ("answered", date(2026, 6, 2), date(2026, 6, 23)),  # dispute window: 14 working days
]


def test_request_to_dispute_across_lebaran(
    client, officer_client, superior_client, time_machine, django_capture_on_commit_callbacks
):
    steps = {name: (day, due) for name, day, due in TIMELINE}

    day, due = steps["submitted"]
    time_machine.move_to(jakarta(day), tick=False)
    assert client.post(reverse("ppid:request_form"), form_data()).status_code == 302
    req = InformationRequest.objects.get()
    assert (req.received_on, req.due_on) == (day, due)
    page = officer_client.get(reverse("ppid:console_request", args=[req.pk])).content.decode()
    assert "18 Maret 2026" in page and "Idul Fitri" in page  # the date explains itself

    day, due = steps["extended"]
    time_machine.move_to(jakarta(day), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("ppid:console_extend", args=[req.pk]),
            {"reason": "Data dihimpun dari tiga perangkat daerah."},
        )
    assert response.status_code == 302
    req.refresh_from_db()
    assert (req.state, req.extended_on, req.due_on) == ("extended", day, due)

    day, _ = steps["noticed"]
    time_machine.move_to(jakarta(day), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("ppid:console_notice", args=[req.pk]),
            {
                "outcome": "partly_granted",
                "material": "Salinan laporan realisasi anggaran",
                "blacked_out": "Nomor rekening pihak ketiga (Pasal 17 huruf h)",
                "format": "PDF",
                "cost": "0",
                "payment_method": "Tanpa biaya",
            },
        )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.state == "answered" and req.answered_on == day
    assert req.notice.document.read().count(req.registration_number.encode()) >= 1
    kinds = set(OutboxMessage.objects.values_list("kind", flat=True))
    assert kinds == {"ppid_extension", "ppid_notice"}
    pdf = officer_client.get(reverse("ppid:console_notice_pdf", args=[req.pk]))
    assert pdf["Content-Type"] == "application/pdf"

    day, due = steps["objected"]
    time_machine.move_to(jakarta(day), tick=False)
    response = client.post(
        reverse("ppid:objection_form"),
        {
            "registration_number": req.registration_number,
            "contact": "siti@example.org",
            "objector_name": "Siti Aminah",
            "ground": "d",
            "ground_arose_on": "2026-04-16",
            "case_position": "Bagian yang dihitamkan terlalu luas.",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert (objection.filed_on, objection.due_on) == (day, due)

    day, dispute_deadline = steps["answered"]
    time_machine.move_to(jakarta(day), tick=False)
    answer = {"decision": "upheld", "reasons": "Penghitaman sesuai uji konsekuensi."}
    denied = officer_client.post(reverse("ppid:console_answer", args=[objection.pk]), answer)
    assert denied.status_code == 403  # only the atasan PPID answers
    response = superior_client.post(reverse("ppid:console_answer", args=[objection.pk]), answer)
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.answered_on == day and objection.decision == "upheld"

    # filed on the last day of the window: on time; the next working day would be late
    response = officer_client.post(
        reverse("ppid:console_dispute", args=[objection.pk]),
        {"filed_on": dispute_deadline.isoformat(), "outcome": "pending"},
    )
    assert response.status_code == 302
    assert not objection.dispute.filed_late

    register = officer_client.get(
        reverse("ppid:console_register_export", args=["objections", "csv"])
    ).content.decode("utf-8-sig")
    assert objection.registration_number in register and req.registration_number in register

"""The console's triage without dead ends: send-back, notes, re-routing, topic, owners."""

import pytest
from django.urls import reverse

from kanal.audit.models import AuditEvent
from kanal.complaints import actions
from kanal.complaints.models import CaseMessage, StaffNotification

from .factories import make_case, unit

pytestmark = pytest.mark.django_db


def act(client, case, action, **data):
    return client.post(reverse("complaints:case_action", args=[case.tracking_number, action]), data)


def table_of(response) -> str:
    """The inbox table's rows only (notifications above it also name cases)."""
    body = response.content.decode()
    body = body[body.index('<table class="inbox-table">') :]
    return body[: body.index("</table>")]


def page_of(client, case):
    return client.get(reverse("complaints:console_case", args=[case.tracking_number]))


@pytest.fixture
def people(reference_data, staff_factory):
    return {
        "operator": staff_factory("op", [("operator", "diskominfo")]),
        "dpu": staff_factory("dpu", [("unit_officer", "dpu")]),
        "dpu2": staff_factory("dpu2", [("unit_officer", "dpu")]),
        "dlh": staff_factory("dlh", [("unit_officer", "dlh")]),
        "lurah": staff_factory("lurah", [("area_officer", "kel-18-71-01-1003")]),
    }


def test_a_unit_sending_a_case_back_lands_on_its_inbox_and_the_operator_sees_the_reason(
    client, people, login_verified
):
    case = make_case()
    actions.dispose_complaint(actor=people["operator"], case=case, unit=unit("dpu"))
    login_verified(people["dpu"])
    response = act(client, case, "send_back", text="Jalan provinsi, bukan wewenang kami.")
    assert response.status_code == 302 and response.url == reverse("complaints:inbox")
    followed = client.get(response.url)
    assert followed.status_code == 200
    assert "kembali ke operator" in followed.content.decode().lower()

    login_verified(people["operator"])
    inbox = table_of(client.get(reverse("complaints:inbox"), {"returned": "on"}))
    assert case.tracking_number in inbox and "dikembalikan" in inbox
    body = page_of(client, case).content.decode()
    assert "Jalan provinsi, bukan wewenang kami." in body
    assert "Dikembalikan oleh unit" in body
    assert StaffNotification.objects.filter(
        user=people["operator"], complaint=case, kind="sent_back"
    ).exists()


def test_the_operators_note_reaches_the_unit(client, people, login_verified):
    case = make_case()
    login_verified(people["operator"])
    act(client, case, "dispose", unit="dpu", note="Tolong cek juga saluran di sebelahnya.")
    login_verified(people["dpu"])
    body = page_of(client, case).content.decode()
    assert "Catatan operator untuk unit" in body
    assert "Tolong cek juga saluran di sebelahnya." in body


def test_reroute_records_old_and_new_unit_and_restarts_the_clock(client, people, login_verified):
    case = make_case()
    actions.dispose_complaint(actor=people["operator"], case=case, unit=unit("dpu"))
    actions.assign_complaint(actor=people["dpu"], case=case, officer=people["dpu"])
    login_verified(people["operator"])
    response = act(client, case, "reroute", unit="dlh", note="Ini soal sampah.")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.unit.code == "dlh" and case.state == "didisposisikan"
    assert case.assigned_to is None
    event = AuditEvent.objects.filter(action="complaint.reroute").get()
    assert event.data["old_unit"] == "dpu" and event.data["unit"] == "dlh"
    history = page_of(client, case).content.decode()
    assert "Dinas Pekerjaan Umum" in history and "Dinas Lingkungan Hidup" in history
    # the old unit no longer reaches it
    login_verified(people["dpu"])
    assert page_of(client, case).status_code == 404


def test_reroute_after_the_follow_up_goes_back_to_the_new_unit(people):
    case = make_case()
    actions.dispose_complaint(actor=people["operator"], case=case, unit=unit("dpu"))
    actions.follow_up_complaint(actor=people["dpu"], case=case, body="Bukan jalan kota.")
    case.refresh_from_db()
    actions.reroute_complaint(actor=people["operator"], case=case, unit=unit("dlh"))
    case.refresh_from_db()
    assert case.state == "didisposisikan" and case.unit.code == "dlh"


def test_operator_changes_topic_and_kind_at_an_open_state(client, people, login_verified):
    case = make_case()
    actions.dispose_complaint(actor=people["operator"], case=case, unit=unit("dpu"))
    login_verified(people["operator"])
    act(client, case, "recategorise", category="sampah", kind="aspirasi")
    case.refresh_from_db()
    assert case.category.code == "sampah" and case.kind == "aspirasi"
    event = AuditEvent.objects.get(action="complaint.recategorised")
    assert event.data == {"category": ["jalan-rusak", "sampah"], "kind": ["pengaduan", "aspirasi"]}
    login_verified(people["dpu"])
    assert act(client, case, "recategorise", category="jalan-rusak").status_code == 302
    case.refresh_from_db()
    assert case.category.code == "sampah"  # a unit may not


def test_the_unit_picker_groups_units_and_puts_the_suggestion_first(client, people, login_verified):
    case = make_case()
    login_verified(people["operator"])
    body = page_of(client, case).content.decode()
    picker = body[body.index('id="dispose-unit"') :]
    picker = picker[: picker.index("</select>")]
    assert picker.index('label="Disarankan"') < picker.index('label="Perangkat daerah (OPD)"')
    assert 'label="Kantor kecamatan"' in picker
    assert "Kantor kelurahan, Kec. Kedaton" in picker
    assert "(disarankan)" in picker and 'value="dpu" selected' in picker


def test_assignment_inside_the_unit_and_my_cases(client, people, login_verified):
    case = make_case()
    other = make_case(title="Drainase tersumbat")
    for c in (case, other):
        actions.dispose_complaint(actor=people["operator"], case=c, unit=unit("dpu"))
    login_verified(people["operator"])
    act(client, case, "assign", officer=str(people["dpu2"].pk))
    case.refresh_from_db()
    assert case.assigned_to == people["dpu2"]
    # an officer of another unit cannot be the owner
    act(client, other, "assign", officer=str(people["dlh"].pk))
    other.refresh_from_db()
    assert other.assigned_to is None
    login_verified(people["dpu2"])
    mine = table_of(client.get(reverse("complaints:inbox"), {"owner": "me"}))
    assert case.tracking_number in mine and other.tracking_number not in mine
    free = table_of(client.get(reverse("complaints:inbox"), {"owner": "none"}))
    assert other.tracking_number in free and case.tracking_number not in free
    act(client, other, "take")
    other.refresh_from_db()
    assert other.assigned_to == people["dpu2"]


def test_lurah_adds_a_note_and_forwards_to_the_operator_but_cannot_triage(
    client, people, login_verified
):
    case = make_case()  # in Kelurahan 18.71.01.1003, not yet routed
    login_verified(people["lurah"])
    assert page_of(client, case).status_code == 200
    act(client, case, "note", text="Warga sudah lapor juga ke kantor kelurahan.")
    act(client, case, "forward", text="Mohon segera, jalan ini dilalui anak sekolah.")
    notes = list(CaseMessage.objects.filter(complaint=case).values_list("body", flat=True))
    assert "Warga sudah lapor juga ke kantor kelurahan." in notes
    assert "Mohon segera, jalan ini dilalui anak sekolah." in notes
    assert StaffNotification.objects.filter(
        user=people["operator"], complaint=case, kind="forwarded"
    ).exists()
    act(client, case, "verify")
    act(client, case, "dispose", unit="dpu")
    case.refresh_from_db()
    assert case.state == "diterima"
    other_area = make_case(kelurahan=None, title="Di tempat lain")
    assert page_of(client, other_area).status_code == 404


def test_history_reads_as_sentences_and_flash_messages_say_what_happened(
    client, people, login_verified
):
    case = make_case()
    login_verified(people["operator"])
    response = act(client, case, "verify")
    body = client.get(response.url).content.decode()
    assert "sudah diverifikasi" in body.lower()
    assert "Selesai." not in body
    assert "complaint.verify" not in body and "complaint.submitted" not in body
    assert "Diterima melalui Situs web." in body or "Diterima melalui" in body


def test_a_second_officer_writing_at_the_same_time_is_warned_and_keeps_the_draft(
    client, people, login_verified
):
    from django.test import Client

    case = make_case()
    actions.dispose_complaint(actor=people["operator"], case=case, unit=unit("dpu"), note="Cek.")
    other = Client()
    login_verified(people["dpu"], other)
    login_verified(people["operator"])
    assert page_of(other, case).status_code == 200
    body = page_of(client, case).content.decode()
    assert 'name="seen_messages" value="1"' in body  # the operator's note to the unit
    assert "dpu sedang membuka laporan ini" in body  # the other officer has it open
    act(other, case, "reply", text="Kami cek besok.", seen_messages="1")
    act(client, case, "reply", text="Sudah dijadwalkan.", seen_messages="1")
    replies = CaseMessage.objects.filter(complaint=case, kind="public_reply")
    assert list(replies.values_list("body", flat=True)) == ["Kami cek besok."]
    body = page_of(client, case).content.decode()
    assert "Sudah dijadwalkan." in body  # the draft is back in the box
    act(client, case, "reply", text="Sudah dijadwalkan.", seen_messages="2")
    assert replies.count() == 2


def test_after_a_send_back_the_picker_does_not_suggest_the_unit_that_returned_it(
    client, people, login_verified
):
    case = make_case()  # a road case: the router and the topic both say Dinas PU
    actions.dispose_complaint(actor=people["operator"], case=case, unit=unit("dpu"))
    actions.send_back_complaint(actor=people["dpu"], case=case, reason="Jalan provinsi.")
    login_verified(people["operator"])
    body = page_of(client, case).content.decode()
    picker = body[body.index('id="dispose-unit"') :]
    picker = picker[: picker.index("</select>")]
    assert 'value="dpu" selected' not in picker and 'value="dpu"' in picker

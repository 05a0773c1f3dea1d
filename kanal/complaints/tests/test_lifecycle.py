"""The whole path through actions: submit, verify, dispose, follow up, check, close, rate."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from kanal.audit.queries import history_of
from kanal.complaints import actions, queries
from kanal.complaints.models import Complaint, StaffNotification
from kanal.complaints.rules import TransitionRefused
from kanal.outbox.models import OutboxMessage

from .factories import make_case, unit

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def people(reference_data, staff_factory):
    return {
        "operator": staff_factory("op", [("operator", "diskominfo")]),
        "dpu": staff_factory("dpu", [("unit_officer", "dpu")]),
        "dlh": staff_factory("dlh", [("unit_officer", "dlh")]),
        "lurah": staff_factory("lurah", [("area_officer", "kel-18-71-01-1003")]),
        "lurah_other": staff_factory("lurah2", [("area_officer", "kel-18-71-01-1004")]),
        "camat": staff_factory("camat", [("area_officer", "kec-18-71-01")]),
        "inspector": staff_factory("insp", [("inspector", "inspektorat")]),
        "leader": staff_factory("wali", [("leadership", "setda")]),
    }


def test_submission_gives_a_number_a_clock_and_a_notice(people, time_machine):
    time_machine.move_to(datetime(2026, 3, 16, 9, 0, tzinfo=WIB))
    case = make_case()
    assert case.state == "diterima" and case.is_confidential
    assert case.tracking_number.startswith("BL-")
    assert case.due_date == date(2026, 3, 26)  # 3 WD: 17 Mar, Nyepi and Lebaran, 25, 26 Mar
    assert case.kecamatan.code == "18.71.01"
    notice = OutboxMessage.objects.get(complaint=case)
    assert notice.first_route == "email" and case.tracking_number in notice.body
    assert history_of(case).first().action == "complaint.submitted"


def test_the_full_path_to_a_rated_answer(people, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(datetime(2026, 3, 16, 9, 0, tzinfo=WIB))
    op, dpu = people["operator"], people["dpu"]
    case = make_case()
    actions.verify_complaint(actor=op, case=case)
    actions.dispose_complaint(actor=op, case=case, unit=unit("dpu"))
    case.refresh_from_db()
    assert case.state == "didisposisikan"
    assert case.due_date == date(2026, 3, 30)  # 5 WD from 16 Mar across the holidays
    assert StaffNotification.objects.filter(user=dpu, complaint=case, kind="disposed").exists()

    time_machine.move_to(datetime(2026, 3, 26, 10, 0, tzinfo=WIB))
    actions.follow_up_complaint(actor=dpu, case=case, body="Jalan sudah ditambal kemarin.")
    case.refresh_from_db()
    assert case.state == "ditindaklanjuti"
    actions.return_to_unit(actor=op, case=case, note="Lampirkan foto hasil perbaikan.")
    case.refresh_from_db()
    assert case.state == "didisposisikan"
    actions.follow_up_complaint(actor=dpu, case=case, body="Sudah ditambal; foto terlampir.")
    with django_capture_on_commit_callbacks(execute=False):
        actions.complete_complaint(actor=op, case=case)
    case.refresh_from_db()
    assert case.state == "selesai" and case.due_basis == "auto_close"
    answer = OutboxMessage.objects.filter(complaint=case).order_by("-pk").first()
    assert "Sudah ditambal" in answer.body
    actions.rate_complaint(case=case, rating=4, comment="Cepat")
    case.refresh_from_db()
    assert case.rating == 4
    codes = [e.action for e in history_of(case)]
    assert codes[:3] == ["complaint.submitted", "complaint.verify", "complaint.dispose"]
    assert "complaint.return_to_unit" in codes and "complaint.rated" in codes


def test_a_unit_cannot_follow_up_another_units_case(people):
    case = make_case()
    actions.dispose_complaint(actor=people["operator"], case=case, unit=unit("dpu"))
    with pytest.raises(PermissionDenied):
        actions.follow_up_complaint(actor=people["dlh"], case=case, body="x")
    with pytest.raises(PermissionDenied):
        actions.dispose_complaint(actor=people["dpu"], case=case, unit=unit("dlh"))


def test_sent_back_cases_return_to_the_operator_with_the_reason(people):
    case = make_case()
    actions.dispose_complaint(actor=people["operator"], case=case, unit=unit("dlh"))
    actions.send_back_complaint(actor=people["dlh"], case=case, reason="Ini jalan, urusan PU")
    case.refresh_from_db()
    assert case.state == "diverifikasi" and case.unit is None
    assert StaffNotification.objects.filter(user=people["operator"], kind="sent_back").exists()
    actions.dispose_complaint(actor=people["operator"], case=case, unit=unit("dpu"))


def test_outside_authority_is_referred_not_disposed(people):
    case = make_case(title="Listrik padam", description="Mati lampu sejak pagi")
    with pytest.raises(TransitionRefused):
        actions.dispose_complaint(actor=people["operator"], case=case, unit=unit("luar-pln"))
    actions.refer_complaint_outside(
        actor=people["operator"], case=case, body=unit("luar-pln"), explanation="Hubungi PLN 123."
    )
    case.refresh_from_db()
    assert case.state == "bukan_wewenang" and "PLN" in case.referred_to


def test_oversight_cases_go_to_the_inspektorat_only_and_stay_invisible_to_units(people):
    case = make_case(
        title="Pungli di kelurahan",
        description="Diminta uang untuk surat",
        category=__import__("kanal.directory.models", fromlist=["Category"]).Category.objects.get(
            code="pengawasan"
        ),
    )
    assert case.is_oversight
    with pytest.raises(TransitionRefused):
        actions.dispose_complaint(
            actor=people["operator"], case=case, unit=unit("kel-18-71-01-1003")
        )
    actions.dispose_complaint(actor=people["operator"], case=case, unit=unit("inspektorat"))
    assert queries.complaints_visible_to(people["inspector"]).filter(pk=case.pk).exists()
    for who in ("lurah", "camat", "dpu", "leader"):
        assert not queries.complaints_visible_to(people[who]).filter(pk=case.pk).exists(), who
    with pytest.raises(TransitionRefused):
        actions.publish_complaint(
            actor=people["operator"], case=case, public=True, public_summary="x"
        )


def test_each_role_sees_only_its_cases(people):
    road = make_case()  # Kelurahan Kedaton
    actions.dispose_complaint(actor=people["operator"], case=road, unit=unit("dpu"))
    rubbish = make_case(title="Sampah", kelurahan=None, lat=None)
    actions.dispose_complaint(actor=people["operator"], case=rubbish, unit=unit("dlh"))
    visible = {
        who: set(queries.complaints_visible_to(u).values_list("pk", flat=True))
        for who, u in people.items()
    }
    assert visible["operator"] >= {road.pk, rubbish.pk}
    assert visible["leader"] >= {road.pk, rubbish.pk}
    assert road.pk in visible["dpu"] and rubbish.pk not in visible["dpu"]
    assert rubbish.pk in visible["dlh"] and road.pk not in visible["dlh"]
    assert road.pk in visible["lurah"] and rubbish.pk not in visible["lurah"]
    assert road.pk in visible["camat"]
    assert road.pk not in visible["lurah_other"]
    assert not visible["inspector"] & {road.pk, rubbish.pk}


def test_reporter_identity_is_a_separate_permission(people, staff_factory):
    case = make_case()
    case = actions.dispose_complaint(actor=people["operator"], case=case, unit=unit("dpu"))
    assert queries.can_see_reporter(people["operator"], case)
    assert not queries.can_see_reporter(people["dpu"], case)
    from kanal.accounts.actions import add_membership

    add_membership(
        actor=None,
        user=people["dpu"],
        unit=unit("dpu"),
        role="unit_officer",
        can_view_reporters=True,
    )
    people["dpu"]._kanal_scope = None
    assert queries.can_see_reporter(people["dpu"], case)
    case.is_anonymous = True
    assert not queries.can_see_reporter(people["dpu"], case)


def test_public_view_never_contains_personal_data(people):
    case = make_case()
    actions.verify_complaint(actor=people["operator"], case=case)
    with pytest.raises(TransitionRefused):
        actions.publish_complaint(actor=people["operator"], case=case, public=True)
    from kanal.complaints.rules import redact_personal_data

    draft = redact_personal_data(
        case.description, [case.reporter.name, case.reporter.phone, case.reporter.email]
    )
    actions.publish_complaint(
        actor=people["operator"],
        case=case,
        public=True,
        public_title="Jalan berlubang",
        public_summary=draft,
    )
    public = queries.public_complaints().get(pk=case.pk)
    for secret in ("Budi", "0812-3456-7890", "1871012345678901", "budi@example.com"):
        assert secret not in public.public_summary and secret not in public.public_title
    assert Complaint.objects.get(pk=case.pk).description.startswith("Jalan berlubang besar")


def test_merged_reporters_receive_the_main_cases_updates(people):
    main, duplicate = (
        make_case(),
        make_case(
            reporter=__import__(
                "kanal.complaints.actions", fromlist=["ReporterDetails"]
            ).ReporterDetails(name="Siti", email="siti@example.com", contact_preference="email")
        ),
    )
    actions.merge_complaints(actor=people["operator"], duplicate=duplicate, into=main)
    duplicate.refresh_from_db()
    assert duplicate.state == "digabung" and duplicate.merged_into == main
    actions.send_public_reply(actor=people["operator"], case=main, body="Sedang dikerjakan.")
    addresses = set(
        OutboxMessage.objects.filter(body="Sedang dikerjakan.").values_list("email", flat=True)
    )
    assert addresses == {"budi@example.com", "siti@example.com"}


def test_internal_notes_are_not_public_messages(people):
    case = make_case()
    actions.add_internal_note(actor=people["operator"], case=case, body="cek lokasi dulu")
    assert not queries.public_messages(case).exists()
    assert not OutboxMessage.objects.filter(body__contains="cek lokasi").exists()


def test_anonymous_report_without_contact(people):
    case = make_case(reporter=None)
    assert case.reporter is None and case.is_anonymous
    assert not OutboxMessage.objects.filter(complaint=case).exists()


def test_misconduct_category_flags_and_point_finds_kelurahan(people):
    case = make_case(kelurahan=None, lat=-5.383353811196727, lng=105.2634916252278)
    assert case.kelurahan.code == "18.71.01.1003"


def test_an_information_request_is_handed_to_the_ppid(people):
    from kanal.ppid.models import InformationRequest

    case = make_case(
        kind="permintaan_informasi",
        title="Minta data APBD 2025",
        description="Saya minta salinan ringkasan APBD 2025.",
    )
    case = actions.hand_to_ppid(actor=people["operator"], case=case)
    request = InformationRequest.objects.get()
    assert case.state == "ditutup" and case.referred_to.endswith(request.registration_number)
    assert request.case_reference == case.tracking_number
    assert request.received_at == case.received_at
    notice = OutboxMessage.objects.filter(complaint=case).order_by("-pk").first()
    assert request.registration_number in notice.body
    with pytest.raises(PermissionDenied):
        actions.hand_to_ppid(actor=people["dpu"], case=make_case())


def test_without_the_switch_the_router_is_not_even_asked(people, monkeypatch):
    """Nothing can be applied where the category's auto-apply is off: no suggestion is
    computed for it (the task worker's main cost per case)."""
    from kanal.complaints.actions import routing

    def no_router(*args, **kwargs):
        raise AssertionError("the router was asked")

    monkeypatch.setattr(routing, "suggest", no_router)
    case = make_case(title="Lampu jalan mati", description="Gelap sekali di depan masjid.")
    assert actions.apply_routing(case.pk) is None
    case.refresh_from_db()
    assert case.state == "diterima" and case.unit is None
    with pytest.raises(Complaint.DoesNotExist):
        actions.apply_routing(case.pk + 1000)


def test_a_routing_task_is_queued_only_where_auto_apply_could_dispose_the_case(
    people, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from kanal.directory.models import Category
    from kanal.routing.actions import save_auto_apply_setting
    from kanal.routing.models import AutoApplySetting

    def routing_tasks():
        rows = DBTaskResult.objects.filter(task_path="kanal.complaints.tasks.route_new_case")
        return sorted(row.args_kwargs["args"][0] for row in rows)

    lights = Category.objects.get(code="penerangan-jalan")
    before = make_case(category=lights)
    no_category = make_case(category=None)
    assert routing_tasks() == []  # every switch off (the default): nothing could be applied
    with django_capture_on_commit_callbacks(execute=True):
        save_auto_apply_setting(
            actor=people["operator"],
            setting=AutoApplySetting(category=lights, enabled=True, threshold=0.9),
        )
    after = make_case(category=lights)
    other = make_case()  # jalan-rusak: its switch is still off
    misconduct = make_case(category=Category.objects.get(code="pengawasan"))
    assert routing_tasks() == [after.pk]
    assert {before.pk, no_category.pk, other.pk, misconduct.pk}.isdisjoint(routing_tasks())


def test_auto_apply_disposes_confident_cases_and_can_be_undone(
    people, django_capture_on_commit_callbacks
):
    from kanal.directory.models import Category
    from kanal.routing.models import AutoApplySetting, RoutingDecision

    lights = Category.objects.get(code="penerangan-jalan")
    text = "Lampu jalan mati sudah seminggu di depan masjid, gelap sekali kalau malam."
    off = make_case(title="Lampu jalan mati", description=text, category=lights)
    assert actions.apply_routing(off.pk) is None  # not enabled for this category
    from kanal.routing.actions import save_auto_apply_setting

    with django_capture_on_commit_callbacks(execute=True):  # routing reloads after commit
        save_auto_apply_setting(
            actor=people["operator"],
            setting=AutoApplySetting(category=lights, enabled=True, threshold=0.9),
        )
    case = make_case(title="Lampu jalan mati", description=text, category=lights)
    decision = actions.apply_routing(case.pk)
    case.refresh_from_db()
    assert decision.suggested_value == "disperkim"
    assert case.state == "didisposisikan" and case.unit.code == "disperkim"
    assert actions.apply_routing(case.pk) is None  # safe to run twice
    with pytest.raises(PermissionDenied):
        actions.revert_auto_disposition(actor=people["dpu"], case=case)
    actions.revert_auto_disposition(actor=people["operator"], case=case)
    case.refresh_from_db()
    assert case.state == "diverifikasi" and case.unit is None
    assert RoutingDecision.objects.get(pk=decision.pk).reverted_at is not None
    codes = [e.action for e in history_of(case)]
    assert "complaint.dispose" in codes and "complaint.send_back" in codes

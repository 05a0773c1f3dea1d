"""Deadlines, escalation and automatic closure with frozen time across Lebaran 2026."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from kanal.complaints import actions
from kanal.complaints.models import StaffNotification
from kanal.complaints.rules import TransitionRefused
from kanal.core.actions import set_calendar_override

from .factories import make_case, unit

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")


def at(y, m, d, h=9):
    return datetime(y, m, d, h, 0, tzinfo=WIB)


@pytest.fixture
def people(reference_data, staff_factory):
    return {
        "operator": staff_factory("op", [("operator", "diskominfo")]),
        "dpu": staff_factory("dpu", [("unit_officer", "dpu")]),
        "leader": staff_factory("wali", [("leadership", "setda")]),
    }


def test_overdue_cases_escalate_level_by_level_and_only_once(people, time_machine):
    time_machine.move_to(at(2026, 3, 12))
    case = make_case()
    actions.dispose_complaint(actor=people["operator"], case=case, unit=unit("dpu"))
    case.refresh_from_db()
    assert case.due_date == date(2026, 3, 26)  # 5 WD from Thu 12 Mar across the holidays

    time_machine.move_to(at(2026, 3, 26, 16))
    assert actions.sweep_deadlines().escalated == 0  # due today: at risk, not overdue
    time_machine.move_to(at(2026, 3, 27))
    report = actions.sweep_deadlines()
    assert report.escalated == 1
    assert StaffNotification.objects.filter(user=people["dpu"], kind="overdue", level=1).exists()
    assert actions.sweep_deadlines().escalated == 0  # same day again: nothing new
    time_machine.move_to(at(2026, 4, 1))  # 3 WD overdue (27, 30, 31... 1 Apr)
    actions.sweep_deadlines()
    assert StaffNotification.objects.filter(
        user=people["operator"], kind="overdue", level=2
    ).exists()
    time_machine.move_to(at(2026, 4, 7))  # Good Friday 3 Apr is off
    actions.sweep_deadlines()
    assert StaffNotification.objects.filter(user=people["leader"], kind="overdue", level=3).exists()
    case.refresh_from_db()
    assert case.escalation_level == 3
    assert StaffNotification.objects.filter(kind="overdue", level=3).count() == 1


def test_completed_cases_close_after_ten_quiet_working_days(people, time_machine):
    time_machine.move_to(at(2026, 3, 12))
    case = make_case()
    actions.dispose_complaint(actor=people["operator"], case=case, unit=unit("dpu"))
    actions.follow_up_complaint(actor=people["dpu"], case=case, body="Sudah diperbaiki.")
    actions.complete_complaint(actor=people["operator"], case=case)
    case.refresh_from_db()
    assert case.due_date == date(2026, 4, 2)  # 10 WD from 12 Mar across Nyepi and Lebaran
    time_machine.move_to(at(2026, 4, 2, 20))
    assert actions.sweep_deadlines().closed == 0
    time_machine.move_to(at(2026, 4, 6))  # Good Friday 3 April, then the weekend
    assert actions.sweep_deadlines().closed == 1
    case.refresh_from_db()
    assert case.state == "ditutup"


def test_a_reporter_reply_stops_the_automatic_closure(people, time_machine):
    time_machine.move_to(at(2026, 3, 2))
    case = make_case()
    actions.dispose_complaint(actor=people["operator"], case=case, unit=unit("dpu"))
    actions.follow_up_complaint(actor=people["dpu"], case=case, body="Sudah.")
    actions.complete_complaint(actor=people["operator"], case=case)
    time_machine.move_to(at(2026, 3, 9))
    actions.add_citizen_reply(case=case, body="Belum, masih berlubang!")
    case.refresh_from_db()
    assert case.due_basis == "review" and case.due_date == date(2026, 3, 12)
    time_machine.move_to(at(2026, 3, 30))
    assert actions.sweep_deadlines().closed == 0
    assert StaffNotification.objects.filter(kind="citizen_reply").exists()


def test_reopen_within_ten_working_days_of_closure_only(people, time_machine):
    time_machine.move_to(at(2026, 3, 2))
    case = make_case()
    actions.dispose_complaint(actor=people["operator"], case=case, unit=unit("dpu"))
    actions.follow_up_complaint(actor=people["dpu"], case=case, body="Sudah.")
    actions.complete_complaint(actor=people["operator"], case=case)
    actions.close_complaint(actor=people["operator"], case=case)
    time_machine.move_to(at(2026, 3, 16))  # 10 WD after Mon 2 Mar
    actions.reopen_complaint(case=case, reason="Rusak lagi")
    case.refresh_from_db()
    assert case.state == "didisposisikan" and case.reopen_count == 1 and case.unit.code == "dpu"
    actions.follow_up_complaint(actor=people["dpu"], case=case, body="Diperbaiki ulang.")
    actions.complete_complaint(actor=people["operator"], case=case)
    actions.close_complaint(actor=people["operator"], case=case)
    time_machine.move_to(at(2026, 4, 15))
    with pytest.raises(TransitionRefused):
        actions.reopen_complaint(case=case, reason="lagi")


def test_a_decree_moves_running_deadlines(people, time_machine):
    time_machine.move_to(at(2026, 6, 1))  # Monday, Hari Lahir Pancasila
    case = make_case()
    assert case.due_date == date(2026, 6, 4)  # 2, 3, 4 June
    set_calendar_override(
        actor=None, day=date(2026, 6, 3), is_working_day=False, reason="Libur daerah"
    )
    assert actions.recompute_due_dates() == 1
    case.refresh_from_db()
    assert case.due_date == date(2026, 6, 5)

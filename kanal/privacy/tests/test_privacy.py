"""Retention, data-subject requests and breach records (UU 27/2022)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from kanal.audit.models import AuditEvent
from kanal.complaints import actions as case_actions
from kanal.complaints.models import Complaint
from kanal.complaints.tests.factories import make_case
from kanal.core import schedule
from kanal.outbox.models import OutboxMessage
from kanal.privacy import actions, queries, rules
from kanal.privacy.models import AnonymisedCase, Breach, RequestState, SubjectRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(reference_data, staff_factory):
    return {
        "dpo": staff_factory("dpo", [("system_admin", "diskominfo")]),
        "operator": staff_factory("op", [("operator", "diskominfo")]),
    }


def at(*args):
    return datetime(*args, 9, tzinfo=UTC)


def rejected_case(operator, **overrides):
    case = make_case(**overrides)
    return case_actions.reject_complaint(actor=operator, case=case, reason="Bukan aduan.")


# --- rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notified_subjects", "notified_authority", "hours_after", "overdue"),
    [
        (None, None, 71, False),
        (None, None, 73, True),
        (1, None, 73, True),
        (1, 1, 100, False),
    ],
)
def test_breach_notices_are_due_within_three_times_24_hours(
    notified_subjects, notified_authority, hours_after, overdue
):
    found = at(2026, 3, 2)
    stamp = {None: None, 1: found + timedelta(hours=1)}
    assert rules.breach_notice_due(found) == found + timedelta(hours=72)
    now = found + timedelta(hours=hours_after)
    assert (
        rules.breach_notice_overdue(found, stamp[notified_subjects], stamp[notified_authority], now)
        is overdue
    )


def test_a_retention_period_shorter_than_30_days_is_refused():
    with pytest.raises(ValueError):
        rules.retention_cutoff(at(2026, 1, 1), 10)


# --- retention ---------------------------------------------------------------------------


def test_the_retention_job_is_registered_with_the_scheduler():
    assert "privacy.apply_retention" in {j.name for j in schedule.registered_jobs()}


def test_retention_anonymises_finished_cases_after_the_period_once(people, time_machine, settings):
    settings.KANAL_PRIVACY_RETENTION_DAYS = 365
    time_machine.move_to(at(2026, 1, 5))
    old = rejected_case(people["operator"])
    time_machine.move_to(at(2026, 9, 1))
    recent = rejected_case(people["operator"])
    still_open = make_case()
    time_machine.move_to(at(2027, 1, 6))

    assert list(queries.cases_due_for_anonymisation()) == [old]
    report = actions.apply_retention()
    assert report.anonymised == 1

    old = Complaint.objects.select_related("reporter").get(pk=old.pk)
    assert (old.reporter.name, old.reporter.phone, old.reporter.email) == ("", "", "")
    assert old.reporter.contact_preference == "none" and old.is_anonymous
    for secret in ("Budi Santoso", "0812-3456-7890", "1871012345678901", "budi@example.com"):
        assert secret not in old.description
    assert old.tracking_number and old.category_id  # the record for statistics stays
    notices = OutboxMessage.objects.filter(complaint=old)
    assert notices.exists()
    for notice in notices:
        assert (notice.email, notice.phone) == ("", "") and "budi@example.com" not in notice.body
    event = AuditEvent.objects.get(action="privacy.case_anonymised")
    assert event.object_id == str(old.pk) and event.data["reason"] == "retention"
    assert event.actor_label == "system"

    for case in (recent, still_open):
        assert Complaint.objects.get(pk=case.pk).reporter.name == "Budi Santoso"
    assert actions.apply_retention().anonymised == 0  # safe to run twice


# --- data-subject requests ---------------------------------------------------------------


def test_only_the_data_protection_officer_reaches_the_privacy_pages(people, client, login_verified):
    for url in (reverse("privacy:index"), reverse("privacy:request_new")):
        login_verified(people["operator"])
        assert client.get(url).status_code == 403
        client.logout()
        assert client.get(url).status_code == 302  # to the login
        login_verified(people["dpo"])
        assert client.get(url).status_code == 200
        client.logout()


def test_an_access_request_gives_a_copy_after_the_identity_check(people, client, login_verified):
    case = make_case()
    make_case(reporter=None, title="Someone else's report")
    login_verified(people["dpo"])
    response = client.post(
        reverse("privacy:request_new"),
        {"kind": "access", "subject_name": "Budi Santoso", "phone": "+62 812 3456 7890"},
    )
    req = SubjectRequest.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("privacy:request", args=[req.pk])).content.decode()
    assert case.tracking_number in page

    step = lambda name, **data: client.post(  # noqa: E731
        reverse("privacy:request_step", args=[req.pk, name]), data
    )
    step("access")  # identity not checked yet: refused with a message
    assert SubjectRequest.objects.get().state == RequestState.OPEN
    step("identity", how="KTP shown at the desk")
    response = step("access")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    copy = response.json()
    assert [c["tracking_number"] for c in copy["cases"]] == [case.tracking_number]
    assert copy["cases"][0]["reporter"]["email"] == "budi@example.com"
    assert SubjectRequest.objects.get().state == RequestState.COMPLETED
    assert list(
        AuditEvent.objects.filter(action__startswith="privacy.").values_list("action", flat=True)
    ) == ["privacy.request_opened", "privacy.identity_checked", "privacy.access_given"]


def test_an_erasure_request_anonymises_finished_cases_and_keeps_open_ones(people):
    finished = rejected_case(people["operator"])
    open_case = make_case()
    dpo = people["dpo"]
    req = actions.open_subject_request(
        actor=dpo, kind="erasure", subject_name="Budi", email="BUDI@example.com"
    )
    with pytest.raises(ValueError):
        actions.erase_subject_data(actor=dpo, request=req)
    actions.check_subject_identity(actor=dpo, request=req, how="KTP")
    done = actions.erase_subject_data(actor=dpo, request=req)
    assert done == [finished.tracking_number]
    assert AnonymisedCase.objects.get().complaint_id == finished.pk
    assert Complaint.objects.get(pk=finished.pk).reporter.email == ""
    assert Complaint.objects.get(pk=open_case.pk).reporter.email == "budi@example.com"
    req.refresh_from_db()
    assert req.state == RequestState.COMPLETED and req.email == ""
    assert open_case.tracking_number in req.outcome
    with pytest.raises(actions.RequestClosed):
        actions.erase_subject_data(actor=dpo, request=req)


# --- breaches ----------------------------------------------------------------------------


def test_a_breach_is_recorded_and_its_notices_tracked(people, client, login_verified):
    login_verified(people["dpo"])
    form = {
        "title": "Laptop hilang",
        "discovered_at": "2026-03-02T09:00",
        "description": "Laptop operator berisi ekspor aduan hilang.",
        "data_concerned": "Nama dan nomor WhatsApp pelapor",
        "subjects_affected": "120",
    }
    response = client.post(reverse("privacy:breach_new"), form)
    breach = Breach.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("privacy:breach", args=[breach.pk])).content.decode()
    assert "5 Maret 2026" in page  # 3 x 24 hours after discovery (Indonesian date)
    response = client.post(
        reverse("privacy:breach", args=[breach.pk]),
        form
        | {"subjects_notified_at": "2026-03-03T10:00", "authority_notified_at": "2026-03-03T11:00"},
    )
    assert response.status_code == 302
    breach.refresh_from_db()
    assert breach.authority_notified_at is not None
    assert AuditEvent.objects.filter(action="privacy.breach_updated", object_id=str(breach.pk))
    login_verified(people["operator"])
    assert client.get(reverse("privacy:breach", args=[breach.pk])).status_code == 403


def test_an_incomplete_breach_form_comes_back_with_errors(people, client, login_verified):
    login_verified(people["dpo"])
    response = client.post(reverse("privacy:breach_new"), {"title": "x"})
    assert response.status_code == 400 and not Breach.objects.exists()

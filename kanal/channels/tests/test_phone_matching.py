"""One person's number matches across apps however each app received it.

Sari writes on WhatsApp (Meta sends her ``wa_id`` 6281234567890), reports on the web
form with 0812-3456-7890, and asks the PPID with +62 812 3456 7890. Every app stores
E.164, so the console, "my reports", the PPID status check and the data protection
officer's lookups all find her, whatever form the staff or Sari type.
"""

from datetime import UTC, datetime

import pytest

from kanal.channels.models import Citizen, Conversation
from kanal.complaints import queries as complaint_queries
from kanal.complaints import rules as complaint_rules
from kanal.complaints.actions import ReporterDetails
from kanal.complaints.models import Complaint, Reporter
from kanal.complaints.tests.factories import make_case
from kanal.console import queries as console_queries
from kanal.ppid import actions as ppid_actions
from kanal.ppid import queries as ppid_queries
from kanal.privacy import actions as privacy_actions
from kanal.privacy import queries as privacy_queries

from .conftest import payload, process_pending

pytestmark = pytest.mark.django_db

TYPED = [
    "0812-3456-7890",
    "081234567890",
    "+62 812 3456 7890",
    "6281234567890",
    "0062 812 3456 7890",
]


@pytest.fixture
def sari(post_event, time_machine, reference_data, staff_factory):
    time_machine.move_to(datetime.fromtimestamp(1749416383 + 300, tz=UTC))
    post_event("whatsapp", payload("whatsapp_text.json").replace(b"16505551234", b"6281234567890"))
    process_pending()
    wa_case = Complaint.objects.get(channel="whatsapp")
    web_case = make_case(
        title="Lampu jalan mati",
        reporter=ReporterDetails(
            name="Sari", phone="0812-3456-7890", contact_preference="whatsapp", consent_text="ok"
        ),
    )
    other_case = make_case(
        title="Saluran tersumbat",
        reporter=ReporterDetails(name="Other", phone="0857-0000-1111", consent_text="ok"),
    )
    request = ppid_actions.submit_information_request(
        actor=None,
        channel="web",
        details={
            "requester_name": "Sari",
            "identity_number": "1871010101010001",
            "address": "Jl. Teuku Umar 1",
            "occupation": "Guru",
            "phone": "+62 812 3456 7890",
            "information_requested": "Anggaran penerangan jalan 2025",
            "purpose": "Penelitian",
        },
    )
    return {
        "wa": wa_case,
        "web": web_case,
        "other": other_case,
        "ppid": request,
        "operator": staff_factory("op", [("operator", "diskominfo")]),
        "dpo": staff_factory("dpo", [("system_admin", "diskominfo")]),
    }


def test_every_app_stores_the_number_in_one_form(sari):
    citizen = Citizen.objects.get()
    assert citizen.phone == "+6281234567890"
    assert citizen.contacts.get().external_id == "6281234567890"  # Meta's wa_id stays the id
    assert sari["wa"].reporter.phone == sari["web"].reporter.phone == "+6281234567890"
    assert sari["ppid"].phone == "+6281234567890"


@pytest.mark.parametrize("typed", TYPED)
def test_the_console_finds_the_person_whatever_form_staff_type(sari, typed):
    found = console_queries.search_people(sari["operator"], typed)
    # One person: the web reporter with the same number is the WhatsApp citizen.
    assert [(p.kind, p.pk) for p in found] == [("citizen", Citizen.objects.get().pk)]
    person = console_queries.citizen_person(sari["operator"], found[0].pk)
    assert {c.pk for c in person.cases} == {sari["wa"].pk, sari["web"].pk}
    assert set(complaint_queries.matching_reporter_ids(typed)) == {
        sari["wa"].reporter_id,
        sari["web"].reporter_id,
    }


@pytest.mark.parametrize("typed", TYPED)
def test_my_reports_and_the_ppid_status_check_match_any_form(sari, typed):
    contact = complaint_rules.normalise_contact(typed)
    assert set(complaint_queries.cases_for_contact(contact)) == {sari["wa"], sari["web"]}
    number = sari["ppid"].registration_number
    assert ppid_queries.lookup_request(number, typed) == sari["ppid"]
    assert ppid_queries.lookup_request(number, "0857-0000-1111") is None


@pytest.mark.parametrize("typed", TYPED)
def test_the_data_protection_officer_finds_all_of_it(sari, typed):
    req = privacy_actions.open_subject_request(
        actor=sari["dpo"], kind="access", subject_name="Sari", phone=typed
    )
    assert {c.pk for c in privacy_queries.cases_of_subject(req)} == {sari["wa"].pk, sari["web"].pk}
    assert privacy_queries.conversations_of_subject(req) == list(Conversation.objects.all())
    assert privacy_queries.information_requests_of_subject(req) == [sari["ppid"]]


def test_a_number_that_is_not_hers_finds_nothing_of_hers(sari):
    req = privacy_actions.open_subject_request(
        actor=sari["dpo"], kind="access", subject_name="Someone", phone="0812-3456-7899"
    )
    assert privacy_queries.cases_of_subject(req) == []
    assert privacy_queries.conversations_of_subject(req) == []
    assert privacy_queries.information_requests_of_subject(req) == []
    assert Reporter.objects.filter(phone="+6285700001111").exists()

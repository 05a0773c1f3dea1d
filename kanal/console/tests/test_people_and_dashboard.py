"""A person's page across channels, and the leadership dashboard, through HTTP."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from kanal.audit.models import AuditEvent
from kanal.channels.models import Citizen, Contact, Conversation
from kanal.complaints import actions
from kanal.complaints.models import Channel
from kanal.complaints.tests.factories import make_case, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(reference_data, staff_factory):
    return {
        "operator": staff_factory("op", [("operator", "diskominfo")]),
        "dpu": staff_factory("dpu", [("unit_officer", "dpu")]),
        "pimpinan": staff_factory("pimpinan", [("leadership", "setda")]),
        "editor": staff_factory("editor", [("editor", "diskominfo")]),
    }


@pytest.fixture
def budi(reference_data):
    """Budi writes on WhatsApp and by SMS (two citizens until linked) and used the web form."""
    wa_citizen = Citizen.objects.create(name="Budi Santoso", phone="+6281234567890")
    wa = Contact.objects.create(
        channel="whatsapp",
        external_id="6281234567890",
        phone="+6281234567890",
        display_name="Budi",
        citizen=wa_citizen,
    )
    sms_citizen = Citizen.objects.create(name="", phone="+6285700001111")
    sms = Contact.objects.create(
        channel="sms", external_id="+6285700001111", phone="+6285700001111", citizen=sms_citizen
    )
    wa_case = make_case(channel="whatsapp", title="Sampah menumpuk di pasar")
    Conversation.objects.create(contact=wa, channel="whatsapp", thread_key="t1", complaint=wa_case)
    sms_case = make_case(channel="sms", title="Lampu jalan mati", reporter=None)
    Conversation.objects.create(contact=sms, channel="sms", thread_key="t2", complaint=sms_case)
    web_case = make_case(title="Jalan berlubang")  # reporter phone 081234567890
    return {"wa": wa, "sms": sms, "wa_case": wa_case, "sms_case": sms_case, "web": web_case}


def test_operator_finds_a_person_by_phone_or_name_and_sees_cases_across_channels(
    client, staff, budi, login_verified
):
    login_verified(staff["operator"])
    inbox = client.get(reverse("complaints:inbox"), {"q": "081234567890"}).content.decode()
    assert budi["web"].tracking_number in inbox and "orang cocok dengan" in inbox
    found = client.get(reverse("console:people"), {"q": "0812-3456-7890"}).content.decode()
    citizen = budi["wa"].citizen
    assert reverse("console:citizen", args=[citizen.pk]) in found
    assert found.count("Budi Santoso") == 1  # the web reporter with the same phone is one person
    page = client.get(reverse("console:citizen", args=[citizen.pk])).content.decode()
    assert budi["wa_case"].tracking_number in page and budi["web"].tracking_number in page
    assert budi["sms_case"].tracking_number not in page
    by_name = client.get(reverse("console:people"), {"q": "Budi"}).content.decode()
    assert "Budi Santoso" in by_name


def test_linking_needs_consent_is_audited_and_unlinking_separates_again(
    client, staff, budi, login_verified
):
    login_verified(staff["operator"])
    citizen = budi["wa"].citizen
    url = reverse("console:link_contact", args=[citizen.pk])
    client.post(url, {"channel": "sms", "id": "085700001111", "consent": "Setuju", "agreed": ""})
    budi["sms"].refresh_from_db()
    assert budi["sms"].citizen_id != citizen.pk  # not ticked: nothing joined
    client.post(url, {"channel": "sms", "id": "085700001111", "consent": "Setuju lewat WA"})
    budi["sms"].refresh_from_db()
    assert budi["sms"].citizen_id != citizen.pk
    client.post(url, {"channel": "sms", "id": "+6285700001111", "consent": "Setuju", "agreed": "1"})
    budi["sms"].refresh_from_db()
    assert budi["sms"].citizen_id == citizen.pk
    citizen.refresh_from_db()
    assert citizen.consent_text == "Setuju" and citizen.consented_at
    assert AuditEvent.objects.filter(action="channel.contacts_linked").exists()
    page = client.get(reverse("console:citizen", args=[citizen.pk])).content.decode()
    assert budi["sms_case"].tracking_number in page
    client.post(
        reverse("console:unlink_contact", args=[citizen.pk, budi["sms"].pk]),
        {"reason": "Nomor milik orang lain"},
    )
    budi["sms"].refresh_from_db()
    assert budi["sms"].citizen_id != citizen.pk
    event = AuditEvent.objects.get(action="channel.contact_unlinked")
    assert event.actor == staff["operator"] and event.data["reason"] == "Nomor milik orang lain"


def test_roles_without_the_reporter_permission_reach_no_person_and_no_search_by_reporter(
    client, staff, budi, login_verified
):
    actions.dispose_complaint(actor=staff["operator"], case=budi["web"], unit=unit("dpu"))
    citizen = budi["wa"].citizen
    for role in ("dpu", "pimpinan", "editor"):
        login_verified(staff[role])
        assert client.get(reverse("console:people"), {"q": "Budi"}).status_code == 403
        assert client.get(reverse("console:citizen", args=[citizen.pk])).status_code == 403
        assert (
            client.get(reverse("console:reporter", args=[budi["web"].reporter_id])).status_code
            == 403
        )
    login_verified(staff["dpu"])
    inbox = client.get(reverse("complaints:inbox"), {"q": "081234567890"}).content.decode()
    table = inbox[inbox.index('<table class="inbox-table">') :]
    assert budi["web"].tracking_number not in table  # a phone number finds nothing for them
    assert reverse("console:people") not in inbox


def dashboard(client, **params):
    return client.get(reverse("console:dashboard"), params)


def test_the_dashboard_counts_channels_from_the_model_and_heard_in_person_first_class(
    client, staff, login_verified
):
    for channel in ("walk_in", "phone", "field_visit", "whatsapp", "web", "web"):
        make_case(channel=channel, title=f"Aduan {channel}")
    login_verified(staff["pimpinan"])
    response = dashboard(client, period="30")
    board = response.context["board"]
    assert board.received == 6 and board.heard_in_person == 3
    labels = [bar.label for bar in board.by_channel]
    assert labels == [str(label) for _, label in Channel.choices]  # every channel, zeros too
    walk_in = next(b for b in board.by_channel if b.label == str(Channel.WALK_IN.label))
    assert walk_in.value == 1 and walk_in.in_person
    body = response.content.decode()
    assert "<svg" in body and "<table" in body
    # leadership may not see reporters: no name, number or address anywhere on it
    assert "Budi" not in body and "081234567890" not in body and "budi@example" not in body
    assert "didengar langsung" in body
    assert sum(bar.value for bar in board.by_week) == 6
    rows = list(
        csv.reader(io.StringIO(dashboard(client, format="csv").content.decode().lstrip("\ufeff")))
    )
    assert ["Didengar langsung", "", "3"] in rows
    assert not any("Budi" in cell or "0812" in cell for row in rows for cell in row)


def test_the_period_filter_and_unit_heads_see_only_their_units(client, staff, login_verified):
    import time_machine

    with time_machine.travel(timezone.now() - timezone.timedelta(days=60)):
        old = make_case(title="Lama")
    new = make_case(title="Baru")
    actions.dispose_complaint(actor=staff["operator"], case=new, unit=unit("dpu"))
    make_case(title="Lain")
    login_verified(staff["operator"])
    assert dashboard(client, period="30").context["board"].received == 2
    assert dashboard(client, period="90").context["board"].received == 3
    start = (timezone.localdate() - timezone.timedelta(days=61)).isoformat()
    end = (timezone.localdate() - timezone.timedelta(days=59)).isoformat()
    assert dashboard(client, **{"from": start, "to": end}).context["board"].received == 1
    login_verified(staff["dpu"])
    board = dashboard(client, period="90").context["board"]
    assert board.received == 1 and board.unit_names == ["Dinas Pekerjaan Umum"]
    login_verified(staff["editor"])
    assert dashboard(client).status_code == 403
    assert old.pk

"""Crash safety, sweeps, retries from the console, reply windows and notices, health."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from kanal.channels import actions, queries, tasks
from kanal.channels.actions import inbound
from kanal.channels.models import (
    ChannelAlert,
    Contact,
    Conversation,
    EventStatus,
    InboundEvent,
)
from kanal.complaints.models import Complaint
from kanal.core import schedule
from kanal.outbox import tasks as outbox_tasks
from kanal.outbox.models import DeliveryAttempt

from .conftest import payload, process_pending

pytestmark = pytest.mark.django_db
SAMPLE_TIME = datetime.fromtimestamp(1749416383 + 300, tz=UTC)


@pytest.fixture(autouse=True)
def _at_sample_time(time_machine):
    time_machine.move_to(SAMPLE_TIME)


def test_a_crash_before_commit_leaves_the_event_to_be_processed_again(post_event, monkeypatch):
    post_event("whatsapp", payload("whatsapp_text.json"))
    event = InboundEvent.objects.get()

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    # The crash comes after the case was created, inside the same transaction.
    monkeypatch.setattr(inbound.Conversation, "save", crash)
    assert tasks.process_event(event.pk) == EventStatus.FAILED
    event.refresh_from_db()
    assert Complaint.objects.count() == 0 and Contact.objects.count() == 0
    assert event.status == EventStatus.FAILED and "worker killed" in event.error

    monkeypatch.undo()
    actions.retry_inbound_event(actor=None, event_id=event.pk)
    assert tasks.process_event(event.pk) == EventStatus.PROCESSED
    assert tasks.process_event(event.pk) == EventStatus.PROCESSED  # run twice
    assert Complaint.objects.count() == 1


def test_the_sweep_requeues_pending_events_older_than_n_minutes(
    post_event, time_machine, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    post_event("whatsapp", payload("whatsapp_text.json"))
    before = DBTaskResult.objects.count()
    assert tasks.sweep_inbound_events.call() == 0  # too recent: its own task may still run
    time_machine.move_to(SAMPLE_TIME + timedelta(minutes=11))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_inbound_events.call() == 1
    assert DBTaskResult.objects.count() == before + 1
    process_pending()
    assert Complaint.objects.count() == 1


def test_an_unreadable_but_signed_body_is_kept_and_fails_visibly(post_event):
    assert post_event("whatsapp", b"{not json").status_code == 200
    event = InboundEvent.objects.get()
    assert event.event_key.startswith("raw:")
    process_pending()
    event.refresh_from_db()
    assert event.status == EventStatus.FAILED and "JSONDecodeError" in event.error
    assert list(queries.failed_events()) == [event]


def test_whatsapp_outside_24_hours_uses_the_template_when_configured(
    post_event, fake, time_machine, settings
):
    from kanal.complaints.actions.common import notify_reporter

    post_event("whatsapp", payload("whatsapp_text.json"))
    process_pending()
    case = Complaint.objects.get()
    time_machine.move_to(SAMPLE_TIME + timedelta(hours=30))
    assert queries.reply_options_for_case(case).mode == "closed"
    assert queries.reply_options_for_case(case).fallback == "sms"
    by_sms = notify_reporter(case, "Update", "Your report was sent to the unit.")
    process_pending()
    attempts = list(by_sms.attempts.values_list("route", "state", "reason"))
    assert attempts == [
        ("whatsapp", "skipped", "window_closed"),
        ("whatsapp_template", "skipped", "no_template"),
        ("sms", "sent", ""),
    ]

    settings.KANAL_WHATSAPP_NOTICE_TEMPLATE = {"name": "status_laporan", "language": "id"}
    options = queries.reply_options_for_case(case)
    assert not options.can_answer_now and options.mode == "template"
    notice = notify_reporter(case, "Update", "Your report\nwas completed.")
    process_pending()
    notice.refresh_from_db()
    assert notice.status == "sent"
    assert notice.attempts.get(state="sent").route == "whatsapp_template"
    sent = fake.sent("/messages")[-1].json()
    assert sent["type"] == "template" and sent["template"]["name"] == "status_laporan"
    assert sent["template"]["language"] == {"code": "id"}
    parameters = sent["template"]["components"][0]["parameters"]
    assert [p["text"] for p in parameters] == [case.tracking_number, "Your report was completed."]


def test_reply_options_for_a_case_from_the_web_have_no_channel_window(reference_data):
    from kanal.complaints.actions import ReporterDetails, submit_complaint

    case = submit_complaint(
        channel="web",
        title="Jalan rusak",
        description="Jalan rusak di Rajabasa",
        reporter=ReporterDetails(name="Ani", email="ani@example.id", contact_preference="email"),
    )
    options = queries.reply_options_for_case(case)
    assert options.mode == "none" and options.fallback == "email"


def test_a_notice_without_a_conversation_is_skipped_with_a_reason(reference_data):
    from kanal.complaints.actions import ReporterDetails, submit_complaint

    case = submit_complaint(
        channel="whatsapp",
        title="Lampu mati",
        description="Lampu mati",
        reporter=ReporterDetails(
            name="Budi", phone="+6281234567811", contact_preference="whatsapp"
        ),
    )
    notice = case.outbox.get()
    assert outbox_tasks.deliver(notice.pk) == "unreachable"
    notice.refresh_from_db()
    assert notice.status == "unreachable"
    reasons = list(notice.attempts.values_list("route", "reason"))
    assert reasons == [
        ("whatsapp", "no_conversation"),
        ("whatsapp_template", "not_configured"),
        ("sms", "not_configured"),
        ("email", "no_email"),
    ]
    assert outbox_tasks.deliver(notice.pk) == "done"  # safe to run twice
    assert notice.attempts.count() == 4


def test_operators_join_contacts_only_with_consent(post_event):
    import json

    post_event("whatsapp", payload("whatsapp_text.json"))
    tg = json.loads(payload("telegram_report.json"))
    tg["message"]["date"] = int(SAMPLE_TIME.timestamp())
    post_event("telegram", json.dumps(tg).encode())
    process_pending()
    wa, telegram = Contact.objects.get(channel="whatsapp"), Contact.objects.get(channel="telegram")
    assert wa.citizen_id != telegram.citizen_id
    with pytest.raises(ValueError):
        actions.link_contacts(actor=None, contact=wa, other=telegram, consent_text=" ")
    citizen = actions.link_contacts(
        actor=None, contact=wa, other=telegram, consent_text="Setuju akun digabung (telepon)"
    )
    assert citizen.consented_at is not None
    assert queries.cases_of_citizen(citizen).count() == 2


def test_a_silent_configured_channel_raises_one_alert_until_events_return(
    post_event, channel_settings, time_machine
):
    assert "whatsapp" in queries.configured_providers()
    assert tasks.check_channel_health.call()  # nothing ever received: silent
    whatsapp_alerts = ChannelAlert.objects.filter(provider="whatsapp")
    assert whatsapp_alerts.count() == 1
    tasks.check_channel_health.call()
    assert whatsapp_alerts.count() == 1  # one alert, not one per run
    post_event("whatsapp", payload("whatsapp_text.json"))
    tasks.check_channel_health.call()
    assert whatsapp_alerts.get().resolved_at is not None


def test_periodic_jobs_are_registered():
    names = {job.name for job in schedule.registered_jobs()}
    assert {"channels.sweep_inbound_events", "channels.check_channel_health"} <= names


def test_probes_are_marked_and_open_no_case(post_event, client, channel_settings):
    from kanal.channels.management.commands.channel_probe import probe_event

    for provider in ("whatsapp", "meta", "telegram", "tiktok", "sms"):
        body, headers, key = probe_event(provider, f"kanal-probe-test-{provider}")
        django_headers = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
        response = client.post(
            f"/webhooks/{provider}/", data=body, content_type="application/json", **django_headers
        )
        assert response.status_code == 200, provider
        event = InboundEvent.objects.get(provider=provider, event_key=key)
        assert event.is_probe
    process_pending()
    assert set(InboundEvent.objects.values_list("outcome", flat=True)) == {"probe"}
    assert Complaint.objects.count() == 0 and Conversation.objects.count() == 0
    assert all(row.events_today == 0 for row in queries.channel_health())


def test_the_probe_command_goes_through_the_real_http_endpoint(
    live_server, channel_settings, transactional_db
):
    from io import StringIO

    out = StringIO()
    call_command(
        "channel_probe",
        "--base-url",
        live_server.url,
        "--process",
        "--provider",
        "whatsapp",
        "--provider",
        "telegram",
        stdout=out,
    )
    assert out.getvalue().count(" ok ") == 2
    assert InboundEvent.objects.filter(is_probe=True, status="processed").count() == 2


# --- the console page ---------------------------------------------------------------------


def _staff_client(client, staff_factory, role="operator"):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = staff_factory("ops", [(role, "dpu")])
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.post(reverse("accounts:login"), {"username": "ops", "password": "a-long-test-password"})
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    client.post(reverse("accounts:verify"), {"token": code})
    return user


def test_the_health_page_shows_channels_and_retries_a_failed_event(
    client, post_event, staff_factory, reference_data, time_machine
):
    time_machine.move_to(datetime.now(tz=UTC), tick=True)  # real time: TOTP codes
    post_event("whatsapp", b"{broken")
    process_pending()
    event = InboundEvent.objects.get()
    _staff_client(client, staff_factory)
    page = client.get("/console/channels/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "WhatsApp Cloud API" in html and event.event_key in html
    response = client.post(f"/console/channels/events/{event.pk}/retry/")
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == EventStatus.PENDING


def test_the_health_page_is_for_operators_only(client, staff_factory, reference_data, time_machine):
    time_machine.move_to(datetime.now(tz=UTC), tick=True)
    _staff_client(client, staff_factory, role="unit_officer")
    assert client.get("/console/channels/").status_code == 403
    client.logout()
    assert client.get("/console/channels/").status_code == 302


def test_outbox_rows_are_recorded_before_sending(post_event, fake):
    fake.fail_next.append((503, {"error": {"message": "down", "code": 2}}))
    post_event("whatsapp", payload("whatsapp_text.json"))
    process_pending()
    outbound = DeliveryAttempt.objects.get()
    assert outbound.state == "waiting" and outbound.tries == 1  # kept for the retry


def test_a_status_for_a_send_whose_response_was_lost_finds_its_message(post_event, fake):
    fake.fail_next.append((503, {"error": {"message": "down", "code": 2}}))
    post_event("whatsapp", payload("whatsapp_text.json"))
    process_pending()
    outbound = DeliveryAttempt.objects.get()
    assert outbound.provider_message_id == ""
    status = payload("whatsapp_status_sent.json").replace(
        b'"status": "sent",',
        f'"status": "delivered", "biz_opaque_callback_data": "kanal-out-{outbound.pk}",'.encode(),
    )
    post_event("whatsapp", status)
    process_pending()
    outbound.refresh_from_db()
    assert outbound.provider_status == "delivered"
    assert outbound.provider_message_id.startswith("wamid.HBgL")


def test_the_outbox_sweep_requeues_messages_left_pending(
    post_event, fake, time_machine, django_capture_on_commit_callbacks
):
    fake.fail_next.append((503, {"error": {"message": "down", "code": 2}}))
    post_event("whatsapp", payload("whatsapp_text.json"))
    process_pending()
    assert outbox_tasks.sweep_outbox.call() == 0
    time_machine.move_to(SAMPLE_TIME + timedelta(hours=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_tasks.sweep_outbox.call() == 1


def test_a_delivery_is_processed_before_an_earlier_backlog_of_follow_up_work(post_event):

    from kanal.core.tasks import record_heartbeat

    for n in range(3):  # follow-up work queued earlier, at the default priority
        record_heartbeat.enqueue(f"notice {n}")
    assert post_event("whatsapp", payload("whatsapp_text.json")).status_code == 200
    event = InboundEvent.objects.get()
    # The worker's own claim (manage.py task_worker), one row.
    from kanal.core.worker import TaskWorker, WorkerOptions

    [claimed] = TaskWorker(WorkerOptions(queues=["*"], worker_id="t", claim=1)).claim()
    assert claimed.task_path == "kanal.channels.tasks.process_inbound_event"
    assert claimed.args_kwargs["args"] == [event.pk]

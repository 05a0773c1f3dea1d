"""One outbox, a fallback chain, and what staff read: through the web form, a local server
speaking Graph's contract for WhatsApp, and a real SMTP server for e-mail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kanal.channels.models import ChannelSettings
from kanal.channels.tests.fakes.server import graph_error
from kanal.complaints.models import Complaint, StaffNotification
from kanal.outbox import actions, tasks
from kanal.outbox.models import DeliveryAttempt, OutboxMessage

pytestmark = pytest.mark.django_db

WEB_REPORT = {
    "kind": "pengaduan",
    "title": "Lampu jalan mati",
    "description": "Sudah seminggu gelap.",
    "category": "penerangan-jalan",
    "kelurahan": "18.71.01.1003",
    "address": "depan masjid",
    "contact_preference": "whatsapp",
    "name": "Rina",
    "phone": "0812-3456-7890",
    "email": "rina@example.com",
    "consent": "on",
    "website": "",
}
TEMPLATE = {"name": "kabar_laporan", "language": "id"}


def without_sms() -> None:
    """No SMS gateway configured (its console settings removed), as in most deployments."""
    ChannelSettings.objects.filter(provider="sms").delete()


@pytest.fixture
def whatsapp(channel_settings):
    """WhatsApp with an approved template; no SMS gateway (so e-mail follows WhatsApp)."""
    channel_settings.KANAL_WHATSAPP_NOTICE_TEMPLATE = TEMPLATE
    without_sms()
    return channel_settings


def text_of(mail) -> str:
    return mail.get_payload(decode=True).decode(mail.get_content_charset() or "utf-8")


@pytest.fixture
def operator(reference_data, staff_factory):
    return staff_factory("op", [("operator", "diskominfo")])


def file_web_report(client, **changes) -> Complaint:
    response = client.post(reverse("complaints:report"), WEB_REPORT | changes)
    assert response.status_code == 302, response.content.decode()[:500]
    return Complaint.objects.get()


def send_all() -> list[str]:
    """What the worker does with the outbox's queued tasks."""
    return [
        tasks.deliver(pk)
        for pk in OutboxMessage.objects.filter(status="pending").values_list("pk", flat=True)
    ]


def case_page(client, login_verified, operator, case) -> str:
    login_verified(operator)
    url = reverse("complaints:console_case", args=[case.tracking_number])
    return client.get(url).content.decode()


def test_a_web_reporter_who_chose_whatsapp_receives_the_receipt_as_a_template(
    client, whatsapp, fake, smtp_backend, operator, login_verified
):
    case = file_web_report(client)
    receipt = case.outbox.get(kind="receipt")
    assert receipt.status == "pending" and receipt.plan[0] == "whatsapp"

    assert send_all() == ["sent:whatsapp_template"]

    (request,) = fake.sent("/messages")
    assert request.path == "/graph/106540352242922/messages"
    assert request.headers["Authorization"] == "Bearer wa-test-token"
    body = request.json()
    assert body["messaging_product"] == "whatsapp" and body["to"] == "+6281234567890"
    assert body["type"] == "template"
    assert body["template"]["name"] == "kabar_laporan"
    assert body["template"]["language"] == {"code": "id"}
    (component,) = body["template"]["components"]
    assert component["type"] == "body"
    assert component["parameters"][0] == {"type": "text", "text": case.tracking_number}
    assert body["biz_opaque_callback_data"].startswith("kanal-out-")
    assert smtp_backend.messages == []  # reached on WhatsApp: no e-mail as well

    routes = list(receipt.attempts.values_list("route", "state", "reason"))
    assert routes == [
        ("whatsapp", "skipped", "no_conversation"),
        ("whatsapp_template", "sent", ""),
    ]
    page = case_page(client, login_verified, operator, case)
    assert "Pesan ke pelapor" in page
    # Graph accepted it; only its delivery report lets the panel say it reached the person.
    assert (
        "Dikirim lewat Pesan templat WhatsApp; belum ada laporan bahwa pesan sudah sampai." in page
    )
    assert "Sampai ke penerima" not in page
    assert "belum pernah menulis kepada kami di saluran ini" in page  # why not a free text
    assert "Sebuah pesan dikirim melalui Pesan templat WhatsApp." in page  # the history
    receipt.attempts.filter(route="whatsapp_template").update(provider_status="delivered")
    page = case_page(client, login_verified, operator, case)
    assert "Sampai ke penerima melalui Pesan templat WhatsApp." in page


def test_with_whatsapp_refusing_the_receipt_arrives_by_email_at_a_real_smtp_server(
    client, whatsapp, fake, smtp_backend, operator, login_verified
):
    # 131026: "Message undeliverable" (e.g. the number is not on WhatsApp): a refusal.
    fake.fail_next.append((400, graph_error(131026, "Message undeliverable")))
    case = file_web_report(client)

    assert send_all() == ["sent:email"]

    (mail,) = smtp_backend.messages
    assert mail["To"] == "rina@example.com"
    assert case.tracking_number in mail["Subject"]
    assert case.tracking_number in text_of(mail)
    attempt = DeliveryAttempt.objects.get(route="email")
    assert mail["Message-ID"] == attempt.provider_message_id  # a reply finds its case
    failed = DeliveryAttempt.objects.get(route="whatsapp_template")
    assert failed.state == "failed" and failed.reason == "refused"
    assert "131026" in failed.detail

    page = case_page(client, login_verified, operator, case)
    assert "Dikirim lewat Email; belum ada laporan bahwa pesan sudah sampai." in page
    assert "Penyedia layanan menolak pesan ini." in page
    assert "131026" in page  # the provider's own words, for whoever asks Meta


def test_a_whatsapp_outage_is_retried_with_backoff_then_e_mail_takes_over(
    client, whatsapp, fake, smtp_backend, settings, time_machine
):
    time_machine.move_to("2026-12-07 09:00 +07:00", tick=False)
    for _ in range(settings.KANAL_OUTBOX_ROUTE_TRIES):
        fake.fail_next.append((503, graph_error(2, "Service temporarily unavailable")))
    case = file_web_report(client)
    receipt = case.outbox.get()

    assert tasks.deliver(receipt.pk) == "retrying"
    assert tasks.deliver(receipt.pk) == "waiting"  # the backoff holds
    assert len(fake.sent("/messages")) == 1
    time_machine.shift(settings.KANAL_OUTBOX_RETRY_SECONDS + 1)
    assert tasks.deliver(receipt.pk) == "retrying"  # second try, waits twice as long
    time_machine.shift(settings.KANAL_OUTBOX_RETRY_SECONDS + 1)
    assert tasks.deliver(receipt.pk) == "waiting"
    time_machine.shift(settings.KANAL_OUTBOX_RETRY_SECONDS + 1)
    assert tasks.deliver(receipt.pk) == "sent:email"  # third failure: the next route

    assert len(fake.sent("/messages")) == settings.KANAL_OUTBOX_ROUTE_TRIES
    template = receipt.attempts.get(route="whatsapp_template")
    assert template.state == "failed" and template.reason == "gave_up"
    assert template.tries == settings.KANAL_OUTBOX_ROUTE_TRIES
    (mail,) = smtp_backend.messages
    assert case.tracking_number in mail["Subject"]


def test_when_nothing_reaches_the_reporter_the_operators_are_told_once(
    client, channel_settings, operator, login_verified
):
    # No template approved, no SMS gateway, no e-mail address: no route is left.
    without_sms()
    case = file_web_report(client, email="")
    assert send_all() == ["unreachable"]
    receipt = case.outbox.get()
    assert receipt.status == "unreachable"
    assert list(receipt.attempts.values_list("reason", flat=True)) == [
        "no_conversation",
        "no_template",
        "not_configured",
        "no_email",
    ]
    notification = StaffNotification.objects.get(user=operator, complaint=case)
    assert notification.kind == "reporter_unreachable"
    assert tasks.deliver(receipt.pk) == "done"
    tasks._tell_staff_unreachable(receipt.pk)  # a second run of the task's last step
    assert StaffNotification.objects.filter(complaint=case).count() == 1

    page = case_page(client, login_verified, operator, case)
    assert "Tidak sampai ke penerima" in page
    assert "Belum ada templat WhatsApp yang disetujui" in page


def test_staff_who_may_not_see_the_reporter_see_masked_addresses(
    client, whatsapp, fake, smtp_backend, staff_factory, login_verified
):
    from kanal.complaints import actions as complaints

    case = file_web_report(client)
    send_all()
    officer = staff_factory("dinas", [("unit_officer", "dpu")])
    operator = staff_factory("op", [("operator", "diskominfo")])
    complaints.verify_complaint(actor=operator, case=case)
    complaints.dispose_complaint(actor=operator, case=case, unit=officer.memberships.get().unit)
    login_verified(officer)
    page = client.get(reverse("complaints:console_case", args=[case.tracking_number]))
    body = page.content.decode()
    assert "Pesan ke pelapor" in body
    assert "+6281234567890" not in body and "…890" in body


# --- nothing lost, nothing sent twice ---------------------------------------------------------


def test_killed_after_the_send_before_the_record_is_not_sent_again(
    client, whatsapp, fake, post_event, settings, time_machine
):
    """The worker dies after Graph accepted the template but before the result was
    committed. The next run waits for reconciliation; WhatsApp's "sent" status echoes our
    reference, which marks the attempt sent: Graph is asked once."""
    time_machine.move_to("2026-12-07 09:00 +07:00", tick=False)
    case = file_web_report(client)
    receipt = case.outbox.get()
    step = actions.next_step(receipt.pk)
    assert step.kind == "send" and step.route == "whatsapp_template"
    wamid = tasks.send_on_route(receipt, step)  # ... and the worker is killed here
    assert len(fake.sent("/messages")) == 1

    assert tasks.deliver(receipt.pk) == "waiting"  # recovery re-runs the task at once
    assert len(fake.sent("/messages")) == 1
    status = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"phone_number_id": "106540352242922"},
                            "statuses": [
                                {
                                    "id": wamid,
                                    "status": "sent",
                                    "timestamp": "1750030073",
                                    "recipient_id": "6281234567890",
                                    "biz_opaque_callback_data": f"kanal-out-{step.attempt_id}",
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }
    import json

    from kanal.channels.tests.conftest import process_pending

    post_event("whatsapp", json.dumps(status).encode())
    process_pending()
    attempt = DeliveryAttempt.objects.get(pk=step.attempt_id)
    assert attempt.state == "sent" and attempt.provider_message_id == wamid
    receipt.refresh_from_db()
    assert receipt.status == "sent"
    time_machine.shift(settings.KANAL_OUTBOX_RECONCILE_SECONDS + 1)
    assert tasks.deliver(receipt.pk) == "done"
    assert len(fake.sent("/messages")) == 1


def test_killed_after_marking_sending_before_the_send_is_sent_after_reconciliation(
    client, whatsapp, fake, settings, time_machine
):
    """The worker dies between committing "sending" and calling Graph: no callback ever
    comes, so after the reconciliation wait the same attempt is sent (once)."""
    time_machine.move_to("2026-12-07 09:00 +07:00", tick=False)
    case = file_web_report(client)
    receipt = case.outbox.get()
    step = actions.next_step(receipt.pk)  # ... and the worker is killed here
    assert tasks.deliver(receipt.pk) == "waiting"
    assert fake.sent("/messages") == []
    time_machine.shift(settings.KANAL_OUTBOX_RECONCILE_SECONDS + 1)
    assert tasks.deliver(receipt.pk) == "sent:whatsapp_template"
    assert tasks.deliver(receipt.pk) == "done"
    (request,) = fake.sent("/messages")
    assert request.json()["biz_opaque_callback_data"] == f"kanal-out-{step.attempt_id}"
    attempt = DeliveryAttempt.objects.get(pk=step.attempt_id)
    assert attempt.state == "sent" and attempt.tries == 2
    assert receipt.attempts.filter(route="whatsapp_template").count() == 1


def test_a_message_recorded_in_a_rolled_back_action_is_never_sent(
    client, whatsapp, fake, reference_data
):
    from django.db import transaction

    from kanal.complaints.actions import ReporterDetails, submit_complaint

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        submit_complaint(
            channel="web",
            title="Banjir",
            description="Banjir di Rajabasa",
            reporter=ReporterDetails(name="Ani", phone="0812", contact_preference="whatsapp"),
        )
        raise Abort
    assert not OutboxMessage.objects.exists()
    from django_tasks_db.models import DBTaskResult

    assert not DBTaskResult.objects.filter(task_path="kanal.outbox.tasks.send_message").exists()

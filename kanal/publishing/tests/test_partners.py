"""Press releases reach media partners by e-mail (a local SMTP server), once each."""

import email

import pytest

from kanal.audit.models import AuditEvent
from kanal.publishing import actions, rules
from kanal.publishing.actions import partners
from kanal.publishing.models import PressDelivery

from .conftest import approved

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(smtp_backend):
    """The shared real SMTP server (kanal.core.tests.mailservers)."""
    return smtp_backend


@pytest.fixture
def release(editor, reviewer):
    item = approved(editor, reviewer, kind="press_release", title="Siaran pers banjir")
    actions.transition_item(reviewer, item, "publish")
    return item


@pytest.fixture
def two_partners(editor):
    tv = partners.save_media_partner(
        editor, name="Lampung TV", kind="tv", email="redaksi@tv.example"
    )
    radio = partners.save_media_partner(
        editor, name="Radio Kota", kind="radio", email="berita@radio.example"
    )
    return tv, radio


def deliver_all():
    for d in PressDelivery.objects.all():
        partners.deliver_press_release(d.pk)


def test_a_press_release_reaches_each_chosen_partner_with_its_attachment(
    release, two_partners, smtp, editor
):
    from django_tasks_db.models import DBTaskResult

    partners.send_press_release(editor, release, two_partners)
    queued = DBTaskResult.objects.filter(task_path__endswith=".deliver_press_release")
    assert queued.count() == 2  # one task per partner, queued with the transaction
    deliver_all()
    assert sorted(m.rcpt_tos[0] for m in smtp.envelopes) == [
        "berita@radio.example",
        "redaksi@tv.example",
    ]
    message = email.message_from_bytes(smtp.envelopes[0].content)
    assert "Siaran pers banjir" in message["Subject"]
    attachments = [p for p in message.walk() if p.get_filename()]
    assert [p.get_content_type() for p in attachments] == ["image/jpeg"]
    assert set(PressDelivery.objects.values_list("state", flat=True)) == {"sent"}
    assert AuditEvent.objects.filter(action="press_release.sent").count() == 3


def test_a_partner_never_receives_the_same_release_twice(release, two_partners, smtp, editor):
    tv, radio = two_partners
    partners.send_press_release(editor, release, [tv])
    deliver_all()
    deliver_all()  # the task runs twice
    new = partners.send_press_release(editor, release, [tv, radio])  # tv chosen again
    assert [d.partner for d in new] == [radio]
    deliver_all()
    assert sorted(m.rcpt_tos[0] for m in smtp.envelopes) == [
        "berita@radio.example",
        "redaksi@tv.example",
    ]


def test_an_interrupted_send_is_not_repeated_blindly(release, two_partners, smtp, editor):
    tv, _radio = two_partners
    (delivery,) = partners.send_press_release(editor, release, [tv])
    PressDelivery.objects.filter(pk=delivery.pk).update(state="sending")  # worker killed mid-send
    assert partners.deliver_press_release(delivery.pk) == "failed"
    assert smtp.envelopes == []
    delivery.refresh_from_db()
    assert "terputus" in delivery.error
    partners.resend_press_release(editor, delivery)
    assert partners.deliver_press_release(delivery.pk) == "sent"
    assert len(smtp.envelopes) == 1


def test_an_smtp_failure_is_recorded(release, two_partners, settings, editor):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    (delivery,) = partners.send_press_release(editor, release, [two_partners[0]])
    assert partners.deliver_press_release(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert "Error" in delivery.error


def test_only_a_published_press_release_can_be_sent(editor, reviewer, two_partners):
    item = approved(editor, reviewer, kind="press_release")
    with pytest.raises(rules.TransitionRefused):
        partners.send_press_release(editor, item, two_partners)
    news = approved(editor, reviewer, kind="activity", title="Bukan siaran pers")
    actions.transition_item(reviewer, news, "publish")
    with pytest.raises(rules.TransitionRefused):
        partners.send_press_release(editor, news, two_partners)

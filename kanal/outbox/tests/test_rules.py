"""The outbox's pure rules, table-tested."""

from datetime import timedelta

import pytest

from kanal.outbox import rules


@pytest.mark.parametrize(
    ("first", "fallback", "plan"),
    [
        ("whatsapp", True, ["whatsapp", "whatsapp_template", "sms", "email"]),
        ("email", True, ["email", "whatsapp_template", "sms"]),
        ("sms", True, ["sms", "whatsapp_template", "email"]),
        ("whatsapp_template", True, ["whatsapp_template", "sms", "email"]),
        ("telegram", True, ["telegram", "whatsapp_template", "sms", "email"]),
        ("instagram", False, ["instagram"]),
    ],
)
def test_the_fallback_chain_follows_the_chosen_channel(first, fallback, plan):
    assert rules.plan_for(first, fallback=fallback) == plan


@pytest.mark.parametrize(
    ("current", "reported", "kept"),
    [
        ("", "sent", "sent"),
        ("sent", "delivered", "delivered"),
        ("read", "delivered", "read"),
        ("read", "sent", "read"),
        ("sent", "failed", "failed"),
        ("delivered", "failed", "delivered"),
        ("failed", "read", "read"),
        ("delivered", "played", "read"),
        ("sent", "deleted", "sent"),
    ],
)
def test_a_provider_status_is_never_lowered(current, reported, kept):
    assert rules.merge_status(current, reported) == kept


@pytest.mark.parametrize(
    ("current", "reached", "status"),
    [
        ("pending", "sent", "sent"),
        ("unreachable", "delivered", "delivered"),
        ("sent", "delivered", "delivered"),
        ("delivered", "read", "read"),
        ("read", "delivered", "read"),
    ],
)
def test_a_message_takes_the_highest_status_any_attempt_reached(current, reached, status):
    assert rules.raise_message_status(current, reached) == status


@pytest.mark.parametrize(
    ("tries", "delay"),
    [
        (1, timedelta(seconds=30)),
        (2, timedelta(seconds=60)),
        (3, None),
    ],
)
def test_retries_back_off_then_hand_over_to_the_next_route(tries, delay):
    assert rules.retry_delay(tries, base_seconds=30, max_tries=3) == delay


def test_backoff_never_waits_more_than_an_hour():
    assert rules.retry_delay(20, base_seconds=30, max_tries=50) == timedelta(hours=1)


@pytest.mark.parametrize(
    ("reference", "attempt_id"),
    [("kanal-out-42", 42), ("kanal-out-", None), ("other-42", None), ("", None)],
)
def test_the_echoed_reference_names_an_attempt(reference, attempt_id):
    assert rules.attempt_id_from(reference) == attempt_id
    if attempt_id:
        assert rules.reference_for(attempt_id) == reference


REASONS = [
    "no_conversation",
    "window_closed",
    "not_configured",
    "no_template",
    "no_phone",
    "no_email",
    "refused",
    "gave_up",
    "failed_later",
    "no_route",
]


def test_every_reason_reads_as_its_own_sentence():
    sentences = [rules.describe_attempt("sms", "skipped", r, tries=3) for r in REASONS]
    assert len(set(sentences)) == len(REASONS)
    assert all(s.endswith(".") for s in sentences)
    assert "3" in rules.describe_attempt("sms", "failed", "gave_up", tries=3)


@pytest.mark.parametrize(
    ("provider_status", "words"),
    [("", "no delivery report yet"), ("delivered", "Delivered"), ("read", "read")],
)
def test_a_sent_attempt_says_how_far_it_got(provider_status, words):
    from django.utils import translation

    with translation.override("en"):
        assert words in rules.describe_attempt("email", "sent", "", provider_status)

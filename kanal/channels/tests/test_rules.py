"""Table tests of the channels' pure rules."""

from datetime import UTC, datetime, timedelta

import pytest

from kanal.channels import rules

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "kind", "number"),
    [
        ("cek status BL-7K2M-Q9XA", "status", "BL-7K2M-Q9XA"),
        ("bl 7k2m q9xa", "status", "BL-7K2M-Q9XA"),
        ("Status laporan BL7K2MQ9XA?", "status", "BL-7K2M-Q9XA"),
        ("Halo admin", "greeting", ""),
        ("/start", "greeting", ""),
        ("Assalamualaikum", "greeting", ""),
        ("", "greeting", ""),
        ("Terima kasih", "thanks", ""),
        ("ok makasih min 🙏", "thanks", ""),
        ("Hello from TikTok", "report", ""),
        ("Jalan rusak di Jl. Teuku Umar, sudah dua minggu", "report", ""),
        (
            "Saya mau lapor BL-7K2M-Q9XA tidak ditanggapi dan jalannya makin rusak parah sekali",
            "report",
            "",
        ),
    ],
)
def test_classify_text(text, kind, number):
    intent = rules.classify_text(text, "BL")
    assert (intent.kind, intent.tracking_number) == (kind, number)


@pytest.mark.parametrize(
    ("channel", "last", "template", "phone", "email", "mode", "fallback"),
    [
        ("whatsapp", NOW - timedelta(hours=23), False, "+62", "", "text", ""),
        ("whatsapp", NOW - timedelta(hours=25), True, "+62", "", "template", "template"),
        ("whatsapp", NOW - timedelta(hours=25), False, "+62", "", "closed", "sms"),
        ("whatsapp", None, False, "", "a@b.id", "closed", "email"),
        ("facebook", NOW - timedelta(hours=23), False, "", "", "text", ""),
        ("facebook", NOW - timedelta(days=3), False, "", "", "human_agent", ""),
        ("instagram", NOW - timedelta(days=8), False, "", "", "closed", ""),
        ("tiktok", NOW - timedelta(hours=47), False, "", "", "text", ""),
        ("tiktok", NOW - timedelta(hours=49), False, "", "", "closed", ""),
        ("telegram", NOW - timedelta(days=300), False, "", "", "text", ""),
        ("sms", None, False, "", "", "text", ""),
    ],
)
def test_reply_window(channel, last, template, phone, email, mode, fallback):
    window = rules.reply_window(channel, last, NOW, has_template=template, phone=phone, email=email)
    assert (window.mode, window.fallback) == (mode, fallback)


def test_meta_signature_is_checked_on_the_exact_bytes():
    body = b'{"text":"caf\\u00e9"}'
    header = rules.meta_signature("secret", body)
    assert rules.meta_signature_ok("secret", body, header)
    assert not rules.meta_signature_ok("secret", '{"text":"café"}'.encode(), header)
    assert not rules.meta_signature_ok("", body, header)
    assert not rules.meta_signature_ok("secret", body, None)


def test_tiktok_signature_window():
    body = b'{"event":"im_receive_msg"}'
    header = rules.tiktok_signature("s", body, NOW)
    assert rules.tiktok_signature_ok("s", body, header, NOW + timedelta(minutes=4))
    assert not rules.tiktok_signature_ok("s", body, header, NOW + timedelta(minutes=6))
    assert not rules.tiktok_signature_ok("s", body + b" ", header, NOW)
    assert not rules.tiktok_signature_ok("s", body, "t=abc,s=def", NOW)


def test_silence():
    assert rules.is_silent(None, NOW, timedelta(hours=1))
    assert rules.is_silent(NOW - timedelta(hours=2), NOW, timedelta(hours=1))
    assert not rules.is_silent(NOW - timedelta(minutes=30), NOW, timedelta(hours=1))


@pytest.mark.parametrize(
    ("text", "kind", "rating"),
    [
        ("5", "rate", 5),
        (" 1 ", "rate", 1),
        ("4 bintang", "rate", 4),
        ("3/5", "rate", 3),
        ("3 dari 5", "rate", 3),
        ("6", None, 0),
        ("5 lampu mati di jalan Teuku Umar", None, 0),
        ("buka lagi", "reopen", 0),
        ("Buka  kembali, masih rusak", "reopen", 0),
        ("tolong buka lagi", None, 0),
        ("", None, 0),
    ],
)
def test_a_reply_is_a_rating_a_reopening_or_neither(text, kind, rating):
    answer = rules.case_answer(text)
    assert (answer.kind if answer else None) == kind
    if answer and kind == "rate":
        assert answer.rating == rating

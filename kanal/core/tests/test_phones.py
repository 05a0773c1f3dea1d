"""The one phone-number normaliser (kanal.core.phones) and its form field."""

import pytest
from django.utils import translation

from kanal.core import phones
from kanal.core.forms import PhoneField

E164 = "+6281234567890"


@pytest.mark.parametrize(
    "typed, e164",
    [
        ("081234567890", E164),  # the national form
        ("6281234567890", E164),  # the country code without '+' (a wa_id)
        ("+6281234567890", E164),
        ("+62 812 3456 7890", E164),
        ("+62 812-3456-7890", E164),
        ("0812-3456-7890", E164),
        ("0812 3456 7890", E164),
        ("0812.3456.7890", E164),
        ("(0812) 3456 7890", E164),
        ("0062 812 3456 7890", E164),  # '00' + country code, from habit
        ("0062-812-3456-7890", E164),
        ("62 0812 3456 7890", E164),  # the country code and the national 0 both
        ("+620812345678", "+62812345678"),
        ("  085700001111  ", "+6285700001111"),
        ("0811-7200-000", "+628117200000"),  # ten-digit Telkomsel number
        ("0721-123456", "+62721123456"),  # Bandar Lampung landline
        ("(0721) 48 1234", "+62721481234"),
        ("+62 (0721) 123-456", "+62721123456"),
        ("021-5551234", "+62215551234"),  # Jakarta landline
        ("0800-1-234567", "+628001234567"),  # toll-free
        ("+1 650 555 1234", "+16505551234"),  # a foreign number keeps its country
    ],
)
def test_numbers_written_any_way_become_e164(typed, e164):
    assert phones.to_e164(typed) == e164
    assert phones.e164_or_blank(typed) == e164


@pytest.mark.parametrize(
    "typed, reason",
    [
        ("", phones.EMPTY),
        ("   ", phones.EMPTY),
        ("hello", phones.NOT_A_NUMBER),
        ("0812 3456 789O", phones.NOT_A_NUMBER),  # a letter O for a zero
        ("0812abc", phones.NOT_A_NUMBER),
        ("081234567890 / 085700001111", phones.TOO_LONG),  # two numbers: "enter one"
        ("112", phones.TOO_SHORT),  # emergency short code
        ("14045", phones.TOO_SHORT),  # ditto (call centre short code)
        ("0812", phones.TOO_SHORT),
        ("62812", phones.TOO_SHORT),
        ("08123456789012345", phones.TOO_LONG),
        ("0844-4444-4444", phones.NOT_IN_USE),  # no operator holds 0844
        ("+999 1234 5678", phones.NOT_IN_USE),  # no such country code
    ],
)
def test_what_is_not_a_number_is_refused_with_the_reason(typed, reason):
    with pytest.raises(phones.InvalidPhone) as refused:
        phones.to_e164(typed)
    assert refused.value.reason == reason
    assert phones.e164_or_blank(typed) == ""


@pytest.mark.parametrize(
    "given, normal",
    [
        ("6281234567890", E164),  # wa_id
        ("+6281234567890", E164),  # SMS gateway
        ("081234567890", E164),  # a gateway passing the national form through
        ("6289912345678901", ""),  # 16 digits: not E.164
        ("62999123", "+62999123"),  # unknown range, still the provider's verified number
        ("", ""),
        ("abc", ""),
    ],
)
def test_provider_numbers_are_international_without_a_plus(given, normal):
    assert phones.from_provider(given) == normal


@pytest.mark.parametrize(
    "stored, shown",
    [
        (E164, "0812-3456-7890"),
        ("6281234567890", "0812-3456-7890"),
        ("+62721123456", "(0721) 123456"),
        ("+16505551234", "+1 650-555-1234"),
        ("ask the front desk", "ask the front desk"),  # old free text, shown as it is
        ("", ""),
    ],
)
def test_display_is_the_form_staff_dial(stored, shown):
    assert phones.display(stored) == shown


def test_whatsapp_id_is_e164_digits_without_plus():
    assert phones.whatsapp_id("0812-3456-7890") == "6281234567890"
    assert phones.whatsapp_id(E164) == "6281234567890"
    assert phones.whatsapp_id("hello") == ""


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("0812-3456-7890", "6281234567890", True),
        ("+62 812 3456 7890", "0062 812 3456 7890", True),
        ("0812-3456-7890", "0812-3456-7891", False),
        ("", "", False),  # two blanks are not the same person
        ("hello", "hello", False),
    ],
)
def test_same_number_however_written(a, b, same):
    assert phones.same_number(a, b) is same


def test_storable_keeps_what_is_not_a_number():
    assert phones.storable(" 0812-3456-7890 ") == E164
    assert phones.storable(" via the RT head ") == "via the RT head"


@pytest.mark.parametrize(
    "typed, message",
    [
        ("0812", "terlalu pendek"),
        ("08123456789012345", "terlalu panjang"),
        ("0812abc", "hanya berisi angka"),
        ("0844-4444-4444", "tidak digunakan di Indonesia"),
    ],
)
def test_the_form_field_says_in_indonesian_what_to_do(typed, message):
    field = PhoneField(required=False)
    with translation.override("id"):
        with pytest.raises(Exception) as refused:
            field.clean(typed)
        assert message in " ".join(refused.value.messages)


def test_the_form_field_cleans_to_e164_and_shows_the_national_form():
    field = PhoneField(required=False)
    assert field.clean("0812 3456 7890") == E164
    assert field.clean("") == ""
    assert field.prepare_value(E164) == "0812-3456-7890"


def test_templates_show_stored_numbers_as_staff_dial_them():
    from django.template import engines

    page = engines["django"].from_string(
        "{% load phones %}{{ one|phone }} | {{ many|phones }} | {{ odd|phone }}"
    )
    rendered = page.render({"one": E164, "many": [E164, "+62721123456", ""], "odd": "RT 03"})
    assert rendered == "0812-3456-7890 | 0812-3456-7890, (0721) 123456 | RT 03"

"""The one phone-number normaliser: every app stores, compares and shows numbers through it.

Numbers are stored and compared in E.164 (``+6281234567890``), whatever the person typed
(``0812-3456-7890``, ``62812…``, ``+62 812…``, ``0062 812…``). Parsing and validation are
Google's libphonenumber metadata (the ``phonenumbers`` package), with Indonesia as the
region for numbers written without a country code. Providers and staff get their own
forms from the stored one: :func:`whatsapp_id` (``6281…``, the Cloud API's ``wa_id``),
:func:`display` (``0812-3456-7890``, ``(0721) 123456`` for a Bandar Lampung landline).

Pure functions of strings: no database, no settings, no Django. Form fields that report
*why* a number was refused are in ``kanal.core.forms``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import phonenumbers

# Numbers written without a country code are Indonesian (ISO 3166-1 alpha-2).
DEFAULT_REGION = "ID"

# Why a number was refused (InvalidPhone.reason); kanal.core.forms words each one.
EMPTY = "empty"
NOT_A_NUMBER = "not_a_number"
TOO_SHORT = "too_short"
TOO_LONG = "too_long"
NOT_IN_USE = "not_in_use"
REASONS = (EMPTY, NOT_A_NUMBER, TOO_SHORT, TOO_LONG, NOT_IN_USE)
# Fewer digits after the country code than any subscriber number has (Indonesian
# landlines are area code + 5 to 8 digits, so at least 7).
MIN_SUBSCRIBER_DIGITS = 7

# "00" is the international prefix people write from habit (Indonesia's own are 001, 007,
# 008, ...), so libphonenumber reads "0062 812…" as a national number; we read it as +62.
_DOUBLE_ZERO = re.compile(r"^\s*00(?=[1-9])")
# What may stand in a written number besides digits: spaces, dashes, dots, brackets, '+'.
_PUNCTUATION = re.compile(r"[\s\-./()+]")


def _lib():
    """The ``phonenumbers`` package, imported by the first process that reads a number:
    its metadata is ~4 MB that the scheduler, and a task worker that never meets a
    number, need not hold (issue 24). gunicorn's master imports it before forking
    (kanal.core.gunicorn_hooks), so web workers share one copy."""
    import phonenumbers

    return phonenumbers


class InvalidPhone(ValueError):
    """``text`` is not a phone number that can be dialled; ``reason`` is one of REASONS."""

    def __init__(self, reason: str, text: str = ""):
        super().__init__(f"{reason}: {text!r}")
        self.reason = reason
        self.text = text


def parse(text: str, region: str = DEFAULT_REGION) -> phonenumbers.PhoneNumber:
    """The number written in ``text``, known to be in use; raises InvalidPhone otherwise.

    Accepts the national form (``0812…``, ``0721-…``), the country code with or without
    ``+`` (``62812…``, ``+62 812…``), ``00`` + country code, and spaces, dashes, dots and
    brackets anywhere. Refuses letters, short codes (``112``, ``14045``), numbers of an
    impossible length and numbers in no allocated range (``0844…``).
    """
    text = (text or "").strip()
    if not text:
        raise InvalidPhone(EMPTY, text)
    if not _PUNCTUATION.sub("", text).isdigit():
        raise InvalidPhone(NOT_A_NUMBER, text)
    text = _DOUBLE_ZERO.sub("+", text)
    phonenumbers = _lib()
    NumberParseException = phonenumbers.NumberParseException
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as error:
        reason = {
            NumberParseException.TOO_SHORT_NSN: TOO_SHORT,
            NumberParseException.TOO_SHORT_AFTER_IDD: TOO_SHORT,
            NumberParseException.TOO_LONG: TOO_LONG,
            NumberParseException.INVALID_COUNTRY_CODE: NOT_IN_USE,
        }.get(error.error_type, NOT_A_NUMBER)
        raise InvalidPhone(reason, text) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(_why_not_valid(number), text)
    return number


def _why_not_valid(number: phonenumbers.PhoneNumber) -> str:
    """The reason a parsed number is not in use: its length when that is clearly off."""
    phonenumbers = _lib()
    ValidationResult = phonenumbers.ValidationResult
    possible = phonenumbers.is_possible_number_with_reason(number)
    national = str(number.national_number)
    if possible == ValidationResult.TOO_LONG:
        return TOO_LONG
    if possible in (ValidationResult.TOO_SHORT, ValidationResult.INVALID_LENGTH):
        return TOO_SHORT
    if len(national) < MIN_SUBSCRIBER_DIGITS:
        return TOO_SHORT  # short codes (112, 14045) are not anyone's number
    if number.country_code == 62 and national.startswith("8"):
        # Indonesian mobile numbers: 08 + 8 to 11 digits (0811-7200-000 .. 0812-3456-78901).
        if len(national) < 9:
            return TOO_SHORT
        if len(national) > 12:
            return TOO_LONG
    return NOT_IN_USE


def to_e164(text: str, region: str = DEFAULT_REGION) -> str:
    """``text`` in E.164 (``+6281234567890``), the form every app stores and compares.

    Raises InvalidPhone (see :func:`parse`). An extension (``ext. 2``) is dropped: it
    does not tell people apart and no provider can dial it.
    """
    phonenumbers = _lib()
    return phonenumbers.format_number(parse(text, region), phonenumbers.PhoneNumberFormat.E164)


def e164_or_blank(text: str, region: str = DEFAULT_REGION) -> str:
    """:func:`to_e164`, or "" when ``text`` is not a number: for lookups and matching."""
    try:
        return to_e164(text, region)
    except InvalidPhone:
        return ""


def from_provider(text: str) -> str:
    """A number a provider gave in international form, ``+6281…`` or ``6281…`` (``wa_id``).

    Providers send the country code without a national prefix, so digits are read as
    international even without ``+`` (a national ``08…`` form is read as such). A number
    the metadata does not know yet (a range opened after this package's release) is
    still the provider's verified number: it is kept as ``+`` and its digits when those
    are 8 to 15 long. "" for anything else.
    """
    digits = re.sub(r"\D", "", text or "")
    if not digits:
        return ""
    if digits.startswith("0"):  # some SMS gateways pass the national form (08…) through
        return e164_or_blank(text)
    normal = e164_or_blank("+" + digits)
    if normal:
        return normal
    return "+" + digits if 8 <= len(digits) <= 15 and not digits.startswith("0") else ""


def whatsapp_id(text: str) -> str:
    """The WhatsApp Cloud API's ``wa_id`` for a number: E.164 digits without ``+`` (``6281…``).

    Inbound messages name their sender this way (Kanal keeps it as the contact's id).
    Outbound ``to`` takes :func:`to_e164` instead: Meta prepends the business number's
    country code to a number sent without ``+``. "" when ``text`` is not a number.
    """
    return (e164_or_blank(text) or from_provider(text)).removeprefix("+")


def display(text: str, region: str = DEFAULT_REGION) -> str:
    """A stored number as staff read and dial it: ``0812-3456-7890``, ``(0721) 123456``.

    Numbers of another country keep their international form (``+1 650-555-1234``).
    Text that is not a number (an old record nobody could parse) is shown as it is.
    """
    try:
        number = parse(text, region)
    except InvalidPhone:
        return text or ""
    phonenumbers = _lib()
    if phonenumbers.region_code_for_number(number) == region:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def written_forms(text: str) -> list[str]:
    """The ways people and providers write the number in ``text``, [] when it is none.

    E.164, the ``wa_id`` digits, the national digits and the display form
    (``+6281…``, ``6281…``, ``0812…``, ``0812-3456-7890``): for masking a known number
    in free text, and for matching ids providers keep in their own form.
    """
    normal = e164_or_blank(text)
    if not normal:
        return []
    shown = display(normal)
    forms = [normal, normal.removeprefix("+"), re.sub(r"\D", "", shown), shown]
    return list(dict.fromkeys(f for f in forms if f))


def same_number(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` are the same dialable number, however each is written."""
    normal = e164_or_blank(a)
    return bool(normal) and normal == e164_or_blank(b)


def storable(text: str) -> str:
    """What to store for a number a person typed: E.164 when it is a number, else the text.

    For writers that must keep what they were given (a desk officer's note, an import) and
    for the data migrations: nothing typed is lost, and numbers become comparable.
    """
    return e164_or_blank(text) or (text or "").strip()

"""Personal data in case text: a first public draft with names, phones, NIK and e-mails
masked, and response templates filled in."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kanal.core import phones

_PATTERNS = [
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email]"),
    (re.compile(r"(?<!\d)\d{16}(?!\d)"), "[NIK]"),
    (re.compile(r"(?:\+62|62|0)[\s.-]?8[\d\s.-]{7,14}\d"), "[telepon]"),
    (
        re.compile(
            r"(?i)\b(nama saya|saya bernama|nama|a\.n\.|atas nama)\s*:?\s+"
            r"([A-Z][\w'.]*(?:\s+[A-Z][\w'.]*){0,3})"
        ),
        r"\1 [nama]",
    ),
    (re.compile(r"(?i)\b(NIK|KTP)\s*:?\s*[\d\s]{6,}"), r"\1 [NIK]"),
]


def redact_personal_data(text: str, known: Sequence[str] = ()) -> str:
    """A first public draft of ``text`` with names, phones, NIK and e-mails masked.

    ``known`` are the reporter's own name, phone and e-mail, masked wherever they
    appear (a phone in each of its written forms: +62812…, 0812…, 0812-3456-7890).
    The operator still reads and edits the public summary before a case goes public;
    this only makes the safe choice the default.
    """
    result = text
    # A known phone is stored in E.164 but written in the text as the person writes it.
    known = [*known, *(form for k in known if k for form in phones.written_forms(k))]
    for value in sorted({k for k in known if k and len(k) >= 3}, key=len, reverse=True):
        result = re.sub(re.escape(value), "[disamarkan]", result, flags=re.IGNORECASE)
    for pattern, replacement in _PATTERNS:
        result = pattern.sub(replacement, result)
    return result


def fill_template(body: str, values: dict[str, str]) -> str:
    """Replace {placeholders} in a response template; unknown ones are left as written."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), m.group(0))), body)

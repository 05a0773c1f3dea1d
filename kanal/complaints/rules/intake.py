"""The entry side of a case: the staff entry form's channel, the citizen's contacts and
follow-up keys, distances to nearby reports, and the public form's rate limits."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from kanal.core import phones

from .lifecycle import LOOKALIKE_DIGITS, TRACKING_ALPHABET

# --- staff entry: the channel a case heard in person most likely came through ---------

# Channels a staff member may choose when recording a case by hand.
STAFF_CHANNELS = (
    "lurah",
    "camat",
    "field_visit",
    "walk_in",
    "phone",
    "ppid_desk",
    "email",
    "sms",
    "lapor",
)


def default_staff_channel(
    roles: frozenset[str], area_office_kinds: frozenset[str], *, on_field_visit: bool = False
) -> str:
    """The channel preset on a staff member's entry form, from who they are and where.

    ``area_office_kinds`` are the unit kinds ("kelurahan", "kecamatan") of the area
    offices the person belongs to. A visit in progress wins (the complaint was heard on
    the mayor's field visit); a lurah hears complaints as lurah, a camat as camat; a PPID
    officer at the PPID desk; everyone else most often by phone.
    """
    if on_field_visit:
        return "field_visit"
    if "area_officer" in roles:
        if "kelurahan" in area_office_kinds:
            return "lurah"
        if "kecamatan" in area_office_kinds:
            return "camat"
    if "ppid_officer" in roles:
        return "ppid_desk"
    return "phone"


# --- the citizen's side: contacts, follow-up keys, distances, form limits ----------------


def normalise_contact(text: str) -> str:
    """A phone number or e-mail address, made comparable ("" when it is neither).

    Phones become E.164 (``+6281…``, kanal.core.phones), e-mail addresses lower case.
    """
    text = (text or "").strip()
    if "@" in text:
        return text.lower() if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text) else ""
    return phones.e164_or_blank(text)


def new_followup_key(randbelow=secrets.randbelow) -> str:
    """``XXXX-XXXX-XXXX-XXXX``: 80 random bits in the tracking alphabet, to write down."""
    chars = "".join(TRACKING_ALPHABET[randbelow(32)] for _ in range(16))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


def normalise_followup_key(text: str) -> str:
    """What the reporter typed, made comparable (as for tracking numbers)."""
    cleaned = re.sub(r"[^0-9A-Za-z]", "", text or "").upper()
    cleaned = cleaned.translate(LOOKALIKE_DIGITS)
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


def distance_metres(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance between two points (haversine, Earth radius 6,371 km)."""
    from math import asin, cos, radians, sin, sqrt

    p1, p2 = radians(lat1), radians(lat2)
    dp, dl = p2 - p1, radians(lng2 - lng1)
    a = sin(dp / 2) ** 2 + cos(p1) * cos(p2) * sin(dl / 2) ** 2
    return 2 * 6_371_000 * asin(sqrt(a))


@dataclass(frozen=True)
class ReportLimit:
    """A limit on new reports: at most ``limit`` per window for one ``key`` in ``scope``."""

    scope: str
    key: str
    limit: int


def report_limits(
    *, address: str, device: str, form_age: float | None, limits: dict
) -> tuple[str, list[ReportLimit]]:
    """Which counters one report from the public form counts against, fair to CGNAT.

    A browser that loaded the form (a device cookie and the form's signed time stamp)
    counts against its own device and a high ceiling for its address, so twenty
    strangers behind one carrier address can all report. A client without them counts
    against the address's strict limit. A form sent faster than ``min_seconds`` after it
    was shown is a bot ("too_fast"). Returns (verdict, counters): verdict "" or "too_fast".
    """
    if form_age is not None and form_age < limits["min_seconds"]:
        return "too_fast", []
    if device and form_age is not None:
        return "", [
            ReportLimit("report-device", device, limits["per_device"]),
            ReportLimit("report-address", address, limits["per_address"]),
        ]
    return "", [ReportLimit("report", address, limits["per_address_without_device"])]

"""Pure rules of the field app: slip numbers, idle re-verification, titles, times."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from kanal.complaints.rules import TRACKING_ALPHABET

# The slip number a device writes on the reporter's paper before anything is sent:
# ten characters of the tracking-number alphabet (50 random bits), read aloud in two
# halves. It is also the idempotency key of the submission.
SLIP_PATTERN = re.compile(rf"^[{TRACKING_ALPHABET}]{{5}}-[{TRACKING_ALPHABET}]{{5}}$")

# Channels a field officer chooses from (the rest of the staff channels are desk work).
FIELD_CHANNELS = ("lurah", "camat", "field_visit", "walk_in", "phone")

TITLE_LENGTH = 80


def is_slip_number(text: str) -> bool:
    """True for a well-formed slip number such as ``K7QM2-XPD4R`` (upper case)."""
    return bool(SLIP_PATTERN.match(text or ""))


def needs_reverification(
    *, verified_at: datetime, last_active_at: datetime, now: datetime, idle_minutes: int
) -> bool:
    """An idle device asks for the second factor again before it may send.

    Idle means: no second-factor check and nothing done by the officer for more than
    ``idle_minutes``. A phone left on a table, or lost, cannot send in someone's name.
    """
    last = max(verified_at, last_active_at)
    return now - last > timedelta(minutes=idle_minutes)


def title_from_text(text: str, fallback: str) -> str:
    """A case title from what the reporter said: its first line, cut at a word."""
    first = " ".join((text or "").strip().splitlines()[:1]).strip()
    if not first:
        return fallback
    if len(first) <= TITLE_LENGTH:
        return first
    cut = first[:TITLE_LENGTH].rsplit(" ", 1)[0]
    return (cut or first[:TITLE_LENGTH]).rstrip(" ,.;:") + "…"


def received_time(recorded_at: datetime | None, now: datetime, max_age_days: int) -> datetime:
    """When the city heard the complaint: the phone's time of recording, if believable.

    A record kept offline is received when the officer heard it, not when the phone
    found a signal (the working-day clock runs from then). A time in the future or
    older than ``max_age_days`` (a wrong phone clock) is replaced by ``now``.
    """
    if recorded_at is None or recorded_at > now + timedelta(minutes=5):
        return now
    if now - recorded_at > timedelta(days=max_age_days):
        return now
    return min(recorded_at, now)


def device_label(user_agent: str) -> str:
    """A short name for a device from its browser's User-Agent, for the device list."""
    ua = user_agent or ""
    match = re.search(r"\(([^)]*)\)", ua)
    system = ""
    if match:
        parts = [p.strip() for p in match.group(1).split(";")]
        android = next((p for p in parts if p.startswith("Android")), "")
        model = parts[-1] if android and len(parts) > 2 else ""
        system = " ".join(x for x in (android, model) if x) or (parts[0] if parts else "")
    browser = next(
        (name for name in ("Firefox", "Edg", "Chrome", "Safari") if name + "/" in ua), ""
    )
    browser = {"Edg": "Edge"}.get(browser, browser)
    return " · ".join(x for x in (system, browser) if x)[:200] or "?"

"""Pure Open311 rules: status mapping, date parsing, attribute and location checks.

Source: Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), frozen specification.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from django.utils.dateparse import parse_date, parse_datetime

from kanal.complaints.models import State
from kanal.complaints.rules import FINAL_STATES

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MAX_DESCRIPTION = 4000  # GeoReport v2, POST Service Request: "may not exceed 4,000 characters"
DEFAULT_WINDOW_DAYS = 90  # GeoReport v2, GET Service Requests: default and maximum range
MAX_RESULTS = 1000  # GeoReport v2: "90 days or the first 1000 requests"
# GeoReport v2 has no "completed, awaiting the reporter": a completed case is closed there.
CLOSED_STATES = FINAL_STATES | {State.COMPLETED}


class Open311Error(Exception):
    """Bad input, to be answered with the specification's errors body."""

    def __init__(self, status: int, description: str, code: int | None = None):
        super().__init__(description)
        self.status, self.description, self.code = status, description, code or status


def open311_status(state: str) -> str:
    """GeoReport v2 knows only ``open`` and ``closed``; a completed case counts as closed."""
    return "closed" if state in CLOSED_STATES else "open"


def hash_secret(raw: str) -> str:
    """Keys and tokens are long random strings, so a plain SHA-256 is a safe hash for them."""
    return hashlib.sha256(raw.encode()).hexdigest()


def format_datetime(value: datetime | None, tz: tzinfo) -> str:
    """W3C date-time with the timezone, e.g. 2026-11-28T18:15:35+07:00."""
    if value is None:
        return ""
    return value.astimezone(tz).isoformat(timespec="seconds")


def end_of_day(day: date | None, tz: tzinfo) -> datetime | None:
    """The last second of ``day`` in ``tz``, or None without a day."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=tz) if day else None


def parse_w3c(text: str, tz: tzinfo, *, end: bool = False) -> datetime:
    """A W3C date or date-time; a bare date means the start (or ``end``) of that local day."""
    text = text.strip().replace(" ", "+")  # an unescaped "+" in a query string became a space
    try:
        day = parse_date(text) if len(text) == 10 else None
        if day is not None:
            moment = datetime.combine(day, time.max if end else time.min)
        else:
            parsed = parse_datetime(text)
            if parsed is None:
                raise ValueError
            moment = parsed
    except ValueError:
        raise Open311Error(400, f"not a W3C date-time: {text[:40]}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def date_window(start: datetime | None, end: datetime | None, now: datetime):
    """The list window: at most 90 days, defaulting to the 90 days up to ``now``."""
    try:
        return _window(start, end, now)
    except OverflowError:  # dates at the ends of the calendar
        raise Open311Error(400, "start_date or end_date is out of range") from None


def _window(start, end, now):
    limit = timedelta(days=DEFAULT_WINDOW_DAYS)
    if start and end and end < start:
        raise Open311Error(400, "end_date is before start_date")
    if start and end and end - start > limit:
        raise Open311Error(400, "the date range may not exceed 90 days")
    if start is None and end is None:
        return now - limit, now
    if start is None:
        return end - limit, end
    if end is None:
        return start, start + limit
    return start, end


def split_list(text: str) -> list[str]:
    """A comma-separated parameter as its non-empty, stripped parts."""
    return [part.strip() for part in text.split(",") if part.strip()]


@dataclass(frozen=True)
class Location:
    """Where a POSTed request is: a point, an address, an address id, or some of these."""

    lat: float | None = None
    lng: float | None = None
    address: str = ""
    address_id: str = ""


def parse_location(params: dict[str, str]) -> Location:
    """One full location is required: lat and long together, address_string, or address_id."""
    lat_text, lng_text = params.get("lat", "").strip(), params.get("long", "").strip()
    address = params.get("address_string", "").strip()
    address_id = params.get("address_id", "").strip()
    if bool(lat_text) != bool(lng_text):
        raise Open311Error(400, "lat and long must be given together")
    lat = lng = None
    if lat_text:
        try:
            lat, lng = float(lat_text), float(lng_text)
        except ValueError:
            raise Open311Error(400, "lat and long must be numbers") from None
        if not (math.isfinite(lat) and math.isfinite(lng)) or abs(lat) > 90 or abs(lng) > 180:
            raise Open311Error(400, "lat or long is out of range")
    if lat is None and not address and not address_id:
        raise Open311Error(
            400, "a location is required: lat and long, address_string or address_id"
        )
    return Location(lat=lat, lng=lng, address=address[:300], address_id=address_id)


@dataclass(frozen=True)
class AttributeSpec:
    """What a service's attribute accepts (GET services/{code}), for checking a POST."""

    code: str
    datatype: str
    required: bool
    keys: frozenset[str] = frozenset()
    variable: bool = True


def clean_attributes(
    specs: list[AttributeSpec], given: dict[str, list[str]], tz: tzinfo
) -> dict[str, str | list[str]]:
    """Check ``attribute[code]`` values against the service definition.

    Unknown codes are kept as sent (clients such as FixMyStreet add their own, e.g.
    ``fixmystreet_id``); known ones must match their datatype and list of keys.
    """
    cleaned: dict[str, str | list[str]] = {}
    known = {spec.code: spec for spec in specs if spec.variable}
    for code, values in given.items():
        values = [v.strip() for v in values if v.strip()]
        spec = known.get(code)
        if not values:
            continue
        if spec is None:
            cleaned[code] = values if len(values) > 1 else values[0]
            continue
        if spec.datatype == "multivaluelist":
            if bad := [v for v in values if v not in spec.keys]:
                raise Open311Error(400, f"attribute[{code}]: unknown value {bad[0][:40]}")
            cleaned[code] = values
            continue
        if len(values) > 1:
            raise Open311Error(400, f"attribute[{code}] takes one value")
        value = values[0]
        if spec.datatype == "singlevaluelist" and value not in spec.keys:
            raise Open311Error(400, f"attribute[{code}]: unknown value {value[:40]}")
        if spec.datatype == "number":
            try:
                if not math.isfinite(float(value)):
                    raise ValueError
            except ValueError:
                raise Open311Error(400, f"attribute[{code}] must be a number") from None
        if spec.datatype == "datetime":
            parse_w3c(value, tz)
        cleaned[code] = value[:4000]
    for spec in known.values():
        if spec.required and spec.code not in cleaned:
            raise Open311Error(400, f"attribute[{spec.code}] is required")
    return cleaned


def title_from(description: str, service_name: str) -> str:
    """A case title: the first line of the description, or the service's name."""
    first = description.strip().splitlines()[0].strip() if description.strip() else ""
    if not first:
        return service_name[:200]
    return first if len(first) <= 80 else first[:77].rstrip() + "…"


# --- near a point (lat/long/radius, an extension many GeoReport v2 servers accept) --------

# Public coordinates are rounded (about 110 m) so that a point never marks a home. The
# radius filter measures from these rounded points too: measuring from the exact point
# would let repeated queries with shrinking radii find it.
COORDINATE_DECIMALS = 3
DEFAULT_RADIUS_M = 1000
MAX_RADIUS_M = 50_000
EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)
METRES_PER_DEGREE_LAT = 111_320.0


def public_point(lat: float | None, lng: float | None) -> tuple[float | None, float | None]:
    """The point as Open311 shows it: each coordinate rounded to COORDINATE_DECIMALS."""
    if lat is None or lng is None:
        return None, None
    return round(lat, COORDINATE_DECIMALS), round(lng, COORDINATE_DECIMALS)


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Near:
    """A GET requests search circle: centre and radius in metres."""

    lat: float
    lng: float
    radius_m: float

    def bounding_box(self) -> tuple[float, float, float, float]:
        """(min_lat, max_lat, min_lng, max_lng) around the circle, widened by half a
        rounding step so that a point whose rounded value is inside is never cut off."""
        margin = 0.5 * 10**-COORDINATE_DECIMALS + 1e-9
        dlat = self.radius_m / METRES_PER_DEGREE_LAT
        cos_lat = max(math.cos(math.radians(self.lat)), 1e-6)
        dlng = min(180.0, self.radius_m / (METRES_PER_DEGREE_LAT * cos_lat))
        return (
            self.lat - dlat - margin,
            self.lat + dlat + margin,
            self.lng - dlng - margin,
            self.lng + dlng + margin,
        )

    def contains(self, lat: float | None, lng: float | None) -> bool:
        """Whether the point, as the public sees it (rounded), lies within the radius."""
        lat, lng = public_point(lat, lng)
        if lat is None or lng is None:
            return False
        return distance_m(self.lat, self.lng, lat, lng) <= self.radius_m


def parse_near(lat_text: str, lng_text: str, radius_text: str) -> Near | None:
    """``lat``, ``long`` and ``radius`` (metres) of a GET requests call; None when absent.

    lat and long go together; radius defaults to DEFAULT_RADIUS_M and may not exceed
    MAX_RADIUS_M; a radius without a point is an error rather than silently ignored.
    """
    if not lat_text and not lng_text:
        if radius_text:
            raise Open311Error(400, "radius needs lat and long")
        return None
    location = parse_location({"lat": lat_text, "long": lng_text})
    assert location.lat is not None and location.lng is not None  # both text given, parsed
    try:
        radius = float(radius_text) if radius_text else float(DEFAULT_RADIUS_M)
    except ValueError:
        raise Open311Error(400, "radius must be a number of metres") from None
    if not math.isfinite(radius) or not (0 < radius <= MAX_RADIUS_M):
        raise Open311Error(400, f"radius must be more than 0 and at most {MAX_RADIUS_M} metres")
    return Near(lat=location.lat, lng=location.lng, radius_m=radius)


def api_language(locale: str, accept_language: str, available: set[str], default: str) -> str:
    """The language of an API answer: the ``locale`` parameter (``en``, ``en_US``,
    ``id-ID``), else the first supported Accept-Language entry, else ``default``."""
    weighted: list[tuple[float, int, str]] = []
    for part in accept_language.split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            weighted.append((-quality, len(weighted), tag))
    candidates = ([locale] if locale else []) + [tag for *_, tag in sorted(weighted)]
    for candidate in candidates:
        code = candidate.replace("_", "-").split("-")[0].strip().lower()
        if code in available:
            return code
    return default

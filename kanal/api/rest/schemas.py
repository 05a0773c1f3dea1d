"""Request and response bodies of the REST API (pydantic, via Django Ninja)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict

# Every operation documents these error statuses, all with the ErrorOut body; what each
# means is in ERROR_DESCRIPTIONS (api.KanalAPI writes it into the OpenAPI document).
ERRORS = frozenset({400, 401, 403, 404, 409, 422, 429, 503})
ERROR_DESCRIPTIONS = {
    400: "Malformed request, e.g. text containing a NUL (0x00) character.",
    401: "No valid API token (Authorization: Bearer <token>).",
    403: "The token's owner has no role that allows this.",
    404: "Not found, or outside what the token's owner may see.",
    409: "The case is not in a state where this step is possible.",
    422: "Invalid fields (wrong type, out of range), or an unknown unit, category or "
    "kelurahan code.",
    429: "Too many requests for this token, or too many failed token attempts from this "
    "address. Wait and retry.",
    503: "The database cannot be reached. Retry after the Retry-After header's seconds.",
}


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


# Times go out in the city's time zone with its offset (2026-12-05T15:30:00+07:00), as in
# Open311: one convention for both APIs (see docs/api.md, "Times").
LocalDateTime = Annotated[datetime, AfterValidator(_local)]


class StrictIn(Schema):
    """A request body: JSON types are taken as sent, never coerced (0 is not false), and
    a field the API does not know is an error rather than silently dropped."""

    model_config = ConfigDict(strict=True, extra="forbid")


class ErrorOut(Schema):
    """Every error has this body: a machine code, a sentence, and field errors if any."""

    code: str
    detail: str
    errors: list[dict] = []


class PageMeta(Schema):
    count: int
    page: int
    page_size: int
    pages: int


class CaseOut(Schema):
    tracking_number: str
    kind: str
    title: str
    state: str
    state_label: str
    channel: str
    category: str | None
    unit: str | None
    kecamatan: str | None
    kelurahan: str | None
    received_at: LocalDateTime
    due_date: date | None
    is_confidential: bool
    is_oversight: bool
    is_anonymous: bool


class CasePage(Schema):
    meta: PageMeta
    items: list[CaseOut]


class ReporterOut(Schema):
    name: str
    phone: str
    email: str


class MessageOut(Schema):
    kind: str
    body: str
    created_at: LocalDateTime


class CaseDetail(CaseOut):
    description: str
    address: str
    lat: float | None
    lng: float | None
    public_title: str
    public_summary: str
    state_reason: str
    reporter: ReporterOut | None
    messages: list[MessageOut]


StaffChannel = Literal["phone", "walk_in", "lurah", "camat", "field_visit", "ppid_desk", "api"]
CaseKind = Literal["pengaduan", "aspirasi", "permintaan_informasi"]


class ReporterIn(StrictIn):
    name: str = Field("", max_length=150)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    contact_preference: Literal["whatsapp", "email", "none"] = "none"
    consent_text: str = Field("", max_length=300)


class CaseIn(StrictIn):
    """A case heard from a citizen (phone, walk-in, field visit) or an integration."""

    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field(..., min_length=1, max_length=4000)
    kind: CaseKind = "pengaduan"
    channel: StaffChannel = "api"
    category: str | None = Field(None, max_length=60)
    kelurahan: str | None = Field(None, max_length=20)
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    address: str = Field("", max_length=300)
    reporter: ReporterIn | None = None
    is_anonymous: bool = False


class VerifyIn(StrictIn):
    category: str | None = Field(None, max_length=60)
    kind: CaseKind | None = None


class DisposeIn(StrictIn):
    unit: str = Field(..., min_length=1, max_length=40)
    note: str = Field("", max_length=2000)


class ReplyIn(StrictIn):
    body: str = Field(..., min_length=1, max_length=4000)


class ReplyOut(Schema):
    tracking_number: str
    kind: str
    body: str
    created_at: LocalDateTime


class UnitOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    parent: str | None


class CategoryOut(Schema):
    code: str
    name: str
    name_en: str
    parent: str | None
    default_unit: str | None
    is_active: bool


class KecamatanOut(Schema):
    code: str
    name: str


class KelurahanOut(Schema):
    code: str
    name: str
    kecamatan: str
    postal_code: str

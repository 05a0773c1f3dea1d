"""SP4N-LAPOR!: reports pulled in, follow-ups pushed back, and LAPOR! CSV exports imported.

The integration API is documented only to registered agencies (channels.md §9), so
the HTTP client sits behind one small interface (:class:`LaporClient`) with the
assumed endpoints in one place, to be adjusted once the developer account exists:

* ``GET  <KANAL_LAPOR_API_URL>/reports?since=<ISO 8601>`` → ``{"data": [report, …]}``
* ``POST <KANAL_LAPOR_API_URL>/reports/<tracking_id>/follow-ups`` ``{"text": …}`` →
  ``{"id": …}``

with ``Authorization: Bearer <KANAL_LAPOR_TOKEN>``. A report is a dict with
``tracking_id``, ``title``, ``content``, ``created_at``, ``reporter_name``,
``category``, ``location`` (the same keys the CSV import produces).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Protocol

from ..rules import InboundItem
from .base import OutgoingReply, raise_for_http, setting, timeout, transport_error

PROVIDER = "lapor"
CHANNEL = "lapor"

# LAPOR! export headings seen in agencies' spreadsheets vary; the first match wins.
CSV_COLUMNS = {
    "tracking_id": ("tracking id", "tracking_id", "id laporan", "no. tracking", "nomor tracking"),
    "title": ("judul", "judul laporan", "title"),
    "content": ("isi laporan", "isi", "laporan", "content"),
    "created_at": ("tanggal", "tanggal laporan", "waktu", "created_at"),
    "reporter_name": ("nama pelapor", "pelapor", "nama"),
    "category": ("kategori", "topik", "category"),
    "location": ("lokasi", "alamat", "location"),
}


class LaporClient(Protocol):
    def fetch_new_reports(self, since: datetime | None) -> list[dict]: ...

    def push_follow_up(self, tracking_id: str, text: str) -> str: ...


class HttpLaporClient:
    """The thin httpx client for the agency integration API (assumed shape, see above)."""

    def __init__(self, base_url: str = "", token: str = ""):
        self.base_url = (base_url or setting("KANAL_LAPOR_API_URL")).rstrip("/")
        self.headers = {"Authorization": f"Bearer {token or setting('KANAL_LAPOR_TOKEN')}"}

    def fetch_new_reports(self, since: datetime | None) -> list[dict]:
        import httpx

        params = {"since": since.isoformat()} if since else {}
        try:
            response = httpx.get(
                f"{self.base_url}/reports", params=params, headers=self.headers, timeout=timeout()
            )
        except httpx.HTTPError as exc:
            raise transport_error(exc) from exc
        raise_for_http(response, f"LAPOR! {response.status_code}")
        return response.json().get("data", [])

    def push_follow_up(self, tracking_id: str, text: str) -> str:
        import httpx

        try:
            response = httpx.post(
                f"{self.base_url}/reports/{tracking_id}/follow-ups",
                json={"text": text},
                headers=self.headers,
                timeout=timeout(),
            )
        except httpx.HTTPError as exc:
            raise transport_error(exc) from exc
        raise_for_http(response, f"LAPOR! {response.status_code}: {response.text[:200]}")
        return str(response.json().get("id", ""))


def parse_export_csv(data: bytes) -> list[dict]:
    """Reports from a LAPOR! export file (comma or semicolon separated, UTF-8 or BOM)."""
    text = data.decode("utf-8-sig", errors="replace")
    dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    rows = csv.DictReader(io.StringIO(text), dialect=dialect)
    reports = []
    for row in rows:
        lowered = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        report = {
            key: next((lowered[name] for name in names if lowered.get(name)), "")
            for key, names in CSV_COLUMNS.items()
        }
        if report["tracking_id"] and (report["content"] or report["title"]):
            reports.append(report)
    return reports


def record_body(report: dict) -> bytes:
    """A report as stored raw (one InboundEvent per tracking id)."""
    return json.dumps(report, sort_keys=True, ensure_ascii=False).encode()


def event_key(report: dict) -> str:
    return f"lapor:{report['tracking_id']}"


def _parse_date(value: str) -> datetime | None:
    for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(value, fmt)
        except (TypeError, ValueError):
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def normalise(body: bytes) -> list[InboundItem]:
    report = json.loads(body)
    tracking = report["tracking_id"]
    text = "\n\n".join(x for x in (report.get("content", ""),) if x)
    if report.get("location"):
        text += f"\n\nLokasi: {report['location']}"
    return [
        InboundItem(
            key=event_key(report),
            kind="message",
            channel=CHANNEL,
            contact_id=f"lapor:{tracking}",  # LAPOR! does not share reporters' identities
            contact_name=report.get("reporter_name", ""),
            thread_key=tracking,
            message_id=f"lapor:{tracking}",
            message_kind="lapor_report",
            text=text.strip() or report.get("title", ""),
            sent_at=_parse_date(report.get("created_at", "")),
            data={"title": report.get("title", ""), "category": report.get("category", "")},
        )
    ]


def send(reply: OutgoingReply, client: LaporClient | None = None) -> str:
    """A follow-up goes back to LAPOR! on the report's tracking id."""
    return (client or HttpLaporClient()).push_follow_up(
        reply.thread_key or reply.recipient, reply.text
    )

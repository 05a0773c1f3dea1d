"""What Open311 shows of services and cases. Public cases show their public summary, never
the reporter's own text or identity; other cases show only service, status and dates."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation

from kanal.complaints.models import Complaint
from kanal.complaints.rules import redact_personal_data
from kanal.directory.models import Category

from .. import queries, rules

# Public coordinates are rounded (about 110 m) so that a point never marks a home.
COORDINATE_DECIMALS = 3


def _tz():
    return timezone.get_default_timezone()


def when(value) -> str | None:
    return rules.format_datetime(value, _tz()) if value else None


def service_name(category: Category) -> str:
    if translation.get_language() == "en" and category.name_en:
        return category.name_en
    return category.name


def service(category: Category, with_metadata: set[int]) -> dict:
    return {
        "service_code": category.code,
        "service_name": service_name(category),
        "description": category.description,
        "metadata": category.pk in with_metadata,
        "type": "realtime",
        # FixMyStreet reads "private": reports in this service are never published.
        "keywords": "private" if category.code == "pengawasan" else "",
        "group": service_name(category.parent) if category.parent_id else "",
    }


def service_definition(category: Category) -> dict:
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": a.variable,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": a.datatype_description,
                "order": a.order,
                "description": a.description,
                "values": [
                    {"key": str(v.get("key", "")), "name": str(v.get("name", ""))}
                    for v in a.values
                    if isinstance(v, dict)
                ],
            }
            for a in queries.attributes_of(category)
        ],
    }


def _status_notes(case: Complaint) -> str:
    notes = queries.status_notes(case)
    reporter = case.reporter
    known = [reporter.name, reporter.phone, reporter.email, reporter.nik] if reporter else []
    return redact_personal_data(notes, [k for k in known if k]) if notes else ""


def _updated(case: Complaint):
    if rules.open311_status(case.state) == "closed":
        return case.closed_at or case.completed_at or case.updated_at
    return case.updated_at


def _round(value):
    return None if value is None else round(value, COORDINATE_DECIMALS)


def restricted_request(case: Complaint) -> dict:
    """A case that is not public, read by its own id: service, status, notes and dates."""
    return {
        "service_request_id": case.tracking_number,
        "status": rules.open311_status(case.state),
        "status_notes": _status_notes(case),
        "service_name": service_name(case.category) if case.category_id else "",
        "service_code": case.category.code if case.category_id else "",
        "requested_datetime": when(case.received_at),
        "updated_datetime": when(_updated(case)),
        "expected_datetime": when(rules.end_of_day(case.due_date, _tz())),
        "detailed_status": case.state,
    }


def public_request(case: Complaint, build_url) -> dict:
    """A public case: its operator-written summary, area, rounded point and public photo."""
    area = []
    if case.kelurahan_id:
        area.append(f"Kelurahan {case.kelurahan.name}")
    if case.kecamatan_id:
        area.append(f"Kecamatan {case.kecamatan.name}")
    area.append(settings.KANAL_CITY_NAME)
    media = queries.public_media(case)
    data = restricted_request(case)
    expected = data.pop("expected_datetime")
    detailed = data.pop("detailed_status")
    data.update(
        {
            "description": case.public_summary,
            "agency_responsible": case.unit.name if case.unit_id else "",
            "service_notice": "",
            "expected_datetime": expected,
            "address": ", ".join(area),
            "address_id": case.kelurahan.code if case.kelurahan_id else "",
            "zipcode": case.kelurahan.postal_code if case.kelurahan_id else "",
            "lat": _round(case.lat),
            "long": _round(case.lng),
            "media_url": build_url(media.file.url) if media else None,
            "detailed_status": detailed,
        }
    )
    return data

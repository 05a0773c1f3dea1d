"""Parsing Open311 request parameters into checked values (empty means absent)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone

from kanal.wilayah.queries import kelurahan_by_code

from .. import queries, rules
from ..actions import ServiceRequestInput
from ..rules import Open311Error

MAX_PAGE = 100_000
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,60})\](\[\])?$")


def value(params, name: str) -> str:
    return (params.get(name) or "").strip()


def check_jurisdiction(params) -> None:
    given = value(params, "jurisdiction_id")
    if given and given != queries.jurisdiction_id():
        raise Open311Error(404, "jurisdiction_id not found")


def request_filters(params) -> queries.RequestFilters:
    tz = timezone.get_default_timezone()
    statuses = tuple(s.lower() for s in rules.split_list(value(params, "status")))
    if any(s not in ("open", "closed") for s in statuses):
        raise Open311Error(400, "status must be open, closed or both")
    start, end = value(params, "start_date"), value(params, "end_date")
    return queries.RequestFilters(
        ids=tuple(rules.split_list(value(params, "service_request_id"))),
        service_codes=tuple(rules.split_list(value(params, "service_code"))),
        start=rules.parse_w3c(start, tz) if start else None,
        end=rules.parse_w3c(end, tz, end=True) if end else None,
        statuses=statuses,
        near=rules.parse_near(value(params, "lat"), value(params, "long"), value(params, "radius")),
    )


def page_numbers(params) -> tuple[int, int]:
    """The page/page_size extension; page_size is capped at the specification's 1,000."""
    try:
        page = int(value(params, "page") or 1)
        size = int(value(params, "page_size") or rules.MAX_RESULTS)
    except ValueError:
        raise Open311Error(400, "page and page_size must be whole numbers") from None
    if not (1 <= page <= MAX_PAGE) or size < 1:
        raise Open311Error(400, "page and page_size start at 1")
    return page, min(size, rules.MAX_RESULTS)


def attributes(params) -> dict[str, list[str]]:
    given: dict[str, list[str]] = {}
    for key in params:
        if match := _ATTRIBUTE.match(key):
            given.setdefault(match.group(1), []).extend(params.getlist(key))
    return given


def service_request(params) -> ServiceRequestInput:
    """A POSTed request, checked: 404 for an unknown service, 400 for anything else."""
    code = value(params, "service_code")
    if not code:
        raise Open311Error(400, "service_code is required")
    category = queries.service(code)
    if category is None:
        raise Open311Error(404, "service_code not found")
    location = rules.parse_location({k: value(params, k) for k in params})
    kelurahan = None
    if location.address_id:
        kelurahan = kelurahan_by_code(location.address_id)
        if kelurahan is None:
            raise Open311Error(400, "address_id is not a known kelurahan code")
    description = params.get("description") or ""
    if len(description) > rules.MAX_DESCRIPTION:
        raise Open311Error(400, "description may not exceed 4,000 characters")
    email = value(params, "email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Open311Error(400, "email is not a valid address") from None
    media_url = value(params, "media_url")
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise Open311Error(400, "media_url is not a valid http(s) URL") from None
    tz = timezone.get_default_timezone()
    return ServiceRequestInput(
        category=category,
        description=description,
        location=location,
        kelurahan=kelurahan,
        attributes=rules.clean_attributes(
            queries.attribute_specs(category), attributes(params), tz
        ),
        first_name=value(params, "first_name")[:75],
        last_name=value(params, "last_name")[:75],
        email=email,
        phone=value(params, "phone")[:30],
        account_id=value(params, "account_id"),
        device_id=value(params, "device_id"),
        media_url=media_url,
    )

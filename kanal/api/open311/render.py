"""Open311 responses in XML or JSON (the "Spark convention": XML lists become JSON arrays).

XML is built with ElementTree, which escapes text; characters XML 1.0 forbids are dropped.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from django.http import HttpResponse

CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}

# The XML element of one item of each list, as GeoReport v2 (and FixMyStreet) name them.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "service_requests_updates": "request_update",
    "service_request_updates": "request_update",
}
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _FORBIDDEN.sub("", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        item_name = ITEM_NAMES.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, item_name), child)
    else:
        element.text = _text(value)


def to_xml(root: str, data) -> bytes:
    element = ET.Element(root)
    _fill(element, data)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode()


def _clean_json(value):
    if isinstance(value, str):
        return _FORBIDDEN.sub("", value)
    if isinstance(value, dict):
        return {k: _clean_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_json(v) for v in value]
    return value


def respond(fmt: str, root: str, data, status: int = 200, headers=None) -> HttpResponse:
    """Render ``data`` under ``root`` (XML) or as plain JSON, with the specified types."""
    if fmt == "json":
        body = json.dumps(_clean_json(data), ensure_ascii=False).encode()
    else:
        body = to_xml(root, data)
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def errors(fmt: str, status: int, description: str, code: int | None = None, headers=None):
    """The specification's error body: a list of {code, description}."""
    body = [{"code": code or status, "description": description}]
    return respond(fmt, "errors", body, status=status, headers=headers)

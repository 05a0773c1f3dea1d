"""Fixtures for the API tests: partners, tokens, cases in each privacy state."""

import json
from pathlib import Path

import jsonschema_rs
import pytest

from kanal.api import actions
from kanal.complaints import actions as case_actions
from kanal.complaints.tests.factories import make_case, unit

SCHEMAS = Path(__file__).parent / "schemas"


def parse_xml(content: bytes):
    """Parse our own server's XML (trusted here, so the stdlib parser is fine)."""
    import xml.etree.ElementTree as ET

    return ET.fromstring(content)  # noqa: S314


def assert_matches(name: str, data) -> None:
    """Validate ``data`` against tests/schemas/<name>.json (formats checked too)."""
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    validator = jsonschema_rs.validator_for(schema, validate_formats=True)
    errors = [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(data)]
    assert not errors, errors


@pytest.fixture
def operator(reference_data, staff_factory):
    return staff_factory("ops", [("operator", "diskominfo")])


@pytest.fixture
def partner(reference_data):
    row, raw = actions.issue_partner_key(actor=None, name="Aplikasi Warga", posts_per_hour=5)
    return row, raw


@pytest.fixture
def public_case(operator):
    case = make_case(lat=-5.4271, lng=105.2611)
    case_actions.verify_complaint(actor=operator, case=case)
    case_actions.dispose_complaint(actor=operator, case=case, unit=unit("dpu"))
    case_actions.send_public_reply(
        actor=operator, case=case, body="Pak Budi Santoso, tim DPU akan datang besok."
    )
    case_actions.publish_complaint(
        actor=operator,
        case=case,
        public=True,
        public_title="Jalan berlubang di Jl. Teuku Umar",
        public_summary="Jalan berlubang di depan SD, dilaporkan warga.",
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def private_case(reference_data):
    return make_case()


@pytest.fixture
def oversight_case(reference_data):
    from kanal.directory.models import Category

    return make_case(category=Category.objects.get(code="pengawasan"), title="Pungli")

"""Property-based run of the REST API against its own OpenAPI schema: no 5xx, and every
response matches the schema (status codes, content types, bodies)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kanal.api import actions
from kanal.wsgi import application

# Loaded at collection: generating the schema needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# The coverage phase enumerates every boundary case of every field (thousands of calls);
# bounded random examples keep the run under a minute on a small machine.
schema.config.phases.coverage.enabled = False


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calls go straight to the WSGI app, whose request_finished signal closes the database
    connection; inside the test's transaction on PostgreSQL that ends the test's own
    connection. Django's test client disconnects the same handlers; so do we."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def operator_token(reference_data, staff_factory):
    user = staff_factory("schemathesis", [("operator", "diskominfo")])
    return actions.issue_api_token(actor=None, user=user, name="schemathesis")[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, operator_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {operator_token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )

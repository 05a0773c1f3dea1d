"""Property-based run of the REST API against its own OpenAPI schema with every check
schemathesis has: no 5xx; every response matches the schema (status codes, content types,
headers, bodies); data valid by the schema is accepted and invalid data (wrong JSON types
included: the API coerces nothing) rejected; auth, methods and required headers."""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS

from kanal.api import actions
from kanal.wsgi import application

# Minutes on two cores: `make test-slow` (and .ci/run), not the inner loop of `make test`.
pytestmark = pytest.mark.slow

# Loaded at collection: generating the schema needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# The coverage phase enumerates every boundary case of every field (thousands of calls);
# bounded random examples keep the run under a minute on a small machine.
schema.config.phases.coverage.enabled = False
# A body valid by the schema can still name a unit, category or kelurahan the database does
# not know, or give lat without lng: 422 with no field errors, as documented. Allowed for
# positive data only in that form; see only_semantic_422 below.
acceptance_config = schema.config.checks.positive_data_acceptance
acceptance_config.expected_statuses = [*acceptance_config.expected_statuses, "422"]


@schemathesis.check
def only_semantic_422(ctx, response, case):
    """A 422 for data the schema allows must be a semantic refusal, never a type error:
    field errors there would mean the validator and the published schema disagree."""
    if response.status_code != 422 or case.meta is None:
        return None
    if getattr(case.meta.generation.mode, "value", "") != "positive":
        return None
    body = json.loads(response.content)
    assert body["errors"] == [], f"schema-valid data refused with field errors: {body}"
    assert body["detail"].startswith(("Unknown ", "lat and lng")), body
    return None


ALL_CHECKS = [*CHECKS.get_all()]


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
        checks=ALL_CHECKS,
    )

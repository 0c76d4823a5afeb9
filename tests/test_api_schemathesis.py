"""Schemathesis over the OpenAPI document (issue 16): every operation is called with data
generated from its schema, signed in as a city administrator with a token, and fails on any 5xx,
a response that breaks its documented schema, or a wrong content type. Bounded to a few examples
per operation so that the whole run stays well under the 3 minutes CI allows."""

from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from cchc.accounts.actions import create_api_token
from cchc.accounts.models import User
from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
EXAMPLES = 4


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Calls go through the WSGI handler, whose request signals close the database connection
    after each request (the test client disconnects them; on PostgreSQL the test's transaction
    would be lost)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(city_admin: User) -> str:
    return create_api_token(actor=city_admin, name="schemathesis")[1]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_api_operation_answers_within_its_schema(case: schemathesis.Case, token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

"""Schemathesis over the committed OpenAPI file (finding 9).

Every operation of ``src/bovenwater/api/openapi.yaml`` gets generated requests, sent
through the WSGI application on the test database, authenticated with a system
account's token. A response fails the test when it is a 5xx, has a status code or a
content type that the schema does not document for that operation, or accepts a request
that violates the schema (``negative_data_rejection``). The run is bounded: a fixed number of
examples per operation (``SCHEMATHESIS_EXAMPLES``, default 15), derandomised, so CI
takes the same time and finds the same things every run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    status_code_conformance,
)

from bovenwater.accounts import services
from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import OrganisationKind, Role

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "src" / "bovenwater" / "api" / "openapi.yaml"
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "15"))

schema = schemathesis.openapi.from_path(SCHEMA_FILE)
schema.app = get_wsgi_application()  # requests go through Django in-process, on the test DB


@pytest.fixture
def _test_connection_stays_open() -> Iterator[None]:
    """As Django's test client does: the WSGI handler must not close the connection
    that holds the test's transaction (on PostgreSQL it would, after each request)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(
    _test_connection_stays_open: None, db: None, make_organisation: Callable[..., Organisation]
) -> str:
    organisation = make_organisation(kind=OrganisationKind.CARE_COORDINATION)
    user = services.user_create(username="systeem.fuzz", password=None, is_system_account=True)
    membership = services.membership_add(
        user=user, organisation=organisation, role=Role.CARE_COORDINATOR
    )
    _token, plain = services.api_token_create(membership=membership, label="schemathesis")
    return plain


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_only_documented_statuses_and_never_5xx(case: Any, token: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            negative_data_rejection,
            positive_data_acceptance,
        ],
    )

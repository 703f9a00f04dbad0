"""SECURITY.md C1: schemathesis generates requests for every operation of the API (examples, coverage of the schema's
edges, fuzzing; fixed seed) as a district regulator and as a business user; none may answer with a server error.
A bad request is a 4xx that says why (see planning/tests/test_api_errors.py for the cases this found)."""

from typing import cast

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from foodcredit.accounts.models import User
from foodcredit.credit.tests.factories import OperatorFactory, UserFactory
from foodcredit.operators.models import Operator

EXAMPLES = 6  # per operation and role: ≈ 600 requests a run, in CI time; more examples find nothing new so far


from config.wsgi import application  # noqa: E402 (after Django's set-up by pytest-django)

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)  # no database: the schema only


@pytest.fixture(autouse=True)
def _test_connection_kept():
    """Schemathesis calls the WSGI application itself, not through Django's test client, so Django would close the
    test's database connection after each request (request_finished): keep it, as the test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _session(user: User) -> tuple[dict[str, str], dict[str, str]]:
    """Cookies and headers of a logged-in session (a CSRF secret in the cookie, the same in the header)."""
    client = Client()
    client.force_login(user)
    csrf = get_random_string(32)
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf}, {"X-CSRFToken": csrf}


def _caller(role: str) -> tuple[tuple[dict[str, str], dict[str, str]], str]:
    own = cast(Operator, OperatorFactory())
    user = cast(User, UserFactory(role=role, operator_usccs=[own.uscc]))
    return _session(user), own.uscc


def _call(case, caller: tuple[tuple[dict[str, str], dict[str, str]], str]) -> None:
    (cookies, headers), uscc = caller
    if case.path_parameters and "uscc" in case.path_parameters:
        case.path_parameters["uscc"] = uscc  # an operator in the caller's scope: past the 404, into the operation
    case.call_and_validate(headers=headers, cookies=cookies, checks=[not_a_server_error])


@pytest.fixture
def regulator(db):
    return _caller(User.Role.DISTRICT_REGULATOR)


@pytest.fixture
def business(db):
    return _caller(User.Role.BUSINESS)


FUZZ = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))


@schema.parametrize()
@FUZZ
def test_no_operation_answers_a_regulator_with_a_server_error(case, regulator):
    _call(case, regulator)


@schema.parametrize()
@FUZZ
def test_no_operation_answers_a_business_user_with_a_server_error(case, business):
    _call(case, business)

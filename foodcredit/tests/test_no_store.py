"""SECURITY.md E4: responses to a logged-in user are not kept by browsers or proxies
(Cache-Control: no-store): internal credit files, repair applications, error reports."""

import pytest
from django.test import Client

from foodcredit.accounts.models import User
from foodcredit.credit.tests.factories import OperatorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/office/",
        "/office/operators/{uscc}/",
        "/api/v1/operators/{uscc}/credit-file",
        "/api/v1/repair-applications",
        "/office/imports/999/errors.csv",
        "/api/v1/eligibility/{uscc}",
    ],
)
def test_responses_to_a_logged_in_user_are_not_stored(path):
    operator = OperatorFactory()
    client = Client()
    client.force_login(UserFactory(role=User.Role.DISTRICT_REGULATOR))
    response = client.get(path.format(uscc=operator.uscc))
    assert "no-store" in response.get("Cache-Control", ""), response.status_code


def test_public_pages_may_be_cached():
    operator = OperatorFactory()
    response = Client().get(f"/operators/{operator.uscc}/")
    assert response.status_code == 200 and "no-store" not in response.get("Cache-Control", "")

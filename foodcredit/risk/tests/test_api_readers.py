"""Who reads an operator's risk class through the API (accounts.roles.sees_risk_class): staff in scope, not the
operator's own business users — the class is an internal reference for supervision (DOMAIN.md Part II §4.3)."""

import pytest

from foodcredit.accounts.models import User
from foodcredit.credit.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["", "/history"])
def test_the_operators_own_business_user_is_refused_its_class(client, path):
    operator = f.OperatorFactory()
    client.force_login(f.UserFactory(role=User.Role.BUSINESS, operator_usccs=[operator.uscc]))
    assert client.get(f"/api/v1/risk/operators/{operator.uscc}{path}").status_code == 403


def test_a_regulator_reads_the_class_history(client):
    operator = f.OperatorFactory()
    client.force_login(f.UserFactory(role=User.Role.DISTRICT_REGULATOR))
    answer = client.get(f"/api/v1/risk/operators/{operator.uscc}/history")
    assert (answer.status_code, answer.json()) == (200, [])  # not classified yet: an empty history, not a refusal

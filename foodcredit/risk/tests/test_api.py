"""Risk API: the current class with its explanation; overrides by district regulators only; scope → 404."""

import datetime as dt

import pytest
import time_machine
from django.test import override_settings

from foodcredit.accounts.models import User
from foodcredit.core.models import AuditEvent
from foodcredit.credit.tests import factories as f
from foodcredit.operators.models import Operator
from foodcredit.risk import services, training
from foodcredit.risk.tests.factories import run_make


@pytest.fixture
def classified(district):
    model = services.model_register(fitted=training.model_fit(kind="scorecard", until=dt.date(2025, 6, 1)), actor=None)
    run = services.classification_start(as_of=dt.date(2025, 6, 1), actor=None, model=model)
    services.classification_partition(run=run)
    services.classification_finish(run=run, actor=None)
    return Operator.objects.order_by("pk").first()


@time_machine.travel("2025-06-10 10:00 +0800", tick=False)
def test_override_through_the_api_shows_at_once_and_is_audited(classified, client):
    regulator = f.UserFactory(role=User.Role.DISTRICT_REGULATOR)
    client.force_login(regulator)
    response = client.post(
        f"/api/v1/risk/operators/{classified.uscc}/override",
        {"risk_class": "D", "reason": "专项检查发现重大隐患", "days": 90},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["risk_class"], body["rule"]) == ("D", "override")
    assert body["explanation"] == ["监管人员调整为D类（专项检查发现重大隐患），有效期至2025-09-08"]
    assert AuditEvent.objects.get(object_type="risk_override").actor == regulator
    history = client.get(f"/api/v1/risk/operators/{classified.uscc}/history").json()
    assert history[0]["as_of"] == "2025-06-01"


def test_only_district_regulators_override_and_scope_hides_operators(classified, client):
    client.force_login(
        f.UserFactory(
            role=User.Role.STATION_REGULATOR,
            department=f.DepartmentFactory(streets=["观音桥街道", "五里店街道", "鱼嘴镇"]),
        )
    )
    payload = {"risk_class": "A", "reason": "复核"}
    url = f"/api/v1/risk/operators/{classified.uscc}/override"
    assert client.post(url, payload, content_type="application/json").status_code == 403
    client.force_login(f.UserFactory(role=User.Role.INSPECTOR, inspector_cert_no="X0000001"))
    assert client.get(f"/api/v1/risk/operators/{classified.uscc}").status_code == 404


@pytest.mark.parametrize("disclose", [True, False])
@pytest.mark.django_db
def test_public_class_api_gives_class_meaning_and_date_only(client, disclose):
    operator = f.OperatorFactory()
    run_make(dt.date(2025, 6, 1), [(operator, "A")], score=12.3456)
    with override_settings(DISCLOSE_RISK_CLASS=disclose):
        response = client.get(f"/api/v1/risk/public/operators/{operator.uscc}")
    if not disclose:
        assert response.status_code == 404
        return
    assert response.json() == {"uscc": operator.uscc, "risk_class": "A", "label": "信用风险低", "as_of": "2025-06-01"}
    assert client.get("/api/v1/risk/public/operators/91500105MA0000000X").status_code == 404

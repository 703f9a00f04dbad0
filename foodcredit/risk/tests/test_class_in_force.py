"""One rule decides the class wherever it is read, and events move it at once: a stale class cannot be observed.

An operator the last run classed A is put on the serious list after that run: from the decision on, the credit file,
the public page, the eligibility answer and planning's directory all say D (and no green channel beside the list's
restrictions) — without waiting for the next monthly run. Its removal brings the model's class back.
"""

import datetime as dt

import polars as pl
import pytest
import time_machine

from foodcredit.accounts.models import User
from foodcredit.credit import services as credit_services
from foodcredit.credit.tests import factories as f
from foodcredit.operators.models import Operator
from foodcredit.risk import selectors
from foodcredit.risk.models import ClassResult

from .test_services import UNTIL, _classify, _serious_list, model  # noqa: F401 (fixture)

LISTED_ON = UNTIL + dt.timedelta(days=10)
REMOVED_ON = UNTIL + dt.timedelta(days=20)


def _class_everywhere(client, operator: Operator, day: dt.date, user: User) -> dict[str, str | None]:
    """The operator's class as each reader gives it on `day`."""
    current = selectors.class_current(operator.pk, as_of=day)
    public = selectors.class_public(operator.pk, as_of=day)
    attached = selectors.classes_attach(frame=pl.DataFrame({"operator_id": [operator.pk]}), as_of=day, default="B")
    directory = {
        c
        for c in "ABCD"
        if selectors.operators_of_class(
            operators=Operator.objects.filter(pk=operator.pk), risk_class=c, as_of=day, default="B"
        ).exists()
    }
    with time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC), tick=False):
        client.force_login(user)  # at the day's clock: a session is only valid for 12 hours from login
        body = client.get(f"/api/v1/eligibility/{operator.uscc}").json()
    assert len(directory) == 1
    return {
        "credit_file": current.risk_class if current else None,
        "public_page": public.risk_class if public else None,
        "planning_frame": attached["risk_class"][0],
        "planning_directory": directory.pop(),
        "eligibility": body["risk_class"],
        "green_channel": str("green_channel" in {m["code"] for m in body["facilitations"]}),
    }


@pytest.mark.django_db
def test_a_listing_moves_the_class_to_d_at_once_in_every_reader_and_its_removal_moves_it_back(model, client):  # noqa: F811
    _classify(UNTIL)
    result = ClassResult.objects.filter(risk_class="A", rule="").order_by("operator_id").first()
    assert result is not None, "the small district has class A operators"
    operator = Operator.objects.get(pk=result.operator_id)
    regulator = f.UserFactory(role=User.Role.DISTRICT_REGULATOR)

    before = _class_everywhere(client, operator, LISTED_ON - dt.timedelta(days=1), regulator)
    assert set(before.values()) == {"A", "True"}

    entry = _serious_list(operator, decided_on=LISTED_ON)
    listed = _class_everywhere(client, operator, LISTED_ON, regulator)
    assert listed == {
        "credit_file": "D",
        "public_page": "D",
        "planning_frame": "D",
        "planning_directory": "D",
        "eligibility": "D",
        "green_channel": "False",
    }
    current = selectors.class_current(operator.pk, as_of=LISTED_ON)
    assert current is not None and current.rule == "serious_list" and "严重违法失信名单" in current.explanation[0]

    credit_services.list_remove(entry=entry, reason="reversed", removed_on=REMOVED_ON, actor=None)
    after = _class_everywhere(client, operator, REMOVED_ON, regulator)
    assert set(after.values()) == {"A", "True"}


@pytest.mark.django_db
def test_an_operator_listed_at_the_run_and_removed_since_gets_the_models_class_back(model):  # noqa: F811
    operator = Operator.objects.filter(status="active").order_by("pk").first()
    entry = _serious_list(operator, decided_on=UNTIL - dt.timedelta(days=60))
    _classify(UNTIL)
    result = ClassResult.objects.get(operator=operator)
    assert (result.risk_class, result.rule) == ("D", "serious_list")
    credit_services.list_remove(entry=entry, reason="reversed", removed_on=UNTIL + dt.timedelta(days=3), actor=None)
    current = selectors.class_current(operator.pk, as_of=UNTIL + dt.timedelta(days=3))
    assert current is not None and (current.risk_class, current.rule) == (result.model_class, "")

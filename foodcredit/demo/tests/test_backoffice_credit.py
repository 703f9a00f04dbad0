"""The demo's credit back office: written through the services on penalties imported with the demo's own texts —
the code table and mappings, list entries, repairs and commitments in every state, cases and bans."""

from datetime import date
from decimal import Decimal

import pytest

from foodcredit.accounts.models import User
from foodcredit.core.models import AuditEvent
from foodcredit.credit.models import CaseStudy, Commitment, ListEntry, PersonBan, RepairApplication
from foodcredit.credit.tests import factories as f
from foodcredit.credit.tests.imported import penalty_import
from foodcredit.demo.world import SOURCES, lexicon
from foodcredit.demo.world.backoffice_credit import seed_credit_backoffice
from foodcredit.penalties.models import Penalty, ViolationType

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 25)


def test_seed_credit_backoffice_fills_every_state(settings):
    settings.SERIOUS_LIST_UPPER_APPROVAL_REQUIRED = True
    operators = [f.OperatorFactory() for _ in range(100)]
    additive, expired, tableware = (lexicon.VIOLATIONS[i][0] for i in (11, 0, 7))
    for i, operator in enumerate(operators[:6]):  # heavy, listable once mapped: the serious list's candidates
        penalty_import(
            operator, on=date(2026, 6, 1 + i), violation=additive, source=SOURCES["penalties"], load_table=False
        )
    for i, operator in enumerate(operators[6:14]):  # ordinary fines over a year old: repairable
        penalty_import(
            operator,
            on=date(2025, 3, 3 + i),
            violation=expired,
            kinds=("罚款", "没收违法所得"),
            amount=Decimal("60000"),
            circumstance="一般",
            source=SOURCES["penalties"],
            load_table=False,
        )
    penalty_import(
        operators[14],
        on=date(2026, 10, 1),
        violation=tableware,
        kinds=("罚款",),
        amount=Decimal("8000"),
        circumstance="一般",
        source=SOURCES["penalties"],
        load_table=False,
    )
    district = f.UserFactory(role=User.Role.DISTRICT_REGULATOR)

    summary = seed_credit_backoffice(as_of=AS_OF, actor=district)

    assert summary.types == 17 and summary.penalties_classified == 14
    assert Penalty.objects.filter(violation_type__code=ViolationType.UNCLASSIFIED).count() == 1  # queue has work
    statuses = set(ListEntry.objects.values_list("list_kind", "status"))
    assert {("serious", s) for s in ("awaiting_approval", "proposed", "listed", "removed", "dropped")} <= statuses
    assert {("abnormal", "listed"), ("abnormal", "removed")} <= statuses
    assert set(RepairApplication.objects.values_list("status", flat=True)) == {
        "refused",
        "submitted",
        "accepted",
        "granted",
        "denied",
    }
    assert set(Commitment.objects.values_list("verification", flat=True)) == {"pending", "kept", "false"}
    assert set(CaseStudy.objects.values_list("status", flat=True)) == {"published", "withdrawn"}
    assert PersonBan.objects.count() == 2
    assert AuditEvent.objects.filter(actor=district, object_type="list_entry").exists()

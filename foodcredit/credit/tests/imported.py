"""Penalties as they reach the ledger in production: the violation-type code table loaded by its command, the
penalty posted to the import API by a district regulator, classified by the table — no ledger fact by hand.

Used by tests of credit and of the domains above it (risk, sharing) in place of hand-written `listable_serious`.
"""

import json
from datetime import date
from decimal import Decimal

from django.core.management import call_command
from django.test import Client

from foodcredit.accounts.models import User
from foodcredit.credit.models import LedgerEntry
from foodcredit.operators.models import Operator

# Texts of the seed table (penalties/data/violation_types.csv): a listable one and one that is not.
LISTABLE = "用非食品原料生产食品、在食品中添加食品添加剂以外的化学物质和其他可能危害人体健康的物质"
NOT_LISTABLE = "生产经营超过保质期的食品、食品添加剂"
SOURCE = "行政处罚系统"
_serial = [0]


def importer() -> User:
    """A district regulator who imports (created once per test database)."""
    user, _ = User.objects.get_or_create(username="importer-district", defaults={"role": User.Role.DISTRICT_REGULATOR})
    return user


def penalty_import(
    operator: Operator,
    *,
    on: date,
    violation: str = LISTABLE,
    kinds: tuple[str, ...] = ("罚款", "没收违法所得"),
    amount: Decimal | None = Decimal("200000"),
    circumstance: str = "从重",
    procedure: str = "普通程序",
    decision_no: str | None = None,
    source: str = SOURCE,
    load_table: bool = True,
) -> LedgerEntry:
    """Import one penalty through POST /api/v1/imports/penalties; returns its current ledger entry."""
    if load_table:
        call_command("violation_types_load", verbosity=0)
    _serial[0] += 1
    decision_no = decision_no or f"渝江北市监罚〔{on.year}〕{_serial[0]:04d}号"
    record = {
        "decision_no": decision_no, "uscc": operator.uscc, "decided_on": on.isoformat(), "violation": violation,
        "legal_basis": "《中华人民共和国食品安全法》", "kinds": list(kinds),
        "amount": str(amount) if amount is not None else "", "procedure": procedure, "circumstance": circumstance,
    }  # fmt: skip
    client = Client()
    client.force_login(importer())
    response = client.post(
        "/api/v1/imports/penalties",
        json.dumps({"source": source, "records": [record]}, ensure_ascii=False),
        content_type="application/json",
    )
    assert response.status_code in (200, 201), response.content.decode()
    penalty_id = LedgerEntry.objects.filter(operator=operator, kind=LedgerEntry.Kind.PENALTY).order_by("-pk")[0].ref_id
    return LedgerEntry.objects.get(ref_kind="penalty", ref_id=penalty_id, superseded_by__isnull=True)


def decision_no_of(entry: LedgerEntry) -> str:
    """The 处罚决定书文号 of a penalty entry."""
    from django.apps import apps

    return apps.get_model("penalties", "Penalty")._default_manager.get(pk=entry.ref_id).decision_no

"""Penalties as they reach the ledger in production: the violation-type code table loaded by its command, the
penalty file imported through the collection door of the server's operator (`import_records`, which registers an
unknown source on first use), classified by the table — no ledger fact by hand.

Used by tests of credit and of the domains above it (risk, sharing) in place of hand-written `listable_serious`.
"""

import csv
import tempfile
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

from django.apps import apps
from django.core.management import call_command

from foodcredit.accounts.models import User
from foodcredit.credit.models import LedgerEntry
from foodcredit.operators.models import Operator

# Texts of the seed table (penalties/data/violation_types.csv): a listable one and one that is not.
LISTABLE = "用非食品原料生产食品、在食品中添加食品添加剂以外的化学物质和其他可能危害人体健康的物质"
NOT_LISTABLE = "生产经营超过保质期的食品、食品添加剂"
SOURCE = "行政处罚系统"
HEADERS = [
    "处罚决定书文号",
    "统一社会信用代码",
    "处罚决定日期",
    "违法行为类型",
    "处罚依据",
    "处罚种类",
    "罚没金额（元）",
    "程序类型",
    "情节",
]
CIRCUMSTANCES = {"heavier": "从重", "general": "一般", "lighter": "从轻", "mitigated": "减轻", "": ""}
_serial = [0]


def importer() -> User:
    """A district regulator (created once per test database), e.g. to read the queue and the candidates."""
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
    """Import one penalty as a one-row CSV file with `import_records`; returns its current ledger entry."""
    if load_table:
        call_command("violation_types_load", stdout=StringIO())
    _serial[0] += 1
    decision_no = decision_no or f"渝江北市监罚〔{on.year}〕{_serial[0]:04d}号"
    row = [
        decision_no,
        operator.uscc,
        on.isoformat(),
        violation,
        "《中华人民共和国食品安全法》",
        "、".join(kinds),
        str(amount) if amount is not None else "",
        procedure,
        CIRCUMSTANCES.get(circumstance, circumstance),
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"penalties-{_serial[0]}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADERS)
            writer.writerow(row)
        call_command("import_records", str(path), kind="penalties", source=source, verbosity=0, stdout=StringIO())
    penalty = apps.get_model("penalties", "Penalty")._default_manager.filter(decision_no=decision_no).first()
    assert penalty is not None, f"the import of {decision_no} wrote nothing"
    return LedgerEntry.objects.get(ref_kind="penalty", ref_id=penalty.pk, superseded_by__isnull=True)


def decision_no_of(entry: LedgerEntry) -> str:
    """The 处罚决定书文号 of a penalty entry."""
    return apps.get_model("penalties", "Penalty")._default_manager.get(pk=entry.ref_id).decision_no

"""The credit ledger: one append-only entry per record about an operator (DOMAIN.md Part I §6)."""

from django.db import models

from foodcredit.core.sql import VendorSQL
from foodcredit.operators.models import Operator

from .. import ledger_codes


def _generated(verbose_name: str, field: type[models.Field], *, postgresql: str, sqlite: str) -> models.GeneratedField:
    """A stored column the database computes from the entry's own columns (one SQL per vendor, see ledger_codes)."""
    return models.GeneratedField(
        expression=VendorSQL(postgresql=postgresql, sqlite=sqlite, output_field=field()),
        output_field=field(),
        db_persist=True,
        verbose_name=verbose_name,
    )


def _inspector_column(slot: int) -> models.GeneratedField:
    return _generated(
        f"检查人员{slot + 1}",
        models.BigIntegerField,
        postgresql=ledger_codes.inspector_sql_postgresql(slot),
        sqlite=ledger_codes.inspector_sql_sqlite(slot),
    )


class LedgerEntry(models.Model):
    """An entry in an operator's credit file. Never edited: a correction appends and supersedes."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", "登记信息"
        LICENCE = "licence", "许可"
        INSPECTION = "inspection", "监督检查"
        SAMPLING_TEST = "sampling_test", "监督抽检"
        PENALTY = "penalty", "行政处罚"
        COMPLAINT = "complaint", "投诉举报"
        LIST_DECISION = "list_decision", "名录名单"
        COMMITMENT = "commitment", "信用承诺"
        REPAIR = "repair", "信用修复"
        ASSOCIATION_MEASURE = "association_measure", "行业自律措施"
        CLASS_CHANGE = "class_change", "信用风险分类"
        INTERVIEW = "interview", "责任约谈"  # an alert's 约谈 and the rectification it ordered (食品安全法 Art. 114)

    # Indexed through ledger_timeline_idx (operator first); a second index would only slow bulk writes. Entries are
    # appended by the bulk engine with the operator of the record it just wrote (operators are never deleted), so
    # no per-row FK trigger either: at city scale those commit-time checks cost minutes.
    operator = models.ForeignKey(
        Operator, on_delete=models.PROTECT, verbose_name="经营主体", db_index=False, db_constraint=False
    )
    kind = models.CharField("类型", max_length=30, choices=Kind.choices)
    occurred_on = models.DateField("发生日期")
    ref_kind = models.CharField("记录类型", max_length=20)
    ref_id = models.BigIntegerField("记录编号")
    # Append-only rows written in bulk by controlled code: no per-row FK trigger for these two references.
    source = models.ForeignKey(
        "core.Source",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        verbose_name="来源系统",
        db_constraint=False,
        db_index=False,
    )
    facts = models.JSONField("要素", default=dict)
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        verbose_name="被更正为",
        db_constraint=False,
        db_index=False,
    )
    recorded_at = models.DateTimeField("记录时间")
    job_id = models.BigIntegerField("导入任务编号", null=True, blank=True)
    # Computed by the database from kind and facts on every write (see ledger_codes): what the entry says as a
    # number, and who inspected, so that risk features read the timeline index alone.
    signal = _generated(
        "特征码",
        models.SmallIntegerField,
        postgresql=ledger_codes.SIGNAL_SQL_POSTGRESQL,
        sqlite=ledger_codes.SIGNAL_SQL_SQLITE,
    )
    inspector_1 = _inspector_column(0)
    inspector_2 = _inspector_column(1)
    inspector_3 = _inspector_column(2)
    valid_until_ymd = _generated(
        "许可有效期至（YYYYMMDD）",
        models.IntegerField,
        postgresql=ledger_codes.VALID_UNTIL_SQL_POSTGRESQL,
        sqlite=ledger_codes.VALID_UNTIL_SQL_SQLITE,
    )

    class Meta:
        verbose_name = "信用档案条目"
        verbose_name_plural = "信用档案条目"
        indexes = [
            # INCLUDE (PostgreSQL; ignored elsewhere): the risk feature pass is an index-only scan of this index.
            models.Index(
                fields=["operator", "-occurred_on", "-id"],
                include=["signal", "superseded_by", "inspector_1", "inspector_2", "inspector_3", "valid_until_ymd"],
                name="ledger_timeline_idx",
            ),
            models.Index(fields=["ref_kind", "ref_id"], name="ledger_ref_idx"),
            # Penalty entries, whose facts a risk feature reads: found without a scan of the whole heap.
            models.Index(
                fields=["operator"],
                condition=models.Q(signal=int(ledger_codes.Signal.PENALTY)),
                name="ledger_penalty_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on} #{self.ref_kind}:{self.ref_id}"

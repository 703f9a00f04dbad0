"""The credit ledger: one append-only entry per record about an operator (DOMAIN.md Part I §6)."""

from django.db import models

from foodcredit.operators.models import Operator


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

    # Indexed through ledger_timeline_idx (operator first); a second index would only slow bulk writes.
    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, verbose_name="经营主体", db_index=False)
    kind = models.CharField("类型", max_length=30, choices=Kind.choices)
    occurred_on = models.DateField("发生日期")
    ref_kind = models.CharField("记录类型", max_length=20)
    ref_id = models.BigIntegerField("记录编号")
    # Append-only rows written in bulk by controlled code: no per-row FK trigger for these two references.
    source = models.ForeignKey(
        "core.Source", null=True, blank=True, on_delete=models.DO_NOTHING, verbose_name="来源系统",
        db_constraint=False, db_index=False,
    )  # fmt: skip
    facts = models.JSONField("要素", default=dict)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+", verbose_name="被更正为",
        db_constraint=False, db_index=False,
    )  # fmt: skip
    recorded_at = models.DateTimeField("记录时间")
    job_id = models.BigIntegerField("导入任务编号", null=True, blank=True)

    class Meta:
        verbose_name = "信用档案条目"
        verbose_name_plural = "信用档案条目"
        indexes = [
            models.Index(fields=["operator", "-occurred_on", "-id"], name="ledger_timeline_idx"),
            models.Index(fields=["ref_kind", "ref_id"], name="ledger_ref_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on} #{self.ref_kind}:{self.ref_id}"

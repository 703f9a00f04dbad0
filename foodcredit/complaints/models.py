"""Complaints and reports (投诉举报). The complainant's identity is never stored here."""

from django.db import models

from foodcredit.core.models import BaseModel, Source
from foodcredit.operators.models import Operator


class Complaint(BaseModel):
    """A complaint or report about an operator, identified by (source, source id)."""

    class Channel(models.TextChoices):
        C12315 = "12315", "12315"
        C12345 = "12345", "12345"
        LETTER = "letter", "来信"
        VISIT = "visit", "来访"
        ONLINE = "online", "网络"
        OTHER = "other", "其他"

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", "投诉"
        REPORT = "report", "举报"

    class Verification(models.TextChoices):
        TRUE = "true", "属实"
        PARTLY_TRUE = "partly_true", "部分属实"
        UNTRUE = "untrue", "不属实"
        PENDING = "pending", "待核查"

    # Source systems are reference rows that are never deleted: no per-row FK trigger on bulk-written records.
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, verbose_name="来源系统", db_index=False, db_constraint=False
    )
    source_ref = models.CharField("投诉举报编号", max_length=100)
    # Written only by the bulk engine, which takes operator_id from a join with operators (and operators are never
    # deleted: deregistration is a status), so no per-row FK trigger: at city scale those checks cost minutes.
    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, verbose_name="经营主体", db_constraint=False)
    received_on = models.DateField("登记日期")
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    category = models.CharField("问题类别", max_length=100, blank=True)
    verification = models.CharField("核查结果", max_length=20, choices=Verification.choices, blank=True)

    class Meta:
        verbose_name = "投诉举报"
        verbose_name_plural = "投诉举报"
        constraints = [models.UniqueConstraint(fields=["source", "source_ref"], name="complaint_source_ref")]

    def __str__(self) -> str:
        return self.source_ref

"""Objections (异议申诉): a business user objects to a record on its operator's credit file; the district accepts it
for review, then corrects the record (a corrected ledger entry supersedes the old one, the statement on the file)
or rejects the objection with its reason. Deadlines are working days (core.workdays) from the settings."""

from django.conf import settings
from django.db import models

from foodcredit.core.models import BaseModel
from foodcredit.credit.models import LedgerEntry
from foodcredit.operators.models import Operator


class Objection(BaseModel):
    """One objection to one record of an operator's credit file, from submission to decision."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已提交"
        UNDER_REVIEW = "under_review", "已受理"
        CORRECTED = "corrected", "异议成立，已更正"
        REJECTED = "rejected", "异议不成立"

    OPEN = ("submitted", "under_review")

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, verbose_name="经营主体")
    # The entry objected to as it stood then; the record is (ref_kind, ref_id), which a correction keeps.
    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="+", verbose_name="档案条目")
    ref_kind = models.CharField("记录类型", max_length=20)
    ref_id = models.BigIntegerField("记录编号")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="申请人",
    )
    reason = models.TextField("异议理由")
    submitted_on = models.DateField("提交日期")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    accept_by = models.DateField("受理期限")
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    decide_by = models.DateField("办结期限", null=True, blank=True)
    # True when a deadline crossed a year the holiday calendar does not cover (core.workdays.Deadline.estimated).
    deadline_estimated = models.BooleanField("期限为估算", default=False)
    decided_on = models.DateField("办结日期", null=True, blank=True)
    decision_note = models.TextField("更正说明或不予更正的理由", blank=True)
    correction = models.ForeignKey(
        LedgerEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="更正后的条目"
    )

    class Meta:
        verbose_name = "异议申诉"
        verbose_name_plural = "异议申诉"
        indexes = [models.Index(fields=["status", "accept_by"], name="objection_queue_idx")]
        # One open objection per record: a second is refused by the service, a racing twin here.
        constraints = [
            models.UniqueConstraint(
                fields=["ref_kind", "ref_id"],
                condition=models.Q(status__in=["submitted", "under_review"]),
                name="objection_one_open_per_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.ref_kind}:{self.ref_id}"


class ObjectionAttachment(BaseModel):
    """Evidence attached to an objection: a JPEG or PNG photo or a PDF document, type told by its first bytes."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="attachments", verbose_name="异议")
    file = models.FileField("附件", upload_to="objections/%Y/%m/")
    name = models.CharField("文件名", max_length=200)

    class Meta:
        verbose_name = "异议附件"
        verbose_name_plural = "异议附件"

    def __str__(self) -> str:
        return self.name

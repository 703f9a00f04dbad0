"""The two lists (经营异常名录, 严重违法失信名单) and credit repair, each row a case followed from start to end."""

from django.conf import settings
from django.db import models

from foodcredit.core.models import BaseModel
from foodcredit.operators.models import Operator

from .ledger import LedgerEntry


class ListEntry(BaseModel):
    """A listing on the 经营异常名录 or the 严重违法失信名单, from proposal to removal (DOMAIN.md II.1, II.3).

    "谁处罚、谁列入、谁移出": the department that lists is the one that removes. The serious-list judgment (较重处罚,
    listable violation type, the officer's 情节严重 reasons, the no-intent exemption), the notice of the right to
    state a case or ask for a hearing and the upper-level approval are kept on the row; every step is audited, and
    the listing and its removal are filed in the ledger (kind list_decision, the removal superseding the listing).
    """

    class ListKind(models.TextChoices):
        ABNORMAL = "abnormal", "经营异常名录"
        SERIOUS = "serious", "严重违法失信名单"

    class Cause(models.TextChoices):
        ANNUAL_REPORT = "annual_report", "未按规定期限公示年度报告"
        INSTANT_INFO = "instant_info", "未在责令的期限内公示即时信息"
        FALSE_INFO = "false_info", "公示信息隐瞒真实情况、弄虚作假"
        UNREACHABLE = "unreachable", "通过登记的住所或者经营场所无法联系"
        SERIOUS_VIOLATION = "serious_violation", "严重违法失信行为（较重行政处罚）"
        ABNORMAL_THREE_YEARS = "abnormal_three_years", "列入经营异常名录届满3年仍未履行相关义务"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "拟列入（已告知）"
        AWAITING_APPROVAL = "awaiting_approval", "待上级批准"
        LISTED = "listed", "已列入"
        REMOVED = "removed", "已移出"
        DROPPED = "dropped", "不予列入"

    class RemovalReason(models.TextChoices):
        CORRECTED = "corrected", "已履行义务、纠正"
        EXPIRED = "expired", "期满移出"
        REPAIRED = "repaired", "信用修复（提前移出）"
        REVERSED = "reversed", "决定被撤销或变更"
        DEREGISTERED = "deregistered", "已注销"
        ESCALATED = "escalated", "转入严重违法失信名单"

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, verbose_name="经营主体")
    list_kind = models.CharField("名录名单", max_length=20, choices=ListKind.choices)
    cause = models.CharField("列入事由", max_length=30, choices=Cause.choices)
    legal_basis = models.CharField("法律依据", max_length=300)
    status = models.CharField("状态", max_length=20, choices=Status.choices)
    department = models.CharField("作出决定部门", max_length=100)
    decision_no = models.CharField("决定书文号", max_length=100, blank=True)
    decided_on = models.DateField("列入日期", null=True, blank=True)
    # A legal restriction longer than the listing period keeps the listing until it ends (DOMAIN.md II §1.4).
    restriction_until = models.DateField("限制期限至", null=True, blank=True)
    # The serious-list judgment record (总局令第44号; DOMAIN.md II §1.1-1.2).
    penalty_ref_id = models.BigIntegerField("所依据行政处罚", null=True, blank=True)
    penalty_decision_no = models.CharField("所依据处罚决定书文号", max_length=100, blank=True)
    heavy_penalty = models.BooleanField("较重行政处罚", default=False)
    listable_violation = models.BooleanField("属可列入领域的违法行为", default=False)
    serious_reasons = models.TextField("情节严重的认定理由", blank=True)
    no_intent_proven = models.BooleanField("当事人已证明无主观故意", default=False)
    notice_served_on = models.DateField("告知陈述申辩、听证权利日期", null=True, blank=True)
    hearing_requested = models.BooleanField("当事人要求听证", default=False)
    approval_required = models.BooleanField("需上一级批准", default=False)
    approved_on = models.DateField("上一级批准日期", null=True, blank=True)
    approved_by = models.CharField("批准机关", max_length=100, blank=True)
    escalated_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="由经营异常名录转入"
    )
    # The 60-day notice on GSXT before an abnormal listing reaches 3 years (DOMAIN.md II §3.4).
    escalation_notice_on = models.DateField("届满3年前公告日期", null=True, blank=True)
    removed_on = models.DateField("移出日期", null=True, blank=True)
    removal_reason = models.CharField("移出原因", max_length=20, choices=RemovalReason.choices, blank=True)
    removal_note = models.TextField("移出说明", blank=True)

    class Meta:
        verbose_name = "名录名单记录"
        verbose_name_plural = "名录名单记录"
        indexes = [models.Index(fields=["operator", "list_kind", "status"], name="list_operator_idx")]

    def __str__(self) -> str:
        return f"{self.get_list_kind_display()} {self.operator_id} {self.get_status_display()}"


class RepairApplication(BaseModel):
    """A credit-repair application (信用修复): checked by rule at submission, then accepted, reviewed and decided."""

    class Target(models.TextChoices):
        PENALTY = "penalty", "行政处罚信息提前停止公示"
        ABNORMAL = "abnormal", "移出经营异常名录"
        SERIOUS = "serious", "提前移出严重违法失信名单"

    class Status(models.TextChoices):
        REFUSED = "refused", "不符合申请条件"
        SUBMITTED = "submitted", "已提交"
        ACCEPTED = "accepted", "已受理"
        GRANTED = "granted", "准予修复"
        DENIED = "denied", "不予修复"

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, verbose_name="经营主体")
    target = models.CharField("修复事项", max_length=20, choices=Target.choices)
    penalty_entry = models.ForeignKey(
        LedgerEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="行政处罚条目"
    )
    list_entry = models.ForeignKey(
        ListEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="名录名单记录"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, verbose_name="申请人"
    )
    submitted_on = models.DateField("提交日期")
    commitment = models.TextField("守信承诺书")
    evidence = models.TextField("履行义务、纠正违法行为的证明")
    status = models.CharField("状态", max_length=20, choices=Status.choices)
    refusal_rule = models.CharField("不符合的规则", max_length=60, blank=True)
    eligible_from = models.DateField("可申请日期", null=True, blank=True)
    accept_by = models.DateField("受理期限", null=True, blank=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    decide_by = models.DateField("决定期限", null=True, blank=True)
    # True when a deadline crossed a year the holiday calendar does not cover (core.workdays.Deadline.estimated).
    deadline_estimated = models.BooleanField("期限为估算", default=False)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decision_note = models.TextField("决定理由", blank=True)
    # The client's Idempotency-Key of the submission: a retried request returns the first application.
    idempotency_key = models.CharField("幂等键", max_length=100, blank=True)

    OPEN = ("submitted", "accepted")

    class Meta:
        verbose_name = "信用修复申请"
        verbose_name_plural = "信用修复申请"
        # At most one open application per (operator, record) — the race two submissions win together past the
        # service's check ends here (partial unique indexes: SQLite and PostgreSQL both have them).
        constraints = [
            models.UniqueConstraint(
                fields=["operator", "penalty_entry"],
                condition=models.Q(status__in=["submitted", "accepted"], penalty_entry__isnull=False),
                name="repair_one_open_per_penalty",
            ),
            models.UniqueConstraint(
                fields=["operator", "list_entry"],
                condition=models.Q(status__in=["submitted", "accepted"], list_entry__isnull=False),
                name="repair_one_open_per_listing",
            ),
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="repair_idempotency_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_target_display()} {self.operator_id} {self.get_status_display()}"

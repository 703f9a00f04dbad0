"""The credit ledger: one append-only entry per record about an operator (DOMAIN.md Part I §6)."""

from django.conf import settings
from django.db import models

from foodcredit.core.models import BaseModel
from foodcredit.core.sql import VendorSQL
from foodcredit.operators.models import Operator

from . import ledger_codes


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


class Commitment(BaseModel):
    """A credit commitment (信用承诺) and its verification; a false one is filed in the ledger and disclosed."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", "登记注册信用承诺"
        NOTIFY_COMMIT = "notify_commit", "许可告知承诺"
        REPAIR = "repair", "信用修复守信承诺"
        SAFE_FOOD_SUPERMARKET = "safe_food_supermarket", "放心食品超市自我承诺"

    class Verification(models.TextChoices):
        PENDING = "pending", "待核查"
        KEPT = "kept", "承诺属实"
        FALSE = "false", "虚假承诺"

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, verbose_name="经营主体")
    kind = models.CharField("承诺类型", max_length=30, choices=Kind.choices)
    made_on = models.DateField("承诺日期")
    text = models.TextField("承诺内容")
    verification = models.CharField("核查结果", max_length=20, choices=Verification.choices, default="pending")
    verified_on = models.DateField("核查日期", null=True, blank=True)
    verification_note = models.TextField("核查说明", blank=True)
    # Who recorded it and the client's Idempotency-Key: a retried request returns the first commitment.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="记录人",
    )
    idempotency_key = models.CharField("幂等键", max_length=100, blank=True)

    class Meta:
        verbose_name = "信用承诺"
        verbose_name_plural = "信用承诺"
        indexes = [models.Index(fields=["operator", "verification"], name="commitment_operator_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="commitment_idempotency_key_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.operator_id}"


class PersonBan(BaseModel):
    """A person-level ban (行业禁入, 食品安全法 Art. 135): linked by the HMAC of the ID number, never the number."""

    class Basis(models.TextChoices):
        LICENCE_REVOKED = "licence_revoked", "被吊销许可证（五年内不得从业）"
        FOOD_CRIME = "food_crime", "食品安全犯罪被判处有期徒刑以上刑罚（终身不得从业）"

    id_hash = models.CharField("证件号码索引", max_length=64, db_index=True)
    name = models.CharField("姓名", max_length=100)
    operator = models.ForeignKey(Operator, null=True, blank=True, on_delete=models.PROTECT, verbose_name="所在经营主体")
    basis = models.CharField("禁入事由", max_length=20, choices=Basis.choices)
    legal_basis = models.CharField("法律依据", max_length=200)
    decision_no = models.CharField("决定书或判决书文号", max_length=100)
    decided_on = models.DateField("决定（判决）日期")
    until = models.DateField("禁入期限至", null=True, blank=True)  # None: lifetime
    department = models.CharField("作出决定部门", max_length=100)

    class Meta:
        verbose_name = "从业禁止"
        verbose_name_plural = "从业禁止"

    def __str__(self) -> str:
        return f"{self.get_basis_display()} {self.decided_on}"


class CaseStudy(BaseModel):
    """A typical case (典型案例) the bureau publishes, with its exposure; withdrawn cases leave public view."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"
        WITHDRAWN = "withdrawn", "已撤回"

    title = models.CharField("标题", max_length=200)
    operator = models.ForeignKey(Operator, null=True, blank=True, on_delete=models.PROTECT, verbose_name="涉及经营主体")
    penalty_decision_no = models.CharField("处罚决定书文号", max_length=100, blank=True)
    body = models.TextField("案情与处理")
    exposure = models.TextField("曝光说明", blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default="draft")
    published_on = models.DateField("发布日期", null=True, blank=True)

    class Meta:
        verbose_name = "典型案例"
        verbose_name_plural = "典型案例"

    def __str__(self) -> str:
        return self.title


class DisclosureHold(BaseModel):
    """不予公示: a record the law keeps from publication (POLICY 四(三): state or trade secrets, personal privacy,
    minors), marked by the district with its legal ground. While the mark stands the record is on no public output;
    the internal file shows it with the mark. The mark names the record (ref_kind, ref_id) as the ledger does, so it
    holds across the record's corrections; removing it ends it (the row stays, both steps audited)."""

    class Ground(models.TextChoices):
        STATE_SECRET = "state_secret", "涉及国家秘密"
        TRADE_SECRET = "trade_secret", "涉及商业秘密"
        PERSONAL_PRIVACY = "personal_privacy", "涉及个人隐私"
        MINOR = "minor", "涉及未成年人"
        OTHER_LAW = "other_law", "法律、行政法规规定不予公开的其他情形"

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, verbose_name="经营主体")
    ref_kind = models.CharField("记录类型", max_length=20)
    ref_id = models.BigIntegerField("记录编号")
    entry_kind = models.CharField("档案条目类型", max_length=30, choices=LedgerEntry.Kind.choices)
    ground = models.CharField("不予公示依据", max_length=30, choices=Ground.choices)
    ground_note = models.TextField("依据说明")
    set_on = models.DateField("标注日期")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="标注人",
    )
    removed_on = models.DateField("撤销日期", null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="撤销人",
    )
    removal_note = models.TextField("撤销理由", blank=True)

    class Meta:
        verbose_name = "不予公示标注"
        verbose_name_plural = "不予公示标注"
        indexes = [models.Index(fields=["ref_kind", "ref_id"], name="hold_ref_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["ref_kind", "ref_id"], condition=models.Q(removed_on__isnull=True), name="hold_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_ground_display()} {self.ref_kind}:{self.ref_id}"

"""Commitments (信用承诺), person bans (行业禁入), typical cases (典型案例) and 不予公示 holds."""

from django.conf import settings
from django.db import models

from foodcredit.core.models import BaseModel
from foodcredit.operators.models import Operator

from .ledger import LedgerEntry


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

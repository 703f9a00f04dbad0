"""Credit-risk classification (信用风险分类 A/B/C/D): the model registry, classification runs and their results.

Results are versioned: every run keeps its own rows (class, score, model, explanation, date), so an operator's
class history is the list of its results; a change of class is also filed in the credit ledger (class_change).
"""

from django.conf import settings
from django.db import models

from foodcredit.core.models import BaseModel
from foodcredit.operators.models import Operator


class RiskClass(models.TextChoices):
    """The four classes of 国市监信发〔2022〕6号 (DOMAIN.md II §4.1)."""

    A = "A", "信用风险低"
    B = "B", "信用风险一般"
    C = "C", "信用风险较高"
    D = "D", "信用风险高"


class RiskModel(BaseModel):
    """A registered model: its artifact, training window, metrics, feature list and hash."""

    class Kind(models.TextChoices):
        SCORECARD = "scorecard", "评分卡"
        LOGISTIC = "logistic", "正则化逻辑回归"
        LIGHTGBM = "lightgbm", "梯度提升树（LightGBM）"

    class Status(models.TextChoices):
        CANDIDATE = "candidate", "待启用"
        ACTIVE = "active", "使用中"
        RETIRED = "retired", "已停用"

    version = models.CharField("版本", max_length=40, unique=True)
    kind = models.CharField("模型类型", max_length=20, choices=Kind.choices)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.CANDIDATE)
    trained_from = models.DateField("训练窗口起")
    trained_until = models.DateField("训练窗口止（不含）")
    indicators = models.CharField("指标体系版本", max_length=40)
    features = models.JSONField("特征", default=list)
    metrics = models.JSONField("评估指标", default=dict)
    cutoffs = models.JSONField("分类阈值", default=dict)
    artifact = models.BinaryField("模型文件")
    sha256 = models.CharField("模型摘要", max_length=64)
    activated_at = models.DateTimeField("启用时间", null=True, blank=True)
    activation_reason = models.TextField("强制启用理由", blank=True)

    class Meta:
        verbose_name = "风险分类模型"
        verbose_name_plural = "风险分类模型"

    def __str__(self) -> str:
        return f"{self.version}（{self.get_status_display()}）"


class ClassificationRun(BaseModel):
    """One classification of operators as of a date with one model (possibly split into partitions)."""

    class Status(models.TextChoices):
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"

    as_of = models.DateField("分类日期")
    model = models.ForeignKey(RiskModel, on_delete=models.PROTECT, verbose_name="模型")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.RUNNING)
    operators = models.PositiveIntegerField("经营主体数", default=0)
    distribution = models.JSONField("分类分布", default=dict)
    changed = models.PositiveIntegerField("类别变化数", default=0)

    class Meta:
        verbose_name = "风险分类批次"
        verbose_name_plural = "风险分类批次"

    def __str__(self) -> str:
        return f"{self.as_of} {self.model.version}"


class ClassResult(models.Model):
    """An operator's class in one run: class, score (higher = riskier), model, explanation, date."""

    run = models.ForeignKey(ClassificationRun, on_delete=models.CASCADE, verbose_name="分类批次", db_index=False)
    # Written a million at a time by COPY; operators are never deleted (PROTECT elsewhere), so no FK trigger.
    operator = models.ForeignKey(
        Operator, on_delete=models.DO_NOTHING, verbose_name="经营主体", db_constraint=False, db_index=False
    )
    as_of = models.DateField("分类日期")
    risk_class = models.CharField("风险类别", max_length=1, choices=RiskClass.choices)
    model_class = models.CharField("模型类别", max_length=1, choices=RiskClass.choices)
    score = models.FloatField("风险分值")
    rule = models.CharField("适用规则", max_length=40, blank=True)
    explanation = models.JSONField("主要指标说明", default=list)

    class Meta:
        verbose_name = "风险分类结果"
        verbose_name_plural = "风险分类结果"
        constraints = [models.UniqueConstraint(fields=["run", "operator"], name="risk_result_run_operator")]
        indexes = [models.Index(fields=["operator", "-as_of", "-run"], name="risk_result_history_idx")]

    def __str__(self) -> str:
        return f"{self.operator_id} {self.as_of} {self.risk_class}"


class ClassOverride(BaseModel):
    """A regulator's override of an operator's class, with a reason; audited, and it expires."""

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, verbose_name="经营主体")
    risk_class = models.CharField("调整为", max_length=1, choices=RiskClass.choices)
    reason = models.TextField("理由")
    valid_from = models.DateField("生效日期")
    valid_until = models.DateField("失效日期（不含）")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, verbose_name="调整人"
    )
    revoked_on = models.DateField("撤销日期", null=True, blank=True)

    class Meta:
        verbose_name = "风险类别人工调整"
        verbose_name_plural = "风险类别人工调整"
        indexes = [models.Index(fields=["operator", "valid_until"], name="risk_override_operator_idx")]

    def __str__(self) -> str:
        return f"{self.operator_id} → {self.risk_class} ({self.valid_from}–{self.valid_until})"

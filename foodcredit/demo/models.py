"""The simulated district's hidden truth. Written by `seed_demo`, read only by `seed_oracle_report`.

The risk code must never read these tables: they hold what a real bureau can never observe, so that a model's
ranking can be compared with the best ranking possible (the oracle).
"""

from django.db import models


class LatentRisk(models.Model):
    """An operator's true probability of a serious finding, per month or averaged over up to a year.

    A row covers `months` consecutive months from `month` (a first day of month) in which the operator
    existed. Districts of at most `latent_risk.monthly_max_operators` operators (params.yaml, 50 000) get one
    row per operator-month (`months` = 1); larger ones get one row per operator and 12-month block, the blocks
    counted back from the seeding date, so that 1 M operators × 3 years stay a few million rows instead of
    37 million. `risk` is then the mean monthly probability over the months the row covers.
    """

    operator_uscc = models.CharField("统一社会信用代码", max_length=18)
    month = models.DateField("起始月份")
    months = models.PositiveSmallIntegerField("覆盖月数", default=1)
    risk = models.FloatField("当月严重问题概率")

    class Meta:
        verbose_name = "潜在风险（模拟真值）"
        verbose_name_plural = "潜在风险（模拟真值）"
        constraints = [
            models.UniqueConstraint(fields=["operator_uscc", "month"], name="demo_latent_risk_unique"),
        ]
        indexes = [models.Index(fields=["month"], name="demo_latent_risk_month_idx")]

    def __str__(self) -> str:
        return f"{self.operator_uscc} {self.month:%Y-%m} +{self.months} {self.risk:.4f}"


class InspectorEffect(models.Model):
    """An inspector's true strictness: the log-odds added to the chance that an inspection is 不符合."""

    cert_no = models.CharField("执法证号", max_length=40, unique=True)
    name = models.CharField("姓名", max_length=100)
    strictness = models.FloatField("严格度（对数几率）")

    class Meta:
        verbose_name = "检查人员严格度（模拟真值）"
        verbose_name_plural = "检查人员严格度（模拟真值）"

    def __str__(self) -> str:
        return f"{self.name}（{self.cert_no}）{self.strictness:+.2f}"


class SeedRun(models.Model):
    """One run of `seed_demo`: what was simulated, so that the oracle report knows the world's horizon."""

    seeded_at = models.DateTimeField("生成时间")
    seed = models.BigIntegerField("随机种子")
    operators = models.PositiveIntegerField("经营主体数")
    years = models.PositiveSmallIntegerField("年数")
    as_of = models.DateField("截止日期")
    params_sha256 = models.CharField("参数摘要", max_length=64)
    monthly = models.BooleanField("按月存储潜在风险")
    counts = models.JSONField("各类记录数", default=dict)

    class Meta:
        verbose_name = "演示数据生成记录"
        verbose_name_plural = "演示数据生成记录"

    def __str__(self) -> str:
        return f"seed={self.seed} n={self.operators} {self.as_of}"

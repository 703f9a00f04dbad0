"""Supervisory sampling tests (监督抽检)."""

from django.db import models

from foodcredit.core.models import BaseModel, Source
from foodcredit.operators.models import Operator


class SamplingTest(BaseModel):
    """One sampling test of a product at an operator, identified by (source, source id)."""

    class Conclusion(models.TextChoices):
        PASS = "pass", "合格"
        FAIL = "fail", "不合格"

    class FailureKind(models.TextChoices):
        MICROBIAL = "microbial", "微生物"
        PESTICIDE = "pesticide", "农药残留"
        VET_DRUG = "vet_drug", "兽药残留"
        ADDITIVE = "additive", "食品添加剂"
        HEAVY_METAL = "heavy_metal", "重金属"
        MYCOTOXIN = "mycotoxin", "真菌毒素"
        QUALITY = "quality", "质量指标"
        CONTAMINANT = "contaminant", "其他污染物"
        OTHER = "other", "其他"

    # Source systems are reference rows that are never deleted: no per-row FK trigger on bulk-written records.
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, verbose_name="来源系统", db_index=False, db_constraint=False
    )
    source_ref = models.CharField("抽检编号", max_length=100)
    # Written only by the bulk engine, which takes operator_id from a join with operators (and operators are never
    # deleted: deregistration is a status), so no per-row FK trigger: at city scale those checks cost minutes.
    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, verbose_name="经营主体", db_constraint=False)
    sampled_on = models.DateField("抽样日期")
    product = models.CharField("样品名称", max_length=200)
    food_category = models.CharField("食品类别", max_length=100, blank=True)
    conclusion = models.CharField("检验结论", max_length=10, choices=Conclusion.choices)
    failed_items = models.TextField("不合格项目", blank=True)
    failure_kind = models.CharField("不合格项目类别", max_length=20, choices=FailureKind.choices, blank=True)

    class Meta:
        verbose_name = "监督抽检"
        verbose_name_plural = "监督抽检"
        constraints = [models.UniqueConstraint(fields=["source", "source_ref"], name="sampling_source_ref")]

    def __str__(self) -> str:
        return f"{self.source_ref} {self.product}"

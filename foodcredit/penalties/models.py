"""Administrative penalties (行政处罚), identified by 处罚决定书文号, and the violation-type code table."""

from django.db import models

from foodcredit.core.models import BaseModel, Source
from foodcredit.operators.models import Operator


class ViolationType(models.Model):
    """A violation type; `listable_serious` marks the fields of 总局令第44号 Art. 5 (DOMAIN.md II §1.2)."""

    UNCLASSIFIED = "UNCLASSIFIED"

    code = models.CharField("编码", max_length=40, unique=True)
    name = models.CharField("违法行为类型", max_length=200)
    legal_basis = models.CharField("依据", max_length=200, blank=True)
    listable_serious = models.BooleanField("可列入严重违法失信名单", default=False)
    # Why the type is listable: the article of 总局令第44号 (required when `listable_serious`).
    listing_basis = models.CharField("列入严重违法失信名单依据", max_length=300, blank=True)
    # A seeded row whose article numbers are still to be checked against the official text (DOMAIN.md II §1.2 [M]).
    provisional = models.BooleanField("待核对", default=False)

    class Meta:
        verbose_name = "违法行为类型"
        verbose_name_plural = "违法行为类型"

    def __str__(self) -> str:
        return self.name


class ViolationMapping(models.Model):
    """A source's own text for a violation, mapped to a code; unmapped texts stay 未分类 for review."""

    # Source systems are reference rows that are never deleted: no per-row FK trigger on bulk-written records.
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, verbose_name="来源系统", db_index=False, db_constraint=False
    )
    text = models.CharField("原文", max_length=300)
    violation_type = models.ForeignKey(ViolationType, on_delete=models.PROTECT, verbose_name="违法行为类型")

    class Meta:
        verbose_name = "违法行为映射"
        verbose_name_plural = "违法行为映射"
        constraints = [models.UniqueConstraint(fields=["source", "text"], name="violation_mapping_unique")]

    def __str__(self) -> str:
        return f"{self.text} → {self.violation_type_id}"


class Penalty(BaseModel):
    """An administrative penalty decision."""

    class Procedure(models.TextChoices):
        ORDINARY = "ordinary", "普通程序"
        SIMPLE = "simple", "简易程序"

    class Circumstance(models.TextChoices):
        GENERAL = "general", "一般"
        LIGHTER = "lighter", "从轻"
        MITIGATED = "mitigated", "减轻"
        HEAVIER = "heavier", "从重"

    KINDS = [
        "警告",
        "通报批评",
        "罚款",
        "没收违法所得",
        "没收非法财物",
        "责令停产停业",
        "限制开展生产经营活动",
        "限制从业",
        "降低资质等级",
        "吊销许可证件",
        "吊销营业执照",
    ]

    decision_no = models.CharField("处罚决定书文号", max_length=100, unique=True)
    # Written only by the bulk engine, which takes operator_id from a join with operators (and operators are never
    # deleted: deregistration is a status), so no per-row FK trigger: at city scale those checks cost minutes.
    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, verbose_name="经营主体", db_constraint=False)
    decided_on = models.DateField("处罚决定日期")
    violation = models.CharField("违法行为类型（原文）", max_length=300)
    violation_type = models.ForeignKey(ViolationType, on_delete=models.PROTECT, verbose_name="违法行为类型")
    legal_basis = models.TextField("处罚依据", blank=True)
    kinds = models.JSONField("处罚种类", default=list)
    amount = models.DecimalField("罚没金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    procedure = models.CharField("程序类型", max_length=20, choices=Procedure.choices)
    circumstance = models.CharField("情节", max_length=20, choices=Circumstance.choices, blank=True)
    # Source systems are reference rows that are never deleted: no per-row FK trigger on bulk-written records.
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, verbose_name="来源系统", db_index=False, db_constraint=False
    )

    class Meta:
        verbose_name = "行政处罚"
        verbose_name_plural = "行政处罚"

    def __str__(self) -> str:
        return self.decision_no

"""Supervisory inspections (监督检查) and the inspector directory (执法检查人员名录库)."""

from django.db import models

from foodcredit.core.models import BaseModel, Source
from foodcredit.operators.models import Operator


class Inspector(BaseModel):
    """A law-enforcement inspector, keyed by 执法证号; imports may name one only by name (unverified)."""

    cert_no = models.CharField("执法证号", max_length=40, null=True, blank=True, unique=True)
    name = models.CharField("姓名", max_length=100)
    department_code = models.CharField("所属部门编码", max_length=40, blank=True)
    verified = models.BooleanField("已核实", default=False)

    class Meta:
        verbose_name = "执法检查人员"
        verbose_name_plural = "执法检查人员"
        constraints = [
            models.UniqueConstraint(
                fields=["department_code", "name"],
                condition=models.Q(cert_no__isnull=True),
                name="inspector_unverified_name_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.cert_no or '未核实'}）"


class Inspection(BaseModel):
    """One supervisory inspection of an operator, identified by (source, source id)."""

    class Kind(models.TextChoices):
        ROUTINE = "routine", "日常检查"
        SPECIAL = "special", "专项检查"
        RANDOM = "random", "双随机抽查"
        FLYING = "flying", "飞行检查"
        COMPLAINT = "complaint", "投诉核查"

    class Result(models.TextChoices):
        CONFORM = "conform", "符合"
        BASICALLY_CONFORM = "basically_conform", "基本符合"
        NONCONFORM = "nonconform", "不符合"

    # Source systems are reference rows that are never deleted: no per-row FK trigger on bulk-written records.
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, verbose_name="来源系统", db_index=False, db_constraint=False
    )
    source_ref = models.CharField("检查编号", max_length=100)
    # Written only by the bulk engine, which takes operator_id from a join with operators (and operators are never
    # deleted: deregistration is a status), so no per-row FK trigger: at city scale those checks cost minutes.
    operator = models.ForeignKey(
        Operator, on_delete=models.PROTECT, verbose_name="经营主体", db_constraint=False, db_index=False
    )  # indexed with the date below
    inspected_on = models.DateField("检查日期")
    kind = models.CharField("检查类型", max_length=20, choices=Kind.choices)
    result = models.CharField("检查结果", max_length=20, choices=Result.choices)
    findings = models.TextField("发现问题", blank=True)
    inspectors_text = models.CharField("检查人员（原文）", max_length=300, blank=True)
    inspectors = models.ManyToManyField(Inspector, blank=True, through="InspectionInspector", verbose_name="检查人员")

    class Meta:
        verbose_name = "监督检查"
        verbose_name_plural = "监督检查"
        constraints = [models.UniqueConstraint(fields=["source", "source_ref"], name="inspection_source_ref")]
        # An operator's inspections by date: its latest one (planning's minimum-frequency list) is an index-only
        # scan — at 1 M operators and 3 M inspections 0.6 s against 6.7 s through the plain operator index.
        indexes = [models.Index(fields=["operator", "inspected_on"], name="inspection_operator_day_idx")]

    def __str__(self) -> str:
        return f"{self.source_ref} {self.inspected_on}"


class InspectionInspector(models.Model):
    """Who inspected: written set-based with the inspections (both ends exist by construction, so no FK triggers)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False)
    inspector = models.ForeignKey(Inspector, on_delete=models.DO_NOTHING, db_constraint=False)

    class Meta:
        db_table = "inspections_inspection_inspectors"
        verbose_name = "检查人员分工"
        verbose_name_plural = "检查人员分工"
        constraints = [models.UniqueConstraint(fields=["inspection", "inspector"], name="inspection_inspector_unique")]

    def __str__(self) -> str:
        return f"{self.inspection_id} ← {self.inspector_id}"

"""Random-inspection planning (双随机、一公开): the inspector directory's planning data, plans, tasks, triggers."""

from django.conf import settings
from django.db import models

from foodcredit.core.models import BaseModel
from foodcredit.inspections.models import Inspection, Inspector
from foodcredit.operators.models import Operator


class InspectorProfile(BaseModel):
    """What planning needs to know about an inspector (执法检查人员名录库): qualified sectors and availability."""

    inspector = models.OneToOneField(
        Inspector, on_delete=models.CASCADE, related_name="planning_profile", verbose_name="执法检查人员"
    )
    sectors = models.JSONField("可检查业态", default=list, blank=True)  # Operator.Sector values
    available = models.BooleanField("可参加抽查", default=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "执法检查人员抽查资格"
        verbose_name_plural = "执法检查人员抽查资格"

    def __str__(self) -> str:
        return f"{self.inspector_id} {self.sectors}"


class InspectorConflict(BaseModel):
    """A declared conflict of interest (回避): the inspector is never drawn for this operator."""

    class Kind(models.TextChoices):
        RELATIVE = "relative", "近亲属"
        FORMER_EMPLOYER = "former_employer", "曾任职单位"
        OTHER = "other", "其他利害关系"

    inspector = models.ForeignKey(
        Inspector, on_delete=models.CASCADE, related_name="planning_conflicts", verbose_name="执法检查人员"
    )
    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="+", verbose_name="经营主体")
    kind = models.CharField("回避事由", max_length=20, choices=Kind.choices)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "回避申报"
        verbose_name_plural = "回避申报"
        constraints = [models.UniqueConstraint(fields=["inspector", "operator"], name="inspector_conflict_unique")]

    def __str__(self) -> str:
        return f"{self.inspector_id} ≠ {self.operator_id}"


class Plan(BaseModel):
    """A random-inspection plan (抽查计划): parameters, the seed commitment, the frozen snapshot and the draw.

    Once drawn it is reviewed and published, never redrawn: a change is a new version (`previous`), audited.
    """

    class Status(models.TextChoices):
        COMMITTED = "committed", "已公布随机种子承诺"
        DRAWN = "drawn", "已抽取待公布"
        PUBLISHED = "published", "已抽取并公布"
        SUPERSEDED = "superseded", "已被新版本取代"

    name = models.CharField("计划名称", max_length=200)
    version = models.PositiveIntegerField("版本", default=1)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version", verbose_name="上一版本"
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.COMMITTED)
    period_start = models.DateField("抽查期间自")
    period_end = models.DateField("抽查期间至")
    # Scope: {"streets": [...], "sectors": [...], "business_types": [...]}; an empty list means no restriction.
    scope = models.JSONField("抽查范围", default=dict, blank=True)
    ratios = models.JSONField("各类抽查比例")  # {"A": 0.03, …}
    min_frequency = models.JSONField("各类最低检查频次（次/年）")
    street_quotas = models.JSONField("街道名额上限", default=dict, blank=True)
    exclude_inspected_within_days = models.PositiveIntegerField("近期已检查排除天数")
    observation_months = models.PositiveIntegerField("新业态观察期（月）")
    inspectors_per_task = models.PositiveSmallIntegerField("每户检查人员数")
    inspector_cap = models.PositiveIntegerField("每名检查人员任务上限")
    as_of = models.DateField("名录基准日")
    # Commit-reveal: the seed's SHA-256 is published at creation; the seed itself only after the draw. Until then it
    # is kept sealed (AES-GCM with the field key, which is not in the database): whoever can read the database —
    # a DBA, a backup — cannot foresee the draw, nor shape the directory before the freeze to steer it.
    seed_commitment = models.CharField("随机种子承诺（SHA-256）", max_length=64)
    seed_sealed = models.TextField("随机种子（抽取前加密）", blank=True, default="")
    seed = models.CharField("随机种子（抽取后公开）", max_length=64, blank=True, default="")
    seed_revealed = models.BooleanField("种子已公开", default=False)
    committed_at = models.DateTimeField("承诺时间")
    snapshot_sha256 = models.CharField("名录快照哈希", max_length=64, blank=True)
    snapshot_at = models.DateTimeField("快照冻结时间", null=True, blank=True)
    object_count = models.PositiveIntegerField("名录对象数", default=0)
    inspector_count = models.PositiveIntegerField("名录检查人员数", default=0)
    task_count = models.PositiveIntegerField("抽取任务数", default=0)
    drawn_at = models.DateTimeField("抽取时间", null=True, blank=True)
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    algorithm = models.CharField("抽取算法", max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, verbose_name="创建人"
    )
    reason = models.CharField("变更理由", max_length=300, blank=True)

    class Meta:
        verbose_name = "抽查计划"
        verbose_name_plural = "抽查计划"

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class PlanSnapshot(models.Model):
    """The frozen directory listing a plan was drawn from (zlib-compressed canonical text; hash on the plan)."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="snapshot", verbose_name="抽查计划")
    content = models.BinaryField("名录快照（压缩）")

    class Meta:
        verbose_name = "名录快照"
        verbose_name_plural = "名录快照"

    def __str__(self) -> str:
        return f"snapshot of plan {self.plan_id}"


class Trigger(BaseModel):
    """A trigger (触发式监管): a verified complaint, a failed sample, an alert or a class jump to C/D."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", "投诉举报核查属实"
        SAMPLING = "sampling", "抽检不合格"
        ALERT = "alert", "监测预警"
        CLASS_JUMP = "class_jump", "信用风险分类升至C/D"

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="+", verbose_name="经营主体")
    kind = models.CharField("触发类型", max_length=20, choices=Kind.choices)
    occurred_on = models.DateField("触发日期")
    # The ledger entry that fired it (idempotency: one trigger per entry); alerts name their own reference.
    ref_kind = models.CharField("来源记录类型", max_length=20)
    ref_id = models.BigIntegerField("来源记录编号")

    class Meta:
        verbose_name = "触发事件"
        verbose_name_plural = "触发事件"
        constraints = [models.UniqueConstraint(fields=["ref_kind", "ref_id"], name="trigger_ref_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.operator_id} {self.occurred_on}"


class Task(BaseModel):
    """One inspection task: a drawn object of a plan, or a targeted task created by a trigger."""

    class Kind(models.TextChoices):
        RANDOM = "random", "双随机抽查"
        TARGETED = "targeted", "触发式检查"

    class Status(models.TextChoices):
        UNASSIGNED = "unassigned", "待分派"
        ASSIGNED = "assigned", "待检查"
        RECORDED = "recorded", "已录入结果"
        PUBLISHED = "published", "已公示结果"
        CANCELLED = "cancelled", "已撤销"

    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks", verbose_name="抽查计划"
    )
    seq = models.PositiveIntegerField("计划内序号", null=True, blank=True)
    operator = models.ForeignKey(
        Operator, on_delete=models.PROTECT, related_name="planning_tasks", verbose_name="经营主体", db_index=False
    )
    kind = models.CharField("任务类型", max_length=20, choices=Kind.choices)
    risk_class = models.CharField("信用风险分类", max_length=1)
    status = models.CharField("状态", max_length=20, choices=Status.choices, db_index=True)
    trigger = models.OneToOneField(
        Trigger, null=True, blank=True, on_delete=models.PROTECT, related_name="task", verbose_name="触发事件"
    )
    inspectors = models.ManyToManyField(
        Inspector, through="TaskInspector", related_name="planning_tasks", verbose_name="检查人员"
    )
    inspected_on = models.DateField("检查日期", null=True, blank=True)
    result = models.CharField("检查结果", max_length=20, choices=Inspection.Result.choices, blank=True)
    findings = models.TextField("发现问题", blank=True)
    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="检查记录"
    )
    publish_due_on = models.DateField("结果公示期限", null=True, blank=True)
    publish_due_estimated = models.BooleanField("期限为估算", default=False)
    published_on = models.DateField("结果公示日期", null=True, blank=True)

    class Meta:
        verbose_name = "检查任务"
        verbose_name_plural = "检查任务"
        constraints = [models.UniqueConstraint(fields=["plan", "seq"], name="task_plan_seq_unique")]
        indexes = [models.Index(fields=["operator", "status"], name="task_operator_idx")]

    def __str__(self) -> str:
        return f"task {self.pk} → {self.operator_id}"


class TaskInspector(models.Model):
    """Who is assigned to a task: written set-based with the tasks (both ends exist by construction)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, db_constraint=False, db_index=False)
    inspector = models.ForeignKey(Inspector, on_delete=models.DO_NOTHING, db_constraint=False)

    class Meta:
        verbose_name = "任务检查人员"
        verbose_name_plural = "任务检查人员"
        constraints = [models.UniqueConstraint(fields=["task", "inspector"], name="task_inspector_unique")]

    def __str__(self) -> str:
        return f"{self.task_id} ← {self.inspector_id}"


class TaskAttachment(BaseModel):
    """A photo or document attached to a task's result (optional)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="attachments", verbose_name="检查任务")
    file = models.FileField("附件", upload_to="planning/attachments/%Y/%m/")
    name = models.CharField("文件名", max_length=200)

    class Meta:
        verbose_name = "检查附件"
        verbose_name_plural = "检查附件"

    def __str__(self) -> str:
        return self.name

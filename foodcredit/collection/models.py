"""Import jobs (归集), per-source mappings and the review queue of records waiting for their operator."""

from django.conf import settings
from django.db import models

from foodcredit.core.models import BaseModel, Source


class RecordKind(models.TextChoices):
    """The six record kinds of the standard exchange format (DOMAIN.md Part I §3)."""

    OPERATORS = "operators", "经营主体"
    LICENCES = "licences", "许可证"
    INSPECTIONS = "inspections", "监督检查"
    SAMPLING = "sampling", "监督抽检"
    PENALTIES = "penalties", "行政处罚"
    COMPLAINTS = "complaints", "投诉举报"


class SourceRegistration(BaseModel):
    """A source system registered for collection: the record kinds it may report (DOMAIN.md Part I §5: "a registered
    source system writes only the kinds registered for it"). Its department is the source's `department_code`."""

    source = models.OneToOneField(
        Source, on_delete=models.PROTECT, related_name="registration", verbose_name="来源系统"
    )
    kinds = models.JSONField("可报送记录类型", default=list)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, verbose_name="登记人"
    )

    class Meta:
        verbose_name = "来源系统登记"
        verbose_name_plural = "来源系统登记"

    def __str__(self) -> str:
        return f"{self.source_id}: {', '.join(self.kinds)}"


class SourceMapping(BaseModel):
    """A versioned column and value mapping from a source's file layout to the standard format."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name="来源系统")
    kind = models.CharField("记录类型", max_length=20, choices=RecordKind.choices)
    version = models.PositiveIntegerField("版本")
    # {"source header": "standard header"}; a missing header maps to itself.
    columns = models.JSONField("列映射", default=dict, blank=True)
    # {"standard header": {"source value": "standard value"}}
    values = models.JSONField("值映射", default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, verbose_name="创建人"
    )

    class Meta:
        verbose_name = "来源映射"
        verbose_name_plural = "来源映射"
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "version"], name="source_mapping_version"),
        ]


class ImportJob(BaseModel):
    """One import of one file (or one API batch) of one record kind from one source: all or nothing."""

    class Status(models.TextChoices):
        PENDING = "pending", "等待中"
        RUNNING = "running", "处理中"
        COMMITTED = "committed", "已完成"
        FAILED = "failed", "未导入"

    kind = models.CharField("记录类型", max_length=20, choices=RecordKind.choices)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name="来源系统")
    mapping = models.ForeignKey(SourceMapping, null=True, blank=True, on_delete=models.PROTECT)
    file_name = models.CharField("文件名", max_length=300, blank=True)
    file_sha256 = models.CharField("文件摘要", max_length=64)
    skip_bad_rows = models.BooleanField("跳过错误行", default=False)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    stage = models.CharField("阶段", max_length=100, blank=True)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    new_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    unchanged_count = models.PositiveIntegerField("未变", default=0)
    rejected_count = models.PositiveIntegerField("拒绝", default=0)
    queued_count = models.PositiveIntegerField("待关联", default=0)
    attached_count = models.PositiveIntegerField("关联待办记录", default=0)
    notices = models.JSONField("提示", default=list, blank=True)
    errors = models.JSONField("错误", default=list, blank=True)
    error_code = models.CharField("错误代码", max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, verbose_name="发起人"
    )
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        indexes = [models.Index(fields=["kind", "source", "file_sha256"], name="import_job_file_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.file_name}"


class PendingRecord(BaseModel):
    """A record whose operator is not known yet; it attaches when the operator arrives or by hand."""

    class Status(models.TextChoices):
        WAITING = "waiting", "待关联"
        ATTACHED = "attached", "已关联"
        DISMISSED = "dismissed", "已驳回"

    kind = models.CharField("记录类型", max_length=20, choices=RecordKind.choices)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name="来源系统")
    record_key = models.CharField("记录标识", max_length=100)
    uscc = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    values = models.JSONField("记录内容")
    reason = models.CharField("原因", max_length=300)
    job = models.ForeignKey(ImportJob, on_delete=models.PROTECT, verbose_name="导入任务")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.WAITING)

    class Meta:
        verbose_name = "待关联记录"
        verbose_name_plural = "待关联记录"
        constraints = [
            models.UniqueConstraint(fields=["kind", "source", "record_key"], name="pending_record_unique"),
        ]

"""Infrastructure models: the audit log."""

from django.conf import settings
from django.db import models


class BaseModel(models.Model):
    """Creation and modification times for every domain model."""

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One change of state: who, when, what, before → after, in the same transaction as the change."""

    occurred_at = models.DateTimeField("时间")
    # The log outlives the rows it names: no FK trigger on a table written a million rows at a time.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        verbose_name="操作人",
        db_constraint=False,
    )
    actor_label = models.CharField("操作人标识", max_length=150, blank=True)
    # Role and department at the time of the event (a user may change either later); empty for the system. The
    # defaults are the database's too, so that set-based INSERTs (audit.bulk_insert_sql) need not name them.
    actor_role = models.CharField("操作人角色", max_length=30, blank=True, default="", db_default="")
    actor_department = models.CharField("操作人部门", max_length=40, blank=True, default="", db_default="")
    action = models.CharField("动作", max_length=40)
    object_type = models.CharField("对象类型", max_length=40)
    object_id = models.CharField("对象编号", max_length=64)
    changes = models.JSONField("变更", default=dict, blank=True)
    request_id = models.CharField("请求编号", max_length=64, blank=True)
    client_address = models.CharField("客户端地址", max_length=45, blank=True, default="", db_default="")
    job_id = models.BigIntegerField("导入任务编号", null=True, blank=True)
    success = models.BooleanField("是否成功", default=True)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        # The audit administrator's list (office: audit log) is newest first, filtered by time, actor or action:
        # each index serves one filter with that order, so a page reads 25 index entries, not a million rows
        # (bench/audit_log.py). The id breaks ties of the same second, as the list's order does.
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["occurred_at", "id"], name="audit_time_idx"),
            models.Index(fields=["actor_label", "occurred_at", "id"], name="audit_actor_time_idx"),
            models.Index(fields=["action", "occurred_at", "id"], name="audit_action_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}#{self.object_id}"


class Source(BaseModel):
    """A source system that records are collected from (归集). Higher precedence wins a conflict."""

    name = models.CharField("来源系统", max_length=100, unique=True)
    department_code = models.CharField("所属部门编码", max_length=40, blank=True)
    precedence = models.PositiveSmallIntegerField("优先级", default=50)
    registered_automatically = models.BooleanField("首次使用时自动登记", default=False)

    class Meta:
        verbose_name = "来源系统"
        verbose_name_plural = "来源系统"

    def __str__(self) -> str:
        return self.name


class Provenance(models.Model):
    """Where a record came from: one row per (record, source). A record from two sources has two rows."""

    ref_kind = models.CharField("记录类型", max_length=20)
    ref_id = models.BigIntegerField("记录编号")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name="来源系统")
    source_ref = models.CharField("来源编号", max_length=100)
    first_job_id = models.BigIntegerField("首次导入任务", null=True, blank=True)
    last_seen_at = models.DateTimeField("最近出现")

    class Meta:
        verbose_name = "记录来源"
        verbose_name_plural = "记录来源"
        constraints = [
            models.UniqueConstraint(fields=["ref_kind", "ref_id", "source"], name="provenance_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.ref_kind}#{self.ref_id} ← {self.source_id}:{self.source_ref}"

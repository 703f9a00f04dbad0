"""Runs of the scheduled jobs: when each was due, started and finished, what it did, and why it failed."""

from django.db import models


class JobRun(models.Model):
    """One run of a scheduled job (classification, list sweep…), by Celery beat, the in-process loop or by hand."""

    class Status(models.TextChoices):
        RUNNING = "running", "运行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    class Trigger(models.TextChoices):
        BEAT = "beat", "Celery定时"
        LOOP = "loop", "进程内定时"
        MANUAL = "manual", "手动"

    job = models.CharField("任务", max_length=60)
    due_at = models.DateTimeField("应运行时间")
    trigger = models.CharField("触发方式", max_length=10, choices=Trigger.choices)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    counts = models.JSONField("处理数量", default=dict, blank=True)
    error = models.TextField("错误", blank=True)

    class Meta:
        verbose_name = "定时任务运行"
        verbose_name_plural = "定时任务运行"
        constraints = [
            # One run per job and slot: a slot the loop and beat both see, or a redelivered task, runs once.
            models.UniqueConstraint(fields=["job", "due_at"], name="schedule_run_job_slot"),
        ]
        indexes = [models.Index(fields=["job", "-due_at"], name="schedule_run_job_due_idx")]

    def __str__(self) -> str:
        return f"{self.job} {self.due_at:%Y-%m-%d %H:%M}"

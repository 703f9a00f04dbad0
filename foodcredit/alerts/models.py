"""Alerts (监测预警): what a detector found, whom it was routed to, the measure chosen and its outcome."""

from django.db import models
from django.db.models import Q

from foodcredit.accounts.models import Department
from foodcredit.core.models import BaseModel
from foodcredit.operators.models import Operator


class Alert(BaseModel):
    """One alert (or, for licence expiry, a notice to the business) and its way to an outcome.

    An open alert absorbs repeats of the same finding (same detector, same subject) instead of a new alert: the
    partial unique constraint below holds that one open alert per subject exists.
    """

    class Detector(models.TextChoices):
        COMPLAINT_SURGE_OPERATOR = "complaint_surge_operator", "经营主体投诉举报激增"
        COMPLAINT_SURGE_STREET = "complaint_surge_street", "街道业态投诉举报激增"
        SPACETIME_SCAN = "spacetime_scan", "跨街道投诉举报时空聚集"
        REGISTRATION_ADDRESS = "registration_address", "同一住所集中登记"
        REGISTRATION_CHURN = "registration_churn", "法定代表人反复登记注销"
        REGISTRATION_AFTER_REVOCATION = "registration_after_revocation", "吊销后重新登记"
        LICENCE_EXPIRY = "licence_expiry", "许可证即将到期"
        SAMPLING_REPEATED = "sampling_repeated", "抽检反复不合格"
        SAMPLING_CLUSTER = "sampling_cluster", "抽检不合格聚集"
        CLASS_JUMP = "class_jump", "信用风险分类跃升"

    class Level(models.TextChoices):
        LOW = "low", "一般"
        MEDIUM = "medium", "较重"
        HIGH = "high", "严重"

    class Status(models.TextChoices):
        ROUTED = "routed", "已分派"
        MEASURED = "measured", "已采取措施"
        ANSWERED = "answered", "已答复"
        CLOSED = "closed", "已办结"

    class Measure(models.TextChoices):
        REMINDER = "reminder", "提醒"
        WARNING = "warning", "警示"
        INTERVIEW = "interview", "约谈"
        INSPECTION = "inspection", "检查"

    class Outcome(models.TextChoices):
        RECTIFIED = "rectified", "已整改"
        NO_ISSUE = "no_issue", "经核查无问题"
        CASE_OPENED = "case_opened", "已立案查处"
        NOTIFIED = "notified", "已告知"

    detector = models.CharField("预警类型", max_length=40, choices=Detector.choices)
    is_notice = models.BooleanField("提示性通知", default=False)
    # The subject the detector speaks of (a USCC, a street and sector, an address, a person): the absorption key.
    subject = models.CharField("预警对象", max_length=200)
    operator = models.ForeignKey(
        Operator, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="经营主体"
    )
    street = models.CharField("所属街道", max_length=20, db_index=True)
    sector = models.CharField("业态", max_length=20, blank=True)
    level = models.CharField("等级", max_length=10, choices=Level.choices)
    unit = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="责任单位"
    )
    # The department that issued the record the alert speaks of, when not the bureau: it gets a copy for its records
    # (DOMAIN.md II §12) — it reads the alert, the responsible unit acts on it.
    copy_unit = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="抄送部门"
    )
    raised_on = models.DateField("预警日期")
    last_seen_on = models.DateField("最近一次发现")
    repeats = models.PositiveIntegerField("重复发现次数", default=0)
    evidence = models.JSONField("依据", default=dict)
    params_version = models.CharField("参数版本", max_length=20)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ROUTED)
    measure_due = models.DateField("措施期限")
    measure = models.CharField("处置措施", max_length=12, choices=Measure.choices, blank=True)
    measured_on = models.DateField("措施日期", null=True, blank=True)
    measure_note = models.TextField("措施说明", blank=True)
    # Deadline of what the measure asks: the business's reply, the interview held, the inspection done.
    action_due = models.DateField("办理期限", null=True, blank=True)
    deadline_estimated = models.BooleanField("期限为估算", default=False)
    rectification = models.TextField("责令整改事项", blank=True)
    interview_held_on = models.DateField("约谈日期", null=True, blank=True)
    reply = models.TextField("企业答复", blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    trigger_id = models.BigIntegerField("触发检查编号", null=True, blank=True)
    outcome = models.CharField("办结结果", max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField("办结说明", blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        constraints = [
            models.UniqueConstraint(
                fields=["detector", "subject"], condition=~Q(status="closed"), name="alert_one_open_per_subject"
            )
        ]
        indexes = [models.Index(fields=["unit", "status"], name="alert_unit_status")]

    def __str__(self) -> str:
        return f"{self.get_detector_display()} {self.subject} {self.raised_on}"

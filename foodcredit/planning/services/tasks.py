"""Tasks: assignment and closing, an inspector's result (filed as an inspection through the collection path), its publication, attachments."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from foodcredit.accounts import permissions
from foodcredit.collection import services as collection_services
from foodcredit.core import audit, uploads
from foodcredit.core.errors import ConflictError, DomainError
from foodcredit.inspections.models import Inspection

from .. import rules, selectors
from ..models import Task, TaskAttachment, TaskInspector
from ..selectors.permissions import is_task_inspector

INSPECTION_KIND = {Task.Kind.RANDOM: Inspection.Kind.RANDOM, Task.Kind.TARGETED: Inspection.Kind.SPECIAL}


def task_result_record(
    *,
    task: Task,
    result: str,
    findings: str,
    inspected_on: date,
    actor: Any,
    as_of: date,
    publish: bool = False,
) -> Task:
    """Record an inspector's result: written as an Inspection through the collection path (so it files a ledger
    entry), with its publication deadline (20 working days). `publish` publishes it at once (谁检查、谁录入、谁公开)."""
    permissions.operator_write_check(
        user=actor,
        kind=permissions.TASK_RESULTS,
        operator=task.operator,
        related=is_task_inspector(user=actor, task=task),
    )
    if result not in Inspection.Result.values:
        raise DomainError(
            "planning.bad_result",
            _("检查结果须为符合、基本符合或不符合"),
            result=result,
        )
    if inspected_on > as_of:
        raise DomainError("planning.future_date", _("检查日期不能晚于今天"))
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        if locked.status not in (Task.Status.ASSIGNED, Task.Status.RECORDED):
            raise ConflictError(
                "planning.task_closed",
                _("该任务已公示或已撤销，不能再录入"),
                status=locked.status,
            )
        cert_nos = sorted(c for c in locked.inspectors.values_list("cert_no", flat=True) if c)
        frame = pl.DataFrame(
            {
                "source_id": [f"PLAN-TASK-{locked.pk}"],
                "uscc": [locked.operator.uscc],
                "inspected_on": [inspected_on],
                "kind": [INSPECTION_KIND[Task.Kind(locked.kind)]],
                "result": [result],
                "findings": [findings],
                "inspectors": ["、".join(cert_nos)],
                "_row": [1],
            }
        )
        collection_services.records_write(
            kind="inspections",
            frame=frame,
            source_name=settings.PLANNING_SOURCE_NAME,
            actor=actor,
            job_label=f"planning-task-{locked.pk}",
        )
        inspection = Inspection.objects.get(
            source__name=settings.PLANNING_SOURCE_NAME, source_ref=f"PLAN-TASK-{locked.pk}"
        )
        deadline = rules.publish_deadline(
            inspected_on=inspected_on, workdays=settings.PLANNING_RESULT_PUBLISH_WITHIN_WORKDAYS
        )
        before = {"status": locked.status, "result": locked.result, "inspected_on": locked.inspected_on}
        locked.inspection = inspection
        locked.result, locked.findings, locked.inspected_on = result, findings, inspected_on
        locked.publish_due_on, locked.publish_due_estimated = deadline.due, deadline.estimated
        locked.status = Task.Status.RECORDED
        locked.save()
        audit.record(
            actor=actor,
            action="record_result",
            object_type="planning_task",
            object_id=locked.pk,
            changes=audit.diff(before, {"status": locked.status, "result": result, "inspected_on": inspected_on}),
        )
        if publish:
            task_result_publish(task=locked, actor=actor, as_of=as_of)
    return locked


def task_result_publish(*, task: Task, actor: Any, as_of: date) -> Task:
    """Publish a recorded result (一公开) on `as_of`; a publication after the deadline stays flagged overdue."""
    permissions.operator_write_check(
        user=actor,
        kind=permissions.RESULT_PUBLICATIONS,
        operator=task.operator,
        related=is_task_inspector(user=actor, task=task),
    )
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        if locked.status != Task.Status.RECORDED:
            raise ConflictError(
                "planning.not_recorded",
                _("结果尚未录入或已公示"),
                status=locked.status,
            )
        locked.status, locked.published_on = Task.Status.PUBLISHED, as_of
        locked.save(update_fields=["status", "published_on", "updated_at"])
        audit.record(
            actor=actor,
            action="publish_result",
            object_type="planning_task",
            object_id=locked.pk,
            changes={
                "status": [Task.Status.RECORDED, Task.Status.PUBLISHED],
                "published_on": [None, as_of],
                "overdue": [None, rules.task_overdue(due_on=locked.publish_due_on, published_on=as_of, as_of=as_of)],
            },
        )
    return locked


def task_attachment_add(*, task: Task, upload: Any, actor: Any) -> TaskAttachment:
    """Attach a photo or document to a task's result: type from the content, size counted while streaming."""
    permissions.operator_write_check(
        user=actor,
        kind=permissions.TASK_ATTACHMENTS,
        operator=task.operator,
        related=is_task_inspector(user=actor, task=task),
    )
    limit = settings.PLANNING_ATTACHMENT_MAX_BYTES
    content, extension, name = uploads.attachment_read(upload, limit=limit, code_prefix="planning")
    with transaction.atomic():
        attachment = TaskAttachment(task=task, name=name)
        attachment.file.save(f"task-{task.pk}{extension}", ContentFile(content), save=False)
        attachment.full_clean()
        attachment.save()
        audit.record(
            actor=actor,
            action="attach",
            object_type="planning_task",
            object_id=task.pk,
            changes={"attachment": [None, attachment.name]},
        )
    return attachment


OPEN_FOR_ASSIGNMENT = (Task.Status.UNASSIGNED, Task.Status.ASSIGNED)


def task_assign(*, task: Task, inspector_ids: list[int], actor: Any, reason: str = "") -> Task:
    """Assign (待分派 → 待检查) or reassign a task's inspectors: at least two distinct ones, each verified, available,
    qualified for the operator's sector and without a declared conflict with it (总局令第49号 Art. 23, 回避).

    A reassignment of an assigned task needs a reason (the drawn pair is replaced: audited with both lists).
    """
    permissions.operator_write_check(user=actor, kind=permissions.TASKS, operator=task.operator)
    chosen = sorted(set(inspector_ids))
    if len(chosen) < rules.MIN_INSPECTORS_PER_TASK:
        raise DomainError("planning.too_few_per_task", _("每户至少须有两名检查人员（总局令第49号第二十三条）"))
    with transaction.atomic():
        locked = Task.objects.select_for_update().select_related("operator").get(pk=task.pk)
        if locked.status not in OPEN_FOR_ASSIGNMENT:
            raise ConflictError(
                "planning.task_not_assignable", _("只有待分派或待检查的任务可以分派"), status=locked.status
            )
        before = sorted(TaskInspector.objects.filter(task=locked).values_list("inspector_id", flat=True))
        if locked.status == Task.Status.ASSIGNED and not reason.strip():
            raise DomainError("planning.reason_required", _("改派须说明理由"))
        eligible = set(selectors.inspectors_eligible(operator=locked.operator))
        refused = [i for i in chosen if i not in eligible]
        if refused:
            raise DomainError(
                "planning.inspector_not_eligible",
                _("所选检查人员未核实、不可参加、不具备该业态资格或须回避"),
                inspectors=refused,
            )
        TaskInspector.objects.filter(task=locked).delete()
        TaskInspector.objects.bulk_create([TaskInspector(task=locked, inspector_id=i) for i in chosen])
        status_before = locked.status
        locked.status = Task.Status.ASSIGNED
        locked.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            action="assign" if status_before == Task.Status.UNASSIGNED else "reassign",
            object_type="planning_task",
            object_id=locked.pk,
            changes={
                "status": [status_before, locked.status],
                "inspectors": [before, chosen],
                **({"reason": [None, reason]} if reason else {}),
            },
        )
    return locked


def task_close(*, task: Task, reason: str, actor: Any) -> Task:
    """Close a task that will not be carried out (撤销: the operator closed, a duplicate trigger), with the reason."""
    permissions.operator_write_check(user=actor, kind=permissions.TASKS, operator=task.operator)
    if not reason.strip():
        raise DomainError("planning.reason_required", _("撤销任务须说明理由"))
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        if locked.status not in OPEN_FOR_ASSIGNMENT:
            raise ConflictError(
                "planning.task_not_closable", _("已录入结果或已撤销的任务不能撤销"), status=locked.status
            )
        status_before = locked.status
        locked.status = Task.Status.CANCELLED
        locked.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            action="cancel",
            object_type="planning_task",
            object_id=locked.pk,
            changes={"status": [status_before, locked.status], "reason": [None, reason]},
        )
    return locked

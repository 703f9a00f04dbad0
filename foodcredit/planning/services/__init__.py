"""Writes for planning. Import from here.

directory: inspectors' qualifications, availability and conflicts; plans: commit → snapshot → draw → reveal,
revisions; tasks: assignment, results, publication, closing, attachments; triggers: targeted tasks.
"""

from .directory import inspector_conflict_declare, inspector_conflict_withdraw, inspector_profile_set
from .plans import (
    plan_commit,
    plan_create,
    plan_draw,
    plan_publish,
    plan_revise,
    plan_snapshot_freeze,
    tasks_store,
)
from .tasks import task_assign, task_attachment_add, task_close, task_result_publish, task_result_record
from .triggers import trigger_create, triggers_detect

__all__ = [
    "inspector_conflict_declare",
    "inspector_conflict_withdraw",
    "inspector_profile_set",
    "plan_commit",
    "plan_create",
    "plan_draw",
    "plan_publish",
    "plan_revise",
    "plan_snapshot_freeze",
    "task_assign",
    "task_attachment_add",
    "task_close",
    "task_result_publish",
    "task_result_record",
    "tasks_store",
    "trigger_create",
    "triggers_detect",
]

"""Reads for planning. Import from here.

classes: the one class source; directories: inspection objects and inspectors; tasks: plans and tasks in the
caller's scope; public: the public side and verification; permissions: who may change what; frequency: the
minimum-frequency list.
"""

from .classes import Reader, facilitation_flags, risk_class_of, risk_classes_attach, risk_classes_of
from .directories import (
    Scope,
    _frame,
    _scoped,
    conflict_frame,
    conflict_get,
    inspector_conflicts,
    inspector_conflicts_with,
    inspector_directory,
    inspector_directory_frame,
    inspector_get,
    inspectors_eligible,
    object_directory,
    object_directory_frame,
)
from .permissions import (
    can_assign_task,
    can_manage_inspectors,
    can_plan,
    can_publish_result,
    can_record_result,
    can_see_frequency,
)
from .public import Verification, plan_get_public, plan_objects_public, plan_verify, plans_public, results_public
from .tasks import (
    inspector_of_user,
    inspector_open_loads,
    plan_get,
    plan_scope,
    plan_task_counts,
    task_get,
    task_inspector_ids,
    task_is_overdue,
    task_list,
    task_scope,
    trigger_candidates,
)
from .trail import audit_trail

__all__ = [
    "Reader",
    "Scope",
    "Verification",
    "_frame",
    "_scoped",
    "audit_trail",
    "can_assign_task",
    "can_manage_inspectors",
    "can_plan",
    "can_publish_result",
    "can_record_result",
    "can_see_frequency",
    "conflict_frame",
    "conflict_get",
    "facilitation_flags",
    "inspector_conflicts",
    "inspector_conflicts_with",
    "inspector_directory",
    "inspector_directory_frame",
    "inspector_get",
    "inspector_of_user",
    "inspector_open_loads",
    "inspectors_eligible",
    "object_directory",
    "object_directory_frame",
    "plan_get",
    "plan_get_public",
    "plan_objects_public",
    "plan_scope",
    "plan_task_counts",
    "plan_verify",
    "plans_public",
    "results_public",
    "risk_class_of",
    "risk_classes_attach",
    "risk_classes_of",
    "task_get",
    "task_inspector_ids",
    "task_is_overdue",
    "task_list",
    "task_scope",
    "trigger_candidates",
]

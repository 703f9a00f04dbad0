"""Who may change what in planning: the write rules are accounts.permissions' table (DOMAIN.md Part I §5); these
answer the pages' and the API's questions from it (show a form, refuse with 403), and the services check the same
rules before they write. Reading the inspector directory and the frequency list are read rules, kept here."""

from __future__ import annotations

from foodcredit.accounts import permissions
from foodcredit.accounts.models import User

from ..models import Task
from .classes import Reader
from .tasks import inspector_of_user

R = User.Role


def is_task_inspector(*, user: Reader, task: Task) -> bool:
    """Whether `user` is an inspector assigned to `task` (the "related" scope of the write rules)."""
    inspector = inspector_of_user(user=user)
    return inspector is not None and task.inspectors.filter(pk=inspector.pk).exists()


def _may_write_task(*, user: Reader, kind: str, task: Task) -> bool:
    if not isinstance(user, User):
        return False
    refusal = permissions.write_refusal(
        user=user,
        kind=kind,
        operator_street=task.operator.street,
        operator_uscc=task.operator.uscc,
        related=is_task_inspector(user=user, task=task),
    )
    return refusal is None


def can_plan(*, user: Reader) -> bool:
    """Plans are made and revised by district regulators."""
    return isinstance(user, User) and user.is_authenticated and permissions.can_write_kind(user, permissions.PLANS)


def can_manage_inspectors(*, user: Reader) -> bool:
    """The inspector directory's planning data is kept by regulators."""
    return isinstance(user, User) and user.role in (R.DISTRICT_REGULATOR, R.STATION_REGULATOR)


def can_see_frequency(*, user: Reader) -> bool:
    """The minimum-frequency list schedules routine inspections: regulators (a station sees its streets)."""
    return isinstance(user, User) and user.is_authenticated and user.role in (R.DISTRICT_REGULATOR, R.STATION_REGULATOR)


def can_record_result(*, user: Reader, task: Task) -> bool:
    """谁检查、谁录入: only an inspector assigned to the task records its result."""
    return _may_write_task(user=user, kind=permissions.TASK_RESULTS, task=task)


def can_publish_result(*, user: Reader, task: Task) -> bool:
    """The task's inspectors publish; regulators whose scope holds the task's operator may publish for them."""
    return _may_write_task(user=user, kind=permissions.RESULT_PUBLICATIONS, task=task)


def can_assign_task(*, user: Reader) -> bool:
    """Regulators assign, reassign and close the tasks they can read (a station: in its streets)."""
    return isinstance(user, User) and user.is_authenticated and permissions.can_write_kind(user, permissions.TASKS)

"""Who may change what in planning (DOMAIN.md Part I §5)."""

from __future__ import annotations

from foodcredit.accounts.models import User

from ..models import Task
from .classes import Reader
from .tasks import inspector_of_user

R = User.Role


def can_plan(*, user: Reader) -> bool:
    """Plans are made and revised by district regulators."""
    return isinstance(user, User) and user.is_authenticated and user.role == R.DISTRICT_REGULATOR


def can_manage_inspectors(*, user: Reader) -> bool:
    """The inspector directory's planning data is kept by regulators."""
    return isinstance(user, User) and user.role in (R.DISTRICT_REGULATOR, R.STATION_REGULATOR)


def can_see_frequency(*, user: Reader) -> bool:
    """The minimum-frequency list schedules routine inspections: regulators (a station sees its streets)."""
    return isinstance(user, User) and user.is_authenticated and user.role in (R.DISTRICT_REGULATOR, R.STATION_REGULATOR)


def can_record_result(*, user: Reader, task: Task) -> bool:
    """谁检查、谁录入: only an inspector assigned to the task records its result."""
    inspector = inspector_of_user(user=user)
    return inspector is not None and task.inspectors.filter(pk=inspector.pk).exists()


def can_publish_result(*, user: Reader, task: Task) -> bool:
    """The task's inspectors publish; regulators who can read the task may publish for them."""
    if isinstance(user, User) and user.role in (R.DISTRICT_REGULATOR, R.STATION_REGULATOR):
        return True
    return can_record_result(user=user, task=task)


def can_assign_task(*, user: Reader) -> bool:
    """Regulators assign, reassign and close the tasks they can read (a station: in its streets)."""
    return isinstance(user, User) and user.is_authenticated and user.role in (R.DISTRICT_REGULATOR, R.STATION_REGULATOR)

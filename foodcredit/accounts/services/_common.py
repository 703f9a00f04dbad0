"""What every accounts service shares: the actor's power checked once more below the view."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied

from ..models import User


def require(actor: User | None, allowed: Callable[[User], bool]) -> None:
    """Refuse (403) an actor whose role lacks the power. `None` is the server's operator at the command line, who
    holds every power the commands give (the first security administrator's own enrolment code, say)."""
    if actor is not None and not allowed(actor):
        raise PermissionDenied

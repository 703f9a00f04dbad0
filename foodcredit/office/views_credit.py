"""Back-office credit-repair queue: applications with their deadlines and overdue flags; accept, grant or deny.

Thin: the credit selectors scope and the credit services decide; DomainError messages are shown to the officer.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from foodcredit.accounts.models import User
from foodcredit.core.errors import DomainError
from foodcredit.credit import selectors, services


def _decider(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or user.role != User.Role.DISTRICT_REGULATOR:
        raise PermissionDenied
    return user


@login_required
def repair_queue(request: HttpRequest) -> HttpResponse:
    """Open and recent repair applications, deadlines first flagged when overdue."""
    user = _decider(request)
    today = timezone.localdate()
    rows = [
        {
            "application": a,
            "overdue": selectors.repair_overdue(a, as_of=today),
            "refusal": selectors.repair_refusal_message(a.refusal_rule),
        }
        for a in selectors.repair_applications(for_user=user)[:200]
    ]
    return render(request, "office/repairs.html", {"rows": rows, "today": today})


@require_POST
@login_required
def repair_act(request: HttpRequest, application_id: int, action: str) -> HttpResponse:
    """Accept, grant or deny one application today."""
    user = _decider(request)
    application = selectors.repair_application_get(pk=application_id, for_user=user)
    today = timezone.localdate()
    note = request.POST.get("note", "")[:2000]
    try:
        if action == "accept":
            services.repair_accept(application=application, accepted_on=today, actor=user)
        elif action in ("grant", "deny"):
            services.repair_decide(
                application=application, granted=action == "grant", decided_on=today, note=note, actor=user
            )
        else:
            raise PermissionDenied
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("office:repairs")

"""Back-office credit-repair queue: applications with their deadlines and overdue flags; accept, grant or deny.

Thin: the credit selectors scope and the credit services decide; DomainError messages are shown to the officer.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
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


REGULATORS = (User.Role.DISTRICT_REGULATOR, User.Role.STATION_REGULATOR)


def regulator(request: HttpRequest) -> User:
    """The district or station regulator reading a credit page; any other role finds no such page (404)."""
    user = request.user
    if not isinstance(user, User) or user.role not in REGULATORS:
        raise Http404
    return user


def decider(user: User) -> User:
    """The district regulator who writes lists, overrides, cases, bans and revocations (DOMAIN.md Part I §5); a
    station regulator who can read the object is refused (403)."""
    if user.role != User.Role.DISTRICT_REGULATOR:
        raise PermissionDenied
    return user


def business(request: HttpRequest) -> User:
    """A business user writing for its own operators (commitments, repair applications); others find no page."""
    user = request.user
    if not isinstance(user, User) or user.role != User.Role.BUSINESS:
        raise Http404
    return user


def form_page(request: HttpRequest, *, form: Any, title: Any, submit: Any, back: str, **context: Any) -> HttpResponse:
    """The credit pages' one form template: a title, what the form acts on, the form and its errors."""
    return render(
        request,
        "office/credit_form.html",
        {"form": form, "title": title, "submit": submit, "back": back, **context},
        status=400 if form.is_bound and form.errors else 200,
    )


def domain_error(form: Any, exc: DomainError) -> None:
    """Show a broken rule on the form, with its stable code for support."""
    form.add_error(None, f"{exc.message}（{exc.code}）")


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

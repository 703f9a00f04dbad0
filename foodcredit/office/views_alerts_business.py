"""The business's alert page (企业答复): the bureau's measures about its own operators that ask it for a reply (警示,
约谈), each answered in place, the replies already given, and the notices addressed to it (许可证即将到期).

Thin: the rows are the alerts selectors' (scoped to the user's own operators), the answer is alerts.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from foodcredit.accounts.models import User
from foodcredit.accounts.permissions import ALERT_REPLIES, can_write_kind
from foodcredit.alerts import selectors, services
from foodcredit.core.errors import DomainError

from .views_alerts import DONE, ReplyForm


@never_cache
@login_required
def alerts_replies(request: HttpRequest) -> HttpResponse:
    """What asks the business for a reply, with a reply form each; what it answered; its open notices."""
    user = request.user
    if not isinstance(user, User) or not can_write_kind(user, ALERT_REPLIES):
        raise Http404
    today = timezone.localdate()
    posted = request.POST.get("alert") if request.method == "POST" else None
    errors: dict[int, str] = {}
    if posted is not None:
        alert = selectors.alert_get(pk=int(posted) if posted.isdigit() else 0, for_user=user)
        form = ReplyForm(request.POST, prefix=f"reply-{alert.pk}")
        if form.is_valid():
            try:
                services.alert_reply(alert=alert, text=form.cleaned_data["text"], on=today, actor=user)
            except DomainError as exc:
                errors[alert.pk] = f"{exc.message}（{exc.code}）"
            else:
                messages.success(request, DONE["reply"])
                return redirect("office:alerts_replies")
        else:
            errors[alert.pk] = "；".join(str(e) for e in form.errors.get("text", []))
    rows = selectors.alerts_for_business(for_user=user)
    waiting = [
        {
            "alert": a,
            "form": ReplyForm(request.POST if posted == str(a.pk) else None, prefix=f"reply-{a.pk}"),
            "error": errors.get(a.pk, ""),
            "overdue": selectors.alert_overdue(a, today=today),
        }
        for a in rows["waiting"]
    ]
    context = {"waiting": waiting, "answered": rows["answered"], "notices": rows["notices"]}
    return render(request, "office/alerts_replies.html", context, status=400 if errors else 200)

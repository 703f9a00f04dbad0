"""Back-office planning pages: my tasks (with overdue flags), one task with its result form, plans. Thin."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from foodcredit.core.errors import DomainError
from foodcredit.planning import selectors, services
from foodcredit.planning.forms import TaskResultForm

from .views_frequency import FrequencyListView


@login_required
def planning_tasks(request: HttpRequest) -> HttpResponse:
    """The caller's tasks, newest first; `?overdue=1` keeps the overdue ones."""
    as_of = timezone.localdate()
    overdue_only = request.GET.get("overdue") == "1"
    plan = request.GET.get("plan", "")
    plan_id = int(plan) if plan.isdigit() else None
    tasks = selectors.task_list(for_user=request.user, as_of=as_of, overdue_only=overdue_only, plan_id=plan_id)[:200]
    rows = [(task, selectors.task_is_overdue(task=task, as_of=as_of)) for task in tasks]
    return render(request, "office/planning_tasks.html", {"rows": rows, "overdue_only": overdue_only})


@login_required
def planning_task(request: HttpRequest, task_id: int) -> HttpResponse:
    """One task; its assigned inspector records the result here (404 outside scope, 403 for others)."""
    as_of = timezone.localdate()
    task = selectors.task_get(task_id=task_id, for_user=request.user)
    may_record = selectors.can_record_result(user=request.user, task=task)
    form = TaskResultForm(initial={"inspected_on": as_of})
    status = 200
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        form = TaskResultForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.task_result_record(
                    task=task, result=data["result"], findings=data["findings"], inspected_on=data["inspected_on"],
                    actor=request.user, as_of=as_of, publish=data["publish"],
                )  # fmt: skip
                if data["attachment"] is not None:
                    services.task_attachment_add(task=task, upload=data["attachment"], actor=request.user)
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("检查结果已录入"))
                return redirect("office:planning_task", task_id=task.pk)
        status = 400
    context = {
        "task": task,
        "inspectors": task.inspectors.all(),
        "attachments": task.attachments.all(),
        "overdue": selectors.task_is_overdue(task=task, as_of=as_of),
        "may_record": may_record and task.status in ("assigned", "recorded"),
        "form": form,
    }
    return render(request, "office/planning_task.html", context, status=status)


@login_required
def planning_plans(request: HttpRequest) -> HttpResponse:
    """Plans with their published commitment, snapshot hash and (once drawn) seed."""
    plans = selectors.plan_scope(for_user=request.user)[:100]
    return render(request, "office/planning_plans.html", {"plans": plans})


# 检查频次到期清单: an office list (office/views_frequency.py, the list toolkit of office/tables.py).
planning_frequency = FrequencyListView.as_view()

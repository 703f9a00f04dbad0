"""Back-office planning pages (双随机、一公开). Thin: lists are a filter set + a table + an export (office/tables.py);
every write is a form whose `save` calls the same service as the API; scope comes from the selectors (404 outside).

The inspector directory's pages are in views_inspectors.py. Plans: the wizard (scope, strata by class with their ratios, exclusions) → commit (the published seed
commitment) → draw → review (the draw re-run from the seed: plan_verify) → publish. Tasks: assign and reassign,
close, the inspector's result form (usable on a phone).
"""

from collections.abc import Callable
from typing import Any

import django_filters
import django_tables2 as tables
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import StopUpload
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from foodcredit.core.errors import DomainError
from foodcredit.planning import rules, selectors, services
from foodcredit.planning.forms import (
    PlanForm,
    PlanReviseForm,
    ReasonForm,
    TaskAssignForm,
    TaskResultForm,
)
from foodcredit.planning.models import Plan, Task

from .tables import OfficeFilterSet, OfficeListView, OfficeTable, StreetFilter
from .uploads import MaxSizeUploadHandler
from .views_frequency import FrequencyListView


def form_refused(form: Any, exc: DomainError) -> None:
    """A rule the service refused, shown on the form (the page answers 400)."""
    form.add_error(None, str(exc.message))


# ── plans ─────────────────────────────────────────────────────────────────────────────────────────────────────


class PlanTable(OfficeTable):
    id = tables.Column(verbose_name="#", linkify=("office:planning_plan", [tables.A("pk")]))
    name = tables.Column(verbose_name=gettext_lazy("计划名称"), linkify=("office:planning_plan", [tables.A("pk")]))
    version = tables.Column(verbose_name=gettext_lazy("版本"))
    status = tables.Column(verbose_name=gettext_lazy("状态"))
    period_start = tables.DateColumn(verbose_name=gettext_lazy("抽查期间自"))
    period_end = tables.DateColumn(verbose_name=gettext_lazy("抽查期间至"))
    task_count = tables.Column(verbose_name=gettext_lazy("任务数"))
    seed_commitment = tables.Column(verbose_name=gettext_lazy("随机种子承诺"), orderable=False)

    def render_seed_commitment(self, value: str) -> str:
        return format_html("<code>{}…</code>", value[:16])

    def value_seed_commitment(self, value: str) -> str:
        return value


class PlanFilter(OfficeFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("状态"), choices=Plan.Status.choices, empty_label=gettext_lazy("全部")
    )

    class Meta:
        model = Plan
        fields = ["status"]


class PlanListView(OfficeListView):
    """抽查计划: every version with its published commitment; a district regulator starts a new one here."""

    table_class = PlanTable
    filterset_class = PlanFilter
    title = gettext_lazy("抽查计划")
    intro = gettext_lazy("随机种子的哈希在冻结名录快照之前公布，抽取后公开种子；任何人可用 plan_verify 复核抽取结果。")
    export_name = "plans"
    template_name = "office/planning_plans.html"

    def allowed(self, user: Any) -> bool:
        return selectors.can_manage_inspectors(user=user)

    def rows(self) -> QuerySet[Any]:
        return selectors.plan_scope(for_user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs["may_plan"] = selectors.can_plan(user=self.request.user)
        return super().get_context_data(**kwargs)


@login_required
def planning_plan_new(request: HttpRequest) -> HttpResponse:
    """The plan wizard: name and period, scope, strata by class with their ratios, exclusions → commit."""
    if not selectors.can_plan(user=request.user):
        raise PermissionDenied
    as_of = timezone.localdate()
    form = PlanForm(initial={"period_start": as_of})
    status = 200
    if request.method == "POST":
        form = PlanForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                plan = form.save(actor=request.user, as_of=as_of)
            except DomainError as exc:
                form_refused(form, exc)
            else:
                messages.success(request, _("计划已创建，随机种子承诺已公布"))
                return redirect("office:planning_plan", plan_id=plan.pk)
    return render(request, "office/planning_plan_new.html", {"form": form}, status=status)


STEPS = (
    (Plan.Status.COMMITTED, gettext_lazy("公布种子承诺")),
    (Plan.Status.DRAWN, gettext_lazy("抽取与复核")),
    (Plan.Status.PUBLISHED, gettext_lazy("公布")),
)


@login_required
def planning_plan(request: HttpRequest, plan_id: int, revise_form: PlanReviseForm | None = None) -> HttpResponse:
    """One plan: its published commitment; once drawn, the review (tasks per class, the draw re-run from the seed)
    and the publication; once published, a new version with a reason."""
    plan = selectors.plan_get(plan_id=plan_id, for_user=request.user)
    review = None
    by_class: list[tuple[str, int, float]] = []
    if plan.status != Plan.Status.COMMITTED:
        review = selectors.plan_verify(plan=plan)
        counts = selectors.plan_task_counts(plan=plan)
        by_class = [(c, counts.get(c, 0), float(plan.ratios.get(c, 0.0))) for c in rules.CLASSES]
    order = [str(s) for s, _label in STEPS]
    reached = order.index(plan.status) if plan.status in order else len(STEPS)
    context = {
        "plan": plan,
        "steps": [(label, i <= reached) for i, (_s, label) in enumerate(STEPS)],
        "review": review,
        "by_class": by_class,
        "shortfall": rules.frequency_shortfall(
            ratios=plan.ratios,
            min_frequency=plan.min_frequency,
            period_start=plan.period_start,
            period_end=plan.period_end,
        ),
        "may_plan": selectors.can_plan(user=request.user),
        "revise_form": revise_form or PlanReviseForm.for_plan(plan),
        "trail": selectors.audit_trail(object_type="plan", object_id=plan.pk),
        "tasks_url": f"{reverse('office:planning_tasks')}?plan={plan.pk}",
    }
    return render(request, "office/planning_plan.html", context, status=400 if revise_form else 200)


def _plan_step(request: HttpRequest, plan_id: int, step: Callable[..., object], done: str) -> HttpResponse:
    """One step of a plan (draw, publish) by the planning service; a refused step is a message, not an error page."""
    plan = selectors.plan_get(plan_id=plan_id, for_user=request.user)
    if not selectors.can_plan(user=request.user):
        raise PermissionDenied
    try:
        step(plan=plan, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done)
    return redirect("office:planning_plan", plan_id=plan.pk)


@login_required
@require_POST
def planning_plan_draw(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Draw a committed plan (the snapshot is frozen now; the seed was committed before)."""
    return _plan_step(request, plan_id, services.plan_draw, _("已抽取，请复核后公布"))


@login_required
@require_POST
def planning_plan_publish(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Publish a drawn plan after review."""
    return _plan_step(request, plan_id, services.plan_publish, _("计划已公布，任务已下达检查人员"))


@login_required
@require_POST
def planning_plan_revise(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A new version of a published plan (superseded, its open tasks cancelled, drawn and published anew)."""
    plan = selectors.plan_get(plan_id=plan_id, for_user=request.user)
    if not selectors.can_plan(user=request.user):
        raise PermissionDenied
    form = PlanReviseForm(request.POST)
    if form.is_valid():
        try:
            new = form.save(plan=plan, actor=request.user, as_of=timezone.localdate())
        except DomainError as exc:
            form_refused(form, exc)
        else:
            messages.success(request, _("已发布新版本 v%(version)s") % {"version": new.version})
            return redirect("office:planning_plan", plan_id=new.pk)
    return planning_plan(request, plan_id, revise_form=form)


@login_required
@require_POST
def planning_task_publish(request: HttpRequest, task_id: int) -> HttpResponse:
    """Publish a recorded result (一公开): its inspectors, or a regulator who can read the task."""
    task = selectors.task_get(task_id=task_id, for_user=request.user)
    if not selectors.can_publish_result(user=request.user, task=task):
        raise PermissionDenied
    try:
        services.task_result_publish(task=task, actor=request.user, as_of=timezone.localdate())
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("检查结果已公示"))
    return redirect("office:planning_task", task_id=task.pk)


# ── tasks ─────────────────────────────────────────────────────────────────────────────────────────────────────


# Columns a phone (≤ 600 px) leaves out, so that an inspector's list reads without a sideways scroll.
NARROW_HIDDEN = {"th": {"class": "hide-narrow"}, "td": {"class": "hide-narrow"}}


class TaskTable(OfficeTable):
    id = tables.Column(verbose_name="#", linkify=("office:planning_task", [tables.A("pk")]))
    kind = tables.Column(verbose_name=gettext_lazy("任务类型"), attrs=NARROW_HIDDEN)
    operator = tables.Column(
        verbose_name=gettext_lazy("经营主体"),
        accessor="operator__name",
        linkify=("office:planning_task", [tables.A("pk")]),
    )
    uscc = tables.Column(verbose_name=gettext_lazy("统一社会信用代码"), accessor="operator__uscc", attrs=NARROW_HIDDEN)
    street = tables.Column(verbose_name=gettext_lazy("所属街道"), accessor="operator__street")
    risk_class = tables.Column(verbose_name=gettext_lazy("信用风险分类"), attrs=NARROW_HIDDEN)
    status = tables.Column(verbose_name=gettext_lazy("状态"))
    result = tables.Column(verbose_name=gettext_lazy("检查结果"), attrs=NARROW_HIDDEN)
    publish_due_on = tables.DateColumn(verbose_name=gettext_lazy("结果公示期限"), attrs=NARROW_HIDDEN)
    overdue = tables.Column(verbose_name=gettext_lazy("逾期"), empty_values=(), orderable=False)

    def render_overdue(self, record: Task) -> str:
        return _("逾期") if selectors.task_is_overdue(task=record, as_of=timezone.localdate()) else ""

    def value_overdue(self, record: Task) -> str:
        return self.render_overdue(record)


class TaskFilter(OfficeFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("状态"), choices=Task.Status.choices, empty_label=gettext_lazy("全部")
    )
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("任务类型"), choices=Task.Kind.choices, empty_label=gettext_lazy("全部")
    )
    street = StreetFilter(field_name="operator__street")
    risk_class = django_filters.ChoiceFilter(
        label=gettext_lazy("信用风险分类"), choices=[(c, c) for c in rules.CLASSES], empty_label=gettext_lazy("全部")
    )
    plan = django_filters.NumberFilter(label=gettext_lazy("计划编号"), field_name="plan_id", min_value=1)
    overdue = django_filters.ChoiceFilter(
        label=gettext_lazy("逾期未公示"),
        choices=[("1", gettext_lazy("只看逾期"))],
        empty_label=gettext_lazy("全部"),
        method="only_overdue",
    )

    class Meta:
        model = Task
        fields = ["status", "kind", "street", "risk_class", "plan", "overdue"]

    def only_overdue(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        if value != "1":
            return queryset
        overdue = selectors.task_list(for_user=self.request.user, as_of=timezone.localdate(), overdue_only=True)
        return queryset.filter(pk__in=overdue.values("pk"))


class TaskListView(OfficeListView):
    """检查任务: a regulator's tasks in scope (待分派 first to hand out), an inspector's own."""

    table_class = TaskTable
    filterset_class = TaskFilter
    title = gettext_lazy("检查任务")
    export_name = "tasks"

    def allowed(self, user: Any) -> bool:
        return selectors.can_assign_task(user=user) or selectors.inspector_of_user(user=user) is not None

    def rows(self) -> QuerySet[Any]:
        return selectors.task_list(for_user=self.request.user, as_of=timezone.localdate())


class AttachmentUploadHandler(MaxSizeUploadHandler):
    """The result form's attachment counted as it streams in: past PLANNING_ATTACHMENT_MAX_BYTES the upload stops
    (Django's file handlers never get the rest; the service checks type and size again on what was kept)."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.PLANNING_ATTACHMENT_MAX_BYTES:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data


@csrf_exempt  # the attachment cap must be installed before the body is read; CSRF is checked right after
@login_required
def planning_task(request: HttpRequest, task_id: int) -> HttpResponse:
    """One task (404 outside scope): regulators assign, reassign or close it; its inspectors record the result
    (403 for anyone else)."""
    cap = AttachmentUploadHandler(request)
    request.upload_handlers = [cap, *request.upload_handlers]
    return _planning_task(request, task_id, cap)


@csrf_protect
def _planning_task(request: HttpRequest, task_id: int, cap: AttachmentUploadHandler) -> HttpResponse:
    as_of = timezone.localdate()
    task = selectors.task_get(task_id=task_id, for_user=request.user)
    may_record = selectors.can_record_result(user=request.user, task=task)
    may_assign = selectors.can_assign_task(user=request.user) and task.status in (
        Task.Status.UNASSIGNED,
        Task.Status.ASSIGNED,
    )
    eligible = selectors.inspectors_eligible(operator=task.operator) if may_assign else []
    result_form = TaskResultForm(initial={"inspected_on": as_of})
    assign_form = TaskAssignForm(eligible=eligible, initial={"inspectors": selectors.task_inspector_ids(task=task)})
    close_form = ReasonForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "result")
        status = 400
        form: Any
        if action == "result":
            if not may_record:
                raise PermissionDenied
            form = result_form = TaskResultForm(request.POST, request.FILES)
            done = _("检查结果已录入")
        elif action in ("assign", "close"):
            if not selectors.can_assign_task(user=request.user):
                raise PermissionDenied
            if action == "assign":
                form = assign_form = TaskAssignForm(request.POST, eligible=eligible)
                done = _("已分派检查人员")
            else:
                form = close_form = ReasonForm(request.POST)
                done = _("任务已撤销")
        else:
            return HttpResponse(status=400)
        if action == "result" and cap.exceeded:
            form.is_valid()
            form.add_error(None, _("附件不能超过%(mb)s MB") % {"mb": settings.PLANNING_ATTACHMENT_MAX_BYTES // 2**20})
        elif form.is_valid():
            try:
                if action == "result":
                    form.save(task=task, actor=request.user, as_of=as_of)
                elif action == "assign":
                    form.save(task=task, actor=request.user)
                else:
                    services.task_close(task=task, reason=form.cleaned_data["reason"], actor=request.user)
            except DomainError as exc:
                form_refused(form, exc)
            else:
                messages.success(request, done)
                return redirect("office:planning_task", task_id=task.pk)
    context = {
        "task": task,
        "inspectors": task.inspectors.all(),
        "attachments": task.attachments.all(),
        "overdue": selectors.task_is_overdue(task=task, as_of=as_of),
        "may_record": may_record and task.status in (Task.Status.ASSIGNED, Task.Status.RECORDED),
        "may_assign": may_assign,
        "may_publish": task.status == Task.Status.RECORDED
        and selectors.can_publish_result(user=request.user, task=task),
        "eligible_count": len(eligible),
        "form": result_form,
        "assign_form": assign_form,
        "close_form": close_form,
        "trail": selectors.audit_trail(object_type="planning_task", object_id=task.pk),
    }
    return render(request, "office/planning_task.html", context, status=status)


# The minimum-frequency list lives in views_frequency.py (its own page); its URL is registered with planning's.
planning_frequency = FrequencyListView.as_view()

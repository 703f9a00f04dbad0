"""Back-office pages of the inspector directory (执法检查人员名录库): add or complete inspectors by 执法证号 (one, or a
list pasted from a roster), verify them against the certificate, their sectors and availability for draws, their
conflicts of interest (回避). Thin, as views_planning.py: forms call the services the API calls; 404 outside scope.
"""

from typing import Any

import django_filters
import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from foodcredit.core.choice_labels import label
from foodcredit.core.errors import DomainError
from foodcredit.inspections.models import Inspector
from foodcredit.operators import selectors as operator_selectors
from foodcredit.operators.models import Operator
from foodcredit.planning import selectors, services
from foodcredit.planning.forms import (
    ConflictDeclareForm,
    InspectorAddForm,
    InspectorBulkAddForm,
    InspectorProfileForm,
    InspectorVerifyForm,
    ReasonForm,
)

from .tables import OfficeFilterSet, OfficeListView, OfficeTable
from .views_planning import form_refused


def _regulator(request: HttpRequest) -> None:
    if not selectors.can_manage_inspectors(user=request.user):
        raise PermissionDenied


# ── the inspector directory ───────────────────────────────────────────────────────────────────────────────────


class InspectorTable(OfficeTable):
    cert_no = tables.Column(
        verbose_name=gettext_lazy("执法证号"), linkify=("office:planning_inspector", [tables.A("pk")])
    )
    name = tables.Column(verbose_name=gettext_lazy("姓名"))
    department_code = tables.Column(verbose_name=gettext_lazy("所属部门编码"))
    verified = tables.BooleanColumn(verbose_name=gettext_lazy("已核实"), yesno=(gettext_lazy("是"), gettext_lazy("否")))
    sectors = tables.Column(
        verbose_name=gettext_lazy("可检查业态"), accessor="planning_profile__sectors", orderable=False
    )
    available = tables.BooleanColumn(
        verbose_name=gettext_lazy("可参加抽查"),
        accessor="planning_profile__available",
        yesno=(gettext_lazy("是"), gettext_lazy("否")),
    )
    conflict_count = tables.Column(verbose_name=gettext_lazy("回避申报"))

    def render_sectors(self, value: list[str]) -> str:
        labels = dict(Operator.Sector.choices)
        return "、".join(label(labels.get(s, s)) for s in value or [])

    def value_sectors(self, value: list[str]) -> str:
        return self.render_sectors(value)


class InspectorFilter(OfficeFilterSet):
    q = django_filters.CharFilter(label=gettext_lazy("执法证号或姓名"), method="search")
    verified = django_filters.BooleanFilter(label=gettext_lazy("已核实"))
    available = django_filters.BooleanFilter(label=gettext_lazy("可参加抽查"), field_name="planning_profile__available")

    class Meta:
        model = Inspector
        fields = ["q", "verified", "available"]

    def search(self, queryset: QuerySet[Inspector], name: str, value: str) -> QuerySet[Inspector]:
        return queryset.filter(Q(cert_no__icontains=value) | Q(name__icontains=value))


class InspectorListView(OfficeListView):
    """执法检查人员名录库: who can be drawn and assigned, and the form to add one."""

    table_class = InspectorTable
    filterset_class = InspectorFilter
    title = gettext_lazy("执法检查人员")
    intro = gettext_lazy("只有已核实、有执法证号、可参加抽查并具备业态资格的检查人员才会被抽取或分派。")
    export_name = "inspectors"
    template_name = "office/planning_inspectors.html"

    def allowed(self, user: Any) -> bool:
        return selectors.can_manage_inspectors(user=user)

    def rows(self) -> QuerySet[Any]:
        return selectors.inspector_directory(for_user=self.request.user)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """One inspector (action=add) or a pasted roster (action=bulk)."""
        forms: dict[str, Any] = {}
        if request.POST.get("action") == "bulk":
            form: Any = InspectorBulkAddForm(request.POST)
            forms["bulk_form"] = form
        else:
            form = InspectorAddForm(request.POST)
            forms["add_form"] = form
        if form.is_valid():
            try:
                saved = form.save(actor=request.user)
            except DomainError as exc:
                form_refused(form, exc)
            else:
                if isinstance(saved, Inspector):
                    messages.success(request, _("已登记检查人员 %(name)s，待核实") % {"name": saved.name})
                    return redirect("office:planning_inspector", inspector_id=saved.pk)
                messages.success(request, _("已登记 %(n)s 名检查人员，待核实") % {"n": len(saved)})
                return redirect("office:planning_inspectors")
        self.object_list = self.object_rows()
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list, **forms)
        return self.render_to_response(context, status=400)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("add_form", InspectorAddForm())
        kwargs.setdefault("bulk_form", InspectorBulkAddForm())
        return super().get_context_data(**kwargs)


@login_required
def planning_inspector(request: HttpRequest, inspector_id: int) -> HttpResponse:
    """One inspector: verification, qualifications and availability, conflicts of interest, its audit trail."""
    inspector = selectors.inspector_get(inspector_id=inspector_id, for_user=request.user)
    _regulator(request)
    profile = getattr(inspector, "planning_profile", None)
    form: Any = None
    forms: dict[str, Any] = {
        "verify": InspectorVerifyForm(),
        "profile": InspectorProfileForm(
            initial={"sectors": profile.sectors if profile else [], "available": profile.available if profile else True}
        ),
        "conflict": ConflictDeclareForm(),
        "withdraw": ReasonForm(),
    }
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        status = 400
        try:
            if action == "verify":
                forms["verify"] = form = InspectorVerifyForm(request.POST)
                if form.is_valid():
                    form.save(inspector=inspector, actor=request.user)
                    messages.success(request, _("已核实"))
                    return redirect(request.path)
            elif action == "profile":
                forms["profile"] = form = InspectorProfileForm(request.POST)
                if form.is_valid():
                    form.save(inspector=inspector, actor=request.user)
                    messages.success(request, _("已保存抽查资格"))
                    return redirect(request.path)
            elif action == "conflict":
                forms["conflict"] = form = ConflictDeclareForm(request.POST)
                if form.is_valid():
                    operator = operator_selectors.operator_get(uscc=form.cleaned_data["uscc"], for_user=request.user)
                    form.save(inspector=inspector, operator=operator, actor=request.user)
                    messages.success(request, _("已登记回避申报"))
                    return redirect(request.path)
            elif action == "withdraw":
                forms["withdraw"] = form = ReasonForm(request.POST)
                conflict_id = request.POST.get("conflict", "")
                conflict = selectors.conflict_get(
                    inspector_id=inspector.pk,
                    conflict_id=int(conflict_id) if conflict_id.isdigit() else 0,
                    for_user=request.user,
                )
                if form.is_valid():
                    services.inspector_conflict_withdraw(
                        conflict=conflict, reason=form.cleaned_data["reason"], actor=request.user
                    )
                    messages.success(request, _("已撤回回避申报"))
                    return redirect(request.path)
            else:
                return HttpResponse(status=400)
        except DomainError as exc:
            form_refused(form, exc)
        inspector = selectors.inspector_get(inspector_id=inspector_id, for_user=request.user)
    context = {
        "inspector": inspector,
        "profile": getattr(inspector, "planning_profile", None),
        "conflicts": selectors.inspector_conflicts(inspector=inspector, for_user=request.user),
        "forms": forms,
        "trail": selectors.audit_trail(object_type="inspector", object_id=inspector.pk),
        "profile_trail": selectors.audit_trail(object_type="inspector_profile", object_id=profile.pk)
        if profile
        else [],
    }
    return render(request, "office/planning_inspector.html", context, status=status)

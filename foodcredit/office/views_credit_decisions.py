"""The district's credit decisions in the browser, each calling the service its API operation calls: class overrides
(with reason and expiry; revoke), penalty revocations, typical cases (publish, withdraw) and person bans. The page
refuses (403) a reader whose role writes none of the kind (accounts.permissions); the service checks the operator."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from foodcredit.accounts import permissions
from foodcredit.accounts.models import User
from foodcredit.core.errors import DomainError
from foodcredit.credit import selectors, services
from foodcredit.credit.models import CaseStudy, PersonBan
from foodcredit.operators import selectors as operator_selectors
from foodcredit.risk import selectors as risk_selectors
from foodcredit.risk import services as risk_services

from .forms_credit import CaseStudyForm, OverrideForm, PenaltyRevocationForm, PersonBanForm
from .tables import OfficeFilterSet, OfficeListView, OfficeTable
from .views_credit import REGULATORS, decider, domain_error, form_page, regulator

# --- class override --------------------------------------------------------------------------------------------------


@login_required
def class_overrides(request: HttpRequest, uscc: str) -> HttpResponse:
    """An operator's overrides, and a new one (reason and expiry) by the district regulator."""
    user = regulator(request)
    operator = operator_selectors.operator_get(uscc=uscc, for_user=user)
    form = OverrideForm(request.POST or None)
    if request.method == "POST":
        decider(user, permissions.CLASS_OVERRIDES)
        if form.is_valid():
            try:
                risk_services.class_override(
                    operator=operator, valid_from=timezone.localdate(), actor=user, **form.cleaned_data
                )
            except DomainError as exc:
                domain_error(form, exc)
            else:
                messages.success(request, gettext("已调整风险类别。"))
                return redirect("office:class_overrides", uscc=operator.uscc)
    return form_page(
        request,
        form=form,
        title=gettext("风险类别人工调整 · %(name)s") % {"name": operator.name},
        submit=gettext("调整"),
        back=reverse("office:operator_detail", args=[operator.uscc]),
        overrides=risk_selectors.overrides_of(operator_id=operator.pk),
        uscc=operator.uscc,
        today=timezone.localdate(),
        template_extra="office/credit_overrides.html",
    )


@require_POST
@login_required
def class_override_revoke(request: HttpRequest, uscc: str, pk: int) -> HttpResponse:
    """End an override today."""
    user = regulator(request)
    operator = operator_selectors.operator_get(uscc=uscc, for_user=user)
    override = risk_selectors.override_get(operator_id=operator.pk, pk=pk)
    decider(user, permissions.CLASS_OVERRIDES)
    try:
        risk_services.class_override_revoke(override=override, on=timezone.localdate(), actor=user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, gettext("已撤销人工调整。"))
    return redirect("office:class_overrides", uscc=operator.uscc)


# --- penalty revocations ---------------------------------------------------------------------------------------------


@login_required
def penalty_revocations(request: HttpRequest, uscc: str) -> HttpResponse:
    """An operator's current penalties, each with a form to file its revocation or change."""
    user = regulator(request)
    operator = operator_selectors.operator_get(uscc=uscc, for_user=user)
    rows = [
        {"entry": e, "form": PenaltyRevocationForm(prefix=str(e.pk), initial={"revoked_on": timezone.localdate()})}
        for e in selectors.penalty_entries(for_user=user, operator=operator)[:100]
    ]
    return render(request, "office/credit_penalties.html", {"operator": operator, "rows": rows})


@require_POST
@login_required
def penalty_revoke(request: HttpRequest, uscc: str, entry_id: int) -> HttpResponse:
    """File the revocation: the penalty leaves public view and the listings resting on it are reversed."""
    user = regulator(request)
    operator = operator_selectors.operator_get(uscc=uscc, for_user=user)
    entry = selectors.penalty_entries(for_user=user, operator=operator).filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    decider(user, permissions.PENALTY_REVOCATIONS)
    form = PenaltyRevocationForm(request.POST, prefix=str(entry.pk))
    if not form.is_valid():
        messages.error(request, gettext("请填写有效的撤销日期。"))
    else:
        try:
            services.penalty_revocation_file(penalty_entry=entry, actor=user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, gettext("已登记处罚决定撤销。"))
    return redirect("office:penalty_revocations", uscc=operator.uscc)


# --- typical cases ---------------------------------------------------------------------------------------------------


class CaseTable(OfficeTable):
    pk = tables.Column(verbose_name="#")
    title = tables.Column(verbose_name=_("标题"))
    operator__name = tables.Column(verbose_name=_("涉及经营主体"), default="")
    penalty_decision_no = tables.Column(verbose_name=_("处罚决定书文号"))
    status = tables.Column(verbose_name=_("状态"))
    published_on = tables.DateColumn(verbose_name=_("发布日期"), format="Y-m-d")
    act = tables.Column(verbose_name=_("处理"), empty_values=(), orderable=False, exclude_from_export=True)

    def render_status(self, record: CaseStudy) -> str:
        return gettext(record.get_status_display())

    def render_act(self, record: CaseStudy) -> Any:
        if record.status != CaseStudy.Status.PUBLISHED:
            return ""
        return format_html(
            '<form method="post" hx-boost="false" action="{}" class="inline-form"><input type="hidden" name="csrfmiddlewaretoken" '
            'value="{}"><button type="submit" class="button button-small">{}</button></form>',
            reverse("office:case_withdraw", args=[record.pk]),
            self.csrf_token,
            gettext("撤回"),
        )


class CaseFilter(OfficeFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=CaseStudy.Status.choices, empty_label=_("全部"))


class CaseListView(OfficeListView):
    table_class = CaseTable
    filterset_class = CaseFilter
    title = _("典型案例")
    export_name = "cases"
    template_name = "office/credit_cases.html"

    def allowed(self, user: Any) -> bool:
        return getattr(user, "role", None) == User.Role.DISTRICT_REGULATOR

    def rows(self) -> QuerySet[Any]:
        return selectors.case_studies(for_user=self.request.user)

    def get_table(self, **kwargs: Any) -> Any:
        table = super().get_table(**kwargs)
        table.csrf_token = get_token(self.request)
        return table


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    """Publish a typical case today."""
    user = regulator(request)
    decider(user, permissions.TYPICAL_CASES)
    form = CaseStudyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        uscc = data.pop("uscc").strip()
        operator = operator_selectors.operator_get(uscc=uscc, for_user=user) if uscc else None
        try:
            services.case_study_publish(operator=operator, published_on=timezone.localdate(), actor=user, **data)
        except DomainError as exc:
            domain_error(form, exc)
        else:
            messages.success(request, gettext("已发布典型案例。"))
            return redirect("office:cases")
    return form_page(
        request, form=form, title=gettext("发布典型案例"), submit=gettext("发布"), back=reverse("office:cases")
    )


@require_POST
@login_required
def case_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a published case from public view."""
    user = regulator(request)
    decider(user, permissions.TYPICAL_CASES)
    try:
        services.case_study_withdraw(case=selectors.case_study_get(pk=pk), actor=user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, gettext("已撤回典型案例。"))
    return redirect("office:cases")


# --- person bans -----------------------------------------------------------------------------------------------------


class BanTable(OfficeTable):
    name = tables.Column(verbose_name=_("姓名"))
    operator__name = tables.Column(verbose_name=_("所在经营主体"), default="")
    basis = tables.Column(verbose_name=_("禁入事由"))
    decision_no = tables.Column(verbose_name=_("决定书或判决书文号"))
    decided_on = tables.DateColumn(verbose_name=_("决定（判决）日期"), format="Y-m-d")
    until = tables.DateColumn(verbose_name=_("禁入期限至"), format="Y-m-d", default=_("终身"))
    department = tables.Column(verbose_name=_("作出决定部门"))

    def render_basis(self, record: PersonBan) -> str:
        return gettext(record.get_basis_display())


class BanFilter(OfficeFilterSet):
    basis = django_filters.ChoiceFilter(label=_("禁入事由"), choices=PersonBan.Basis.choices, empty_label=_("全部"))


class BanListView(OfficeListView):
    table_class = BanTable
    filterset_class = BanFilter
    title = _("从业禁止")
    intro = _("只保存身份证件号码的密钥散列，不保存也不显示号码本身。")
    export_name = "person-bans"
    template_name = "office/credit_bans.html"

    def allowed(self, user: Any) -> bool:
        return getattr(user, "role", None) in REGULATORS

    def rows(self) -> QuerySet[Any]:
        return selectors.person_bans(for_user=self.request.user)


@login_required
def ban_new(request: HttpRequest) -> HttpResponse:
    """Record a 行业禁入."""
    user = regulator(request)
    decider(user, permissions.PERSON_BANS)
    form = PersonBanForm(request.POST or None, initial={"department": user.department.name if user.department else ""})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        uscc = data.pop("uscc").strip()
        operator = operator_selectors.operator_get(uscc=uscc, for_user=user) if uscc else None
        try:
            services.person_ban_record(operator=operator, actor=user, **data)
        except DomainError as exc:
            domain_error(form, exc)
        else:
            messages.success(request, gettext("已记录从业禁止。"))
            return redirect("office:bans")
    return form_page(
        request, form=form, title=gettext("记录从业禁止"), submit=gettext("记录"), back=reverse("office:bans")
    )

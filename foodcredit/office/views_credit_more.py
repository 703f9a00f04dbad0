"""The other credit writes in the browser, each calling the service its API operation calls: class overrides (with
reason and expiry; revoke), penalty revocations, commitments (a business records, a regulator verifies or marks it
false), typical cases (publish, withdraw), person bans, and a business user's repair application."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from foodcredit.accounts.models import User
from foodcredit.core.errors import DomainError
from foodcredit.credit import selectors, services
from foodcredit.credit.models import CaseStudy, Commitment, PersonBan, RepairApplication
from foodcredit.operators import selectors as operator_selectors
from foodcredit.risk import selectors as risk_selectors
from foodcredit.risk import services as risk_services

from .forms_credit import (
    CaseStudyForm,
    CommitmentForm,
    CommitmentVerifyForm,
    OverrideForm,
    PenaltyRevocationForm,
    PersonBanForm,
    RepairForm,
)
from .tables import OfficeFilterSet, OfficeListView, OfficeTable, StreetFilter
from .views_credit import REGULATORS, business, decider, domain_error, form_page, regulator

# --- class override --------------------------------------------------------------------------------------------------


@login_required
def class_overrides(request: HttpRequest, uscc: str) -> HttpResponse:
    """An operator's overrides, and a new one (reason and expiry) by the district regulator."""
    user = regulator(request)
    operator = operator_selectors.operator_get(uscc=uscc, for_user=user)
    form = OverrideForm(request.POST or None)
    if request.method == "POST":
        decider(user)
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
        request, form=form, title=gettext("风险类别人工调整 · %(name)s") % {"name": operator.name},
        submit=gettext("调整"), back=reverse("office:operator_detail", args=[operator.uscc]),
        overrides=risk_selectors.overrides_of(operator_id=operator.pk), uscc=operator.uscc,
        today=timezone.localdate(), template_extra="office/credit_overrides.html",
    )  # fmt: skip


@require_POST
@login_required
def class_override_revoke(request: HttpRequest, uscc: str, pk: int) -> HttpResponse:
    """End an override today."""
    user = regulator(request)
    operator = operator_selectors.operator_get(uscc=uscc, for_user=user)
    override = risk_selectors.override_get(operator_id=operator.pk, pk=pk)
    decider(user)
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
    decider(user)
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


# --- commitments -----------------------------------------------------------------------------------------------------


class CommitmentTable(OfficeTable):
    pk = tables.Column(verbose_name="#", linkify=("office:commitment", [tables.A("pk")]))
    operator__name = tables.Column(verbose_name=_("经营主体"))
    operator__uscc = tables.Column(verbose_name=_("统一社会信用代码"), attrs={"td": {"class": "mono"}})
    kind = tables.Column(verbose_name=_("承诺类型"))
    made_on = tables.DateColumn(verbose_name=_("承诺日期"), format="Y-m-d")
    verification = tables.Column(verbose_name=_("核查结果"))
    verified_on = tables.DateColumn(verbose_name=_("核查日期"), format="Y-m-d")

    def render_kind(self, record: Commitment) -> str:
        return gettext(record.get_kind_display())

    def render_verification(self, record: Commitment) -> str:
        return gettext(record.get_verification_display())


class CommitmentFilter(OfficeFilterSet):
    verification = django_filters.ChoiceFilter(
        label=_("核查结果"), choices=Commitment.Verification.choices, empty_label=_("全部")
    )
    kind = django_filters.ChoiceFilter(label=_("承诺类型"), choices=Commitment.Kind.choices, empty_label=_("全部"))
    street = StreetFilter(field_name="operator__street")


class CommitmentListView(OfficeListView):
    table_class = CommitmentTable
    filterset_class = CommitmentFilter
    title = _("信用承诺")
    export_name = "commitments"
    template_name = "office/credit_commitments.html"

    def allowed(self, user: Any) -> bool:
        return getattr(user, "role", None) in (*REGULATORS, User.Role.BUSINESS)

    def rows(self) -> QuerySet[Any]:
        return selectors.commitments(for_user=self.request.user)


@login_required
def commitment(request: HttpRequest, pk: int) -> HttpResponse:
    """One commitment; the district regulator records today's verification (kept, or false: filed and disclosed)."""
    user = request.user
    if not isinstance(user, User) or user.role not in (*REGULATORS, User.Role.BUSINESS):
        raise Http404
    found = selectors.commitment_get(pk=pk, for_user=user)  # a business user reads its own, read-only
    verifiable = found.verification == Commitment.Verification.PENDING and user.role != User.Role.BUSINESS
    form = CommitmentVerifyForm(request.POST or None) if verifiable or request.method == "POST" else None
    if request.method == "POST" and form is not None:
        decider(user)
        if form.is_valid():
            try:
                services.commitment_verify(
                    commitment=found, verified_on=timezone.localdate(), actor=user, **form.cleaned_data
                )
            except DomainError as exc:
                domain_error(form, exc)
            else:
                messages.success(request, gettext("已记录核查结果。"))
                return redirect("office:commitment", pk=found.pk)
    return form_page(
        request, form=form, title=gettext("信用承诺 #%(pk)s") % {"pk": found.pk}, submit=gettext("记录核查结果"),
        back=reverse("office:commitments"),
        facts=[(gettext("经营主体"), f"{found.operator.name}（{found.operator.uscc}）"),
               (gettext("承诺类型"), gettext(found.get_kind_display())),
               (gettext("承诺日期"), f"{found.made_on:%Y-%m-%d}"), (gettext("承诺内容"), found.text),
               (gettext("核查结果"), gettext(found.get_verification_display())),
               (gettext("核查说明"), found.verification_note)],
    )  # fmt: skip


def _own_operators(user: User) -> list[tuple[str, str]]:
    return [
        (o.uscc, f"{o.name}（{o.uscc}）") for o in operator_selectors.operator_scope(for_user=user).order_by("name")
    ]


@login_required
def commitment_new(request: HttpRequest) -> HttpResponse:
    """A business user records a commitment for its own operator (shown publicly from today)."""
    user = business(request)
    form = CommitmentForm(request.POST or None, operators=_own_operators(user))
    if request.method == "POST" and form.is_valid():
        operator = operator_selectors.operator_get(uscc=form.cleaned_data["uscc"], for_user=user)
        try:
            services.commitment_record(
                operator=operator, kind=form.cleaned_data["kind"], made_on=timezone.localdate(),
                text=form.cleaned_data["text"], actor=user, idempotency_key=form.cleaned_data["idempotency_key"],
            )  # fmt: skip
        except DomainError as exc:
            domain_error(form, exc)
        else:
            messages.success(request, gettext("已作出信用承诺。"))
            return redirect("office:commitments")
    return form_page(
        request, form=form, title=gettext("作出信用承诺"), submit=gettext("提交"), back=reverse("office:commitments")
    )


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
            reverse("office:case_withdraw", args=[record.pk]), self.csrf_token, gettext("撤回"),
        )  # fmt: skip


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
        from django.middleware.csrf import get_token

        table = super().get_table(**kwargs)
        table.csrf_token = get_token(self.request)
        return table


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    """Publish a typical case today."""
    user = regulator(request)
    decider(user)
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
    decider(user)
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
    decider(user)
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


# --- a business user's repair application ----------------------------------------------------------------------------


@login_required
def repair_apply(request: HttpRequest) -> HttpResponse:
    """A business user applies for credit repair for its own operator; an ineligible one is refused at once with the
    rule and the date it becomes eligible."""
    user = business(request)
    form = RepairForm(request.POST or None, operators=_own_operators(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        operator = operator_selectors.operator_get(uscc=data["uscc"], for_user=user)
        penalty = list_entry = None
        if data["target"] == RepairApplication.Target.PENALTY:
            penalty = selectors.penalty_entry_by_decision_no(operator=operator, decision_no=data["penalty_decision_no"])
            if penalty is None:
                form.add_error("penalty_decision_no", gettext("未找到该行政处罚。"))
        else:
            list_entry = selectors.list_entry_current(operator=operator, list_kind=data["target"])
        if not form.errors:
            try:
                application = services.repair_submit(
                    operator=operator, target=data["target"], commitment=data["commitment"],
                    evidence=data["evidence"], submitted_on=timezone.localdate(), actor=user, penalty_entry=penalty,
                    list_entry=list_entry, idempotency_key=data["idempotency_key"],
                )  # fmt: skip
            except DomainError as exc:
                domain_error(form, exc)
            else:
                if application.status == RepairApplication.Status.REFUSED:
                    messages.warning(request, selectors.repair_refusal_message(application.refusal_rule))
                else:
                    messages.success(request, gettext("已提交信用修复申请。"))
                return redirect("office:repair_mine")
    return form_page(
        request,
        form=form,
        title=gettext("申请信用修复"),
        submit=gettext("提交申请"),
        back=reverse("office:repair_mine"),
    )


@login_required
def repair_mine(request: HttpRequest) -> HttpResponse:
    """A business user's own applications with their status and deadlines."""
    user = business(request)
    today = timezone.localdate()
    rows = [
        {"application": a, "overdue": selectors.repair_overdue(a, as_of=today),
         "refusal": selectors.repair_refusal_message(a.refusal_rule)}
        for a in selectors.repair_applications(for_user=user)[:200]
    ]  # fmt: skip
    return render(request, "office/credit_repairs_mine.html", {"rows": rows})

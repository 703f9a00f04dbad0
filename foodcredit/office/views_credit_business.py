"""What a business user files in the browser and its verification, each calling the service its API operation
calls: commitments (a business records one for its own operator, the district verifies it or marks it false) and a
business user's credit-repair application with its own applications' list."""

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
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from foodcredit.accounts import permissions
from foodcredit.accounts.models import User
from foodcredit.core.errors import DomainError
from foodcredit.credit import selectors, services
from foodcredit.credit.models import Commitment, RepairApplication
from foodcredit.operators import selectors as operator_selectors

from .forms_credit import CommitmentForm, CommitmentVerifyForm, RepairForm
from .tables import OfficeFilterSet, OfficeListView, OfficeTable, StreetFilter
from .views_credit import REGULATORS, business, decider, domain_error, form_page

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
        decider(user, permissions.COMMITMENT_VERIFICATIONS)
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
        request,
        form=form,
        title=gettext("信用承诺 #%(pk)s") % {"pk": found.pk},
        submit=gettext("记录核查结果"),
        back=reverse("office:commitments"),
        facts=[
            (gettext("经营主体"), f"{found.operator.name}（{found.operator.uscc}）"),
            (gettext("承诺类型"), gettext(found.get_kind_display())),
            (gettext("承诺日期"), f"{found.made_on:%Y-%m-%d}"),
            (gettext("承诺内容"), found.text),
            (gettext("核查结果"), gettext(found.get_verification_display())),
            (gettext("核查说明"), found.verification_note),
        ],
    )


def _own_operators(user: User) -> list[tuple[str, str]]:
    return [
        (o.uscc, f"{o.name}（{o.uscc}）") for o in operator_selectors.operator_scope(for_user=user).order_by("name")
    ]


@login_required
def commitment_new(request: HttpRequest) -> HttpResponse:
    """A business user records a commitment for its own operator (shown publicly from today)."""
    user = business(request, permissions.COMMITMENTS)
    form = CommitmentForm(request.POST or None, operators=_own_operators(user))
    if request.method == "POST" and form.is_valid():
        operator = operator_selectors.operator_get(uscc=form.cleaned_data["uscc"], for_user=user)
        try:
            services.commitment_record(
                operator=operator,
                kind=form.cleaned_data["kind"],
                made_on=timezone.localdate(),
                text=form.cleaned_data["text"],
                actor=user,
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except DomainError as exc:
            domain_error(form, exc)
        else:
            messages.success(request, gettext("已作出信用承诺。"))
            return redirect("office:commitments")
    return form_page(
        request, form=form, title=gettext("作出信用承诺"), submit=gettext("提交"), back=reverse("office:commitments")
    )


# --- a business user's repair application ----------------------------------------------------------------------------


@login_required
def repair_apply(request: HttpRequest) -> HttpResponse:
    """A business user applies for credit repair for its own operator; an ineligible one is refused at once with the
    rule and the date it becomes eligible."""
    user = business(request, permissions.REPAIR_APPLICATIONS)
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
                    operator=operator,
                    target=data["target"],
                    commitment=data["commitment"],
                    evidence=data["evidence"],
                    submitted_on=timezone.localdate(),
                    actor=user,
                    penalty_entry=penalty,
                    list_entry=list_entry,
                    idempotency_key=data["idempotency_key"],
                )
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
    user = business(request, permissions.REPAIR_APPLICATIONS)
    today = timezone.localdate()
    rows = [
        {
            "application": a,
            "overdue": selectors.repair_overdue(a, as_of=today),
            "refusal": selectors.repair_refusal_message(a.refusal_rule),
        }
        for a in selectors.repair_applications(for_user=user)[:200]
    ]
    return render(request, "office/credit_repairs_mine.html", {"rows": rows})

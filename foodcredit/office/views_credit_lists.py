"""The two lists in the browser (DOMAIN.md II.1, II.3): listing candidates (penalties of listable violation types not
yet proposed) → propose (the 情节严重 judgment and the notice of the party's rights) → the upper level's approval →
decision → removal; a proposal dropped (e.g. no intent proven); abnormal-list causes entered by staff.

Regulators read in their scope (a station its streets); the district regulator writes ("谁处罚、谁列入、谁移出").
Each form calls the service the API calls, with the same values (credit/api.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import django_filters
import django_tables2 as tables
from django.conf import settings
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

from foodcredit.accounts import permissions
from foodcredit.accounts.models import User
from foodcredit.core.choice_labels import label
from foodcredit.core.errors import DomainError
from foodcredit.core.workdays import add_workdays
from foodcredit.credit import rules as credit_rules
from foodcredit.credit import selectors, services
from foodcredit.credit.models import LedgerEntry, ListEntry
from foodcredit.operators import selectors as operator_selectors

from .forms_credit import AbnormalListForm, ApprovalForm, DecisionForm, DropForm, RemovalForm, SeriousProposalForm
from .tables import OfficeFilterSet, OfficeListView, OfficeTable, StreetFilter
from .views_credit import REGULATORS, decider, domain_error, form_page, regulator

L = ListEntry
SERIOUS_BASIS = "《市场监督管理严重违法失信名单管理办法》第五条"


def _is_regulator(user: Any) -> bool:
    return getattr(user, "role", None) in REGULATORS


class CandidateTable(OfficeTable):
    operator__name = tables.Column(
        verbose_name=_("经营主体"), linkify=("office:operator_detail", [tables.A("operator__uscc")])
    )
    operator__uscc = tables.Column(verbose_name=_("统一社会信用代码"), attrs={"td": {"class": "mono"}})
    operator__street = tables.Column(verbose_name=_("所属街道"))
    decision_no = tables.Column(verbose_name=_("处罚决定书文号"))
    occurred_on = tables.DateColumn(verbose_name=_("处罚决定日期"), format="Y-m-d")
    violation = tables.Column(verbose_name=_("违法行为"))
    heavy = tables.Column(verbose_name=_("较重行政处罚"), empty_values=(), orderable=False)
    act = tables.Column(verbose_name=_("处理"), empty_values=(), orderable=False, exclude_from_export=True)

    class Meta(OfficeTable.Meta):
        empty_text = _("没有待研判的列入候选")

    def render_heavy(self, record: LedgerEntry) -> str:
        return gettext("是") if credit_rules.is_heavy_penalty(record.facts) else gettext("否")

    def value_heavy(self, record: LedgerEntry) -> str:
        return self.render_heavy(record)

    def render_act(self, record: LedgerEntry) -> Any:
        url = reverse("office:list_propose", args=[record.pk])
        return format_html('<a class="button button-small" href="{}">{}</a>', url, gettext("拟列入"))


class CandidateFilter(OfficeFilterSet):
    street = StreetFilter(field_name="operator__street")


class CandidateListView(OfficeListView):
    table_class = CandidateTable
    filterset_class = CandidateFilter
    title = _("严重违法失信名单列入候选")
    intro = _("属可列入领域的违法行为类型、尚未研判的行政处罚。列入还须为较重行政处罚，并记录情节严重的认定理由。")
    export_name = "serious-list-candidates"

    def allowed(self, user: Any) -> bool:
        return _is_regulator(user)

    def rows(self) -> QuerySet[Any]:
        return selectors.serious_list_candidates(for_user=self.request.user)


class ListEntryTable(OfficeTable):
    pk = tables.Column(verbose_name="#", linkify=("office:list_entry", [tables.A("pk")]))
    operator__name = tables.Column(verbose_name=_("经营主体"))
    operator__uscc = tables.Column(verbose_name=_("统一社会信用代码"), attrs={"td": {"class": "mono"}})
    list_kind = tables.Column(verbose_name=_("名录名单"))
    cause = tables.Column(verbose_name=_("列入事由"))
    status = tables.Column(verbose_name=_("状态"))
    decided_on = tables.DateColumn(verbose_name=_("列入日期"), format="Y-m-d")
    removed_on = tables.DateColumn(verbose_name=_("移出日期"), format="Y-m-d")
    department = tables.Column(verbose_name=_("作出决定部门"))

    def render_list_kind(self, record: ListEntry) -> str:
        return gettext(record.get_list_kind_display())

    def render_cause(self, record: ListEntry) -> str:
        return gettext(record.get_cause_display())

    def render_status(self, record: ListEntry) -> str:
        return gettext(record.get_status_display())


class ListEntryFilter(OfficeFilterSet):
    list_kind = django_filters.ChoiceFilter(label=_("名录名单"), choices=L.ListKind.choices, empty_label=_("全部"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=L.Status.choices, empty_label=_("全部"))
    street = StreetFilter(field_name="operator__street")


class ListEntryListView(OfficeListView):
    table_class = ListEntryTable
    filterset_class = ListEntryFilter
    title = _("经营异常名录与严重违法失信名单")
    export_name = "lists"
    template_name = "office/lists_entries.html"

    def allowed(self, user: Any) -> bool:
        return _is_regulator(user)

    def rows(self) -> QuerySet[Any]:
        return selectors.list_entries(for_user=self.request.user)


def _user_department(user: User) -> str:
    return user.department.name if user.department else ""


@login_required
def list_propose(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Record the serious-list judgment on a candidate penalty and the notice of the party's rights."""
    user = regulator(request)
    penalty = selectors.serious_list_candidate_get(pk=entry_id, for_user=user)
    decider(user, permissions.LIST_ENTRIES)
    today = timezone.localdate()
    form = SeriousProposalForm(
        request.POST or None,
        initial={"legal_basis": SERIOUS_BASIS, "department": _user_department(user), "notice_served_on": today},
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.serious_list_propose(
                operator=penalty.operator,
                penalty_entry=penalty,
                actor=user,
                penalty_decision_no=penalty.decision_no,  # type: ignore[attr-defined]
                **form.cleaned_data,
            )
        except DomainError as exc:
            domain_error(form, exc)
            failures = exc.context.get("failures") or []
            for failure in failures:
                form.add_error(None, str(FAILURES.get(failure, failure)))
        else:
            messages.success(request, gettext("已拟列入严重违法失信名单。"))
            return redirect("office:list_entry", pk=entry.pk)
    facts = penalty.facts
    return form_page(
        request,
        form=form,
        title=gettext("拟列入严重违法失信名单"),
        submit=gettext("拟列入"),
        back=reverse("office:list_candidates"),
        facts=[
            (gettext("经营主体"), f"{penalty.operator.name}（{penalty.operator.uscc}）"),
            (gettext("处罚决定书文号"), penalty.decision_no),  # type: ignore[attr-defined]
            (gettext("处罚决定日期"), f"{penalty.occurred_on:%Y-%m-%d}"),
            (gettext("违法行为"), penalty.violation),  # type: ignore[attr-defined]
            (gettext("处罚种类"), "、".join(label(k) for k in facts.get("kinds") or [])),
            (gettext("罚没金额（元）"), facts.get("amount")),
            (gettext("较重行政处罚"), gettext("是") if credit_rules.is_heavy_penalty(facts) else gettext("否")),
            (
                gettext("上一级批准"),
                gettext("需要") if settings.SERIOUS_LIST_UPPER_APPROVAL_REQUIRED else gettext("不需要"),
            ),
        ],
    )


FAILURES = {
    "not_heavy_penalty": _("不是较重行政处罚（从重罚款、吊销许可证件、责令停产停业等）。"),
    "violation_not_listable": _("违法行为类型不属可列入严重违法失信名单的领域。"),
    "no_serious_reasons": _("未记录情节严重的认定理由。"),
    "no_intent_proven": _("当事人已证明无主观故意，不予列入。"),
}


@login_required
def list_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """One listing: its judgment, notice, approval, decision and removal, and the step it waits for."""
    user = regulator(request)
    entry = selectors.list_entry_get(pk=pk, for_user=user)
    as_of = timezone.localdate()
    forms: dict[str, Any] = {}
    if user.role == User.Role.DISTRICT_REGULATOR:
        if entry.status == L.Status.AWAITING_APPROVAL:
            forms["approve"] = ApprovalForm(initial={"approved_on": as_of}, prefix="approve")
        if entry.status == L.Status.PROPOSED:
            forms["decide"] = DecisionForm(initial={"decided_on": as_of}, prefix="decide")
        if entry.status in (L.Status.PROPOSED, L.Status.AWAITING_APPROVAL):
            forms["drop"] = DropForm(prefix="drop")
        if entry.status == L.Status.LISTED:
            forms["remove"] = RemovalForm(initial={"removed_on": as_of}, prefix="remove", list_kind=entry.list_kind)
    return _entry_page(request, entry, forms)


def _procedure_dates(entry: ListEntry) -> list[tuple[str, str]]:
    """The procedure's dates that follow from the decision (DOMAIN.md II §1.3-1.5, §3.4), as (label, day) rows."""
    if entry.decided_on is None:
        return []

    def day(d: date, estimated: bool = False) -> str:
        return f"{d:%Y-%m-%d}" + (gettext("（估算）") if estimated else "")

    publish = add_workdays(entry.decided_on, settings.LIST_PUBLISH_WITHIN_WORKDAYS)
    rows = [(gettext("公示期限（国家企业信用信息公示系统）"), day(publish.due, publish.estimated))]
    ends_on = credit_rules.list_period_end(
        list_kind=entry.list_kind,
        listed_on=entry.decided_on,
        restriction_until=entry.restriction_until,
        period=settings.SERIOUS_LIST_PERIOD,
    )
    if entry.list_kind == L.ListKind.SERIOUS:
        if ends_on:
            rows.append((gettext("期满移出日期"), day(ends_on)))
        early = max(entry.decided_on + settings.SERIOUS_LIST_EARLY_REMOVAL_AFTER, entry.restriction_until or date.min)
        rows.append((gettext("可申请提前移出（信用修复）"), day(early)))
    else:
        dates = credit_rules.escalation_dates(
            listed_on=entry.decided_on,
            after=settings.ABNORMAL_ESCALATION_AFTER,
            notice_before=settings.ABNORMAL_ESCALATION_NOTICE_BEFORE,
            within=settings.ABNORMAL_ESCALATION_WITHIN_WORKDAYS,
        )
        rows += [
            (gettext("届满3年前公告"), day(dates.notice_from)),
            (gettext("未履行义务的，转入严重违法失信名单"), day(dates.propose_from)),
        ]
    return rows


def _entry_page(request: HttpRequest, entry: ListEntry, forms: dict[str, Any], status: int = 200) -> HttpResponse:
    context = {"entry": entry, "forms": forms, "dates": _procedure_dates(entry)}
    return render(request, "office/lists_entry.html", context, status=status)


ACTIONS = {"approve": ApprovalForm, "decide": DecisionForm, "drop": DropForm, "remove": RemovalForm}


@require_POST
@login_required
def list_entry_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Approve, decide, drop or remove one listing (the district regulator)."""
    user = regulator(request)
    entry = selectors.list_entry_get(pk=pk, for_user=user)
    decider(user, permissions.LIST_ENTRIES)
    if action not in ACTIONS:
        raise Http404
    extra: dict[str, Any] = {"list_kind": entry.list_kind} if action == "remove" else {}
    form = ACTIONS[action](request.POST, prefix=action, **extra)
    if form.is_valid():
        try:
            if action == "approve":
                services.serious_list_approve(entry=entry, actor=user, **form.cleaned_data)
            elif action == "decide":
                services.serious_list_decide(entry=entry, actor=user, **form.cleaned_data)
            elif action == "drop":
                services.serious_list_drop(entry=entry, actor=user, **form.cleaned_data)
            else:
                services.list_remove(entry=entry, actor=user, **form.cleaned_data)
        except DomainError as exc:
            domain_error(form, exc)
        else:
            messages.success(request, gettext("已保存。"))
            return redirect("office:list_entry", pk=entry.pk)
    return _entry_page(request, entry, {action: form}, status=400)


@login_required
def abnormal_add(request: HttpRequest) -> HttpResponse:
    """List an operator on the 经营异常名录 for one of the four causes, entered by staff."""
    user = regulator(request)
    decider(user, permissions.LIST_ENTRIES)
    form = AbnormalListForm(
        request.POST or None,
        initial={
            "decided_on": timezone.localdate(),
            "department": _user_department(user),
            "legal_basis": "《企业信息公示暂行条例》第十七条",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        operator = operator_selectors.operator_get(uscc=data.pop("uscc").strip(), for_user=user)
        try:
            entry = services.abnormal_list_add(operator=operator, actor=user, **data)
        except DomainError as exc:
            domain_error(form, exc)
        else:
            messages.success(request, gettext("已列入经营异常名录。"))
            return redirect("office:list_entry", pk=entry.pk)
    return form_page(
        request, form=form, title=gettext("列入经营异常名录"), submit=gettext("列入"), back=reverse("office:lists")
    )

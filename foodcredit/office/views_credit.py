"""Back-office credit-repair queue (an office list: filters, count, pages, export): applications with their
working-day deadlines and overdue flags; accept, grant or deny. Also the helpers the other credit pages share.

Thin: the credit selectors scope and the credit services decide; DomainError messages are shown to the officer.
"""

from typing import Any

import django_filters
import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from foodcredit.accounts import permissions
from foodcredit.accounts.models import User
from foodcredit.core.errors import DomainError
from foodcredit.credit import selectors, services
from foodcredit.credit.models import RepairApplication

from .tables import OfficeFilterSet, OfficeListView, OfficeTable, StreetFilter

REGULATORS = (User.Role.DISTRICT_REGULATOR, User.Role.STATION_REGULATOR)


def regulator(request: HttpRequest) -> User:
    """The district or station regulator reading a credit page; any other role finds no such page (404)."""
    user = request.user
    if not isinstance(user, User) or user.role not in REGULATORS:
        raise Http404
    return user


def decider(user: Any, kind: str) -> User:
    """A page-level 403 for a user who may read the object but whose role writes no `kind` (the rules table of
    accounts.permissions: lists, overrides, cases, bans, revocations, repair decisions are the district's). The
    service checks the same table again with the operator, and audits a refusal."""
    if not isinstance(user, User) or not permissions.can_write_kind(user, kind):
        raise PermissionDenied
    return user


def business(request: HttpRequest, kind: str) -> User:
    """A user whose role writes `kind` for its own operators (commitments, repair applications, objections: business
    users, by the rules table of accounts.permissions); others find no page."""
    user = request.user
    if not isinstance(user, User) or not permissions.can_write_kind(user, kind):
        raise Http404
    return user


def form_page(request: HttpRequest, *, form: Any, title: Any, submit: Any, back: str, **context: Any) -> HttpResponse:
    """The credit pages' one form template: a title, what the form acts on, the form and its errors."""
    return render(
        request,
        "office/credit_form.html",
        {"form": form, "title": title, "submit": submit, "back": back, **context},
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


def domain_error(form: Any, exc: DomainError) -> None:
    """Show a broken rule on the form, with its stable code for support."""
    form.add_error(None, f"{exc.message}（{exc.code}）")


class RepairTable(OfficeTable):
    pk = tables.Column(verbose_name="#")
    operator__name = tables.Column(verbose_name=_("经营主体"))
    operator__uscc = tables.Column(verbose_name=_("统一社会信用代码"), attrs={"td": {"class": "mono"}})
    target = tables.Column(verbose_name=_("修复事项"))
    submitted_on = tables.DateColumn(verbose_name=_("提交日期"), format="Y-m-d")
    status = tables.Column(verbose_name=_("状态"))
    deadline = tables.Column(verbose_name=_("期限"), empty_values=(), orderable=False)
    act = tables.Column(verbose_name=_("处理"), empty_values=(), orderable=False, exclude_from_export=True)

    class Meta(OfficeTable.Meta):
        empty_text = _("暂无申请")
        row_attrs = {"class": lambda record, table: "overdue" if table.overdue(record) else ""}

    def overdue(self, record: RepairApplication) -> bool:
        return selectors.repair_overdue(record, as_of=self.as_of)

    def render_target(self, record: RepairApplication) -> str:
        return gettext(record.get_target_display())

    def render_status(self, record: RepairApplication) -> Any:
        label = gettext(record.get_status_display())
        refusal = selectors.repair_refusal_message(record.refusal_rule)
        if not refusal:
            return label
        since = (
            (gettext("%(day)s 起可申请") % {"day": f"{record.eligible_from:%Y-%m-%d}"}) if record.eligible_from else ""
        )
        return format_html("{}<br><small>{} {}</small>", label, refusal, since)

    def value_status(self, record: RepairApplication) -> str:
        return gettext(record.get_status_display())

    def value_deadline(self, record: RepairApplication) -> str:
        if record.status == RepairApplication.Status.SUBMITTED and record.accept_by:
            text = gettext("受理期限 %(day)s") % {"day": f"{record.accept_by:%Y-%m-%d}"}
        elif record.status == RepairApplication.Status.ACCEPTED and record.decide_by:
            text = gettext("决定期限 %(day)s") % {"day": f"{record.decide_by:%Y-%m-%d}"}
        else:
            return ""
        if record.deadline_estimated:
            text += gettext("（估算）")
        return text

    def render_deadline(self, record: RepairApplication) -> Any:
        text = self.value_deadline(record)
        if self.overdue(record):
            return format_html("{} <strong>{}</strong>", text, gettext("已逾期"))
        return text

    def render_act(self, record: RepairApplication) -> Any:
        if self.user_role != User.Role.DISTRICT_REGULATOR:
            return ""
        return render_to_string("office/_repair_actions.html", {"a": record, "csrf_token": self.csrf_token})


class RepairFilter(OfficeFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[("open", _("待处理（已提交或已受理）")), *RepairApplication.Status.choices],
        empty_label=_("全部"),
        method="filter_status",
    )
    target = django_filters.ChoiceFilter(
        label=_("修复事项"), choices=RepairApplication.Target.choices, empty_label=_("全部")
    )
    street = StreetFilter(field_name="operator__street")
    overdue = django_filters.ChoiceFilter(
        label=_("逾期"), choices=[("1", _("是"))], empty_label=_("全部"), method="filter_overdue"
    )

    def filter_status(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "open":
            return queryset.filter(status__in=RepairApplication.OPEN)
        return queryset.filter(status=value) if value else queryset

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if not value:
            return queryset
        late = selectors.repair_applications(for_user=self.request.user, overdue_on=timezone.localdate())
        return queryset.filter(pk__in=late.values("pk"))


class RepairQueueView(OfficeListView):
    """Repair applications in scope with their working-day deadlines, overdue first flagged; accept, grant, deny."""

    table_class = RepairTable
    filterset_class = RepairFilter
    title = _("信用修复申请")
    intro = _("期限按工作日计算；标注“估算”的期限跨越了节假日安排尚未公布的年份。")
    export_name = "repair-applications"

    def allowed(self, user: Any) -> bool:
        return getattr(user, "role", None) == User.Role.DISTRICT_REGULATOR

    def rows(self) -> QuerySet[Any]:
        return selectors.repair_applications(for_user=self.request.user)

    def get_table(self, **kwargs: Any) -> Any:
        table = super().get_table(**kwargs)
        table.as_of = timezone.localdate()
        table.csrf_token = get_token(self.request)
        table.user_role = getattr(self.request.user, "role", None)
        return table


repair_queue = RepairQueueView.as_view()


@require_POST
@login_required
def repair_act(request: HttpRequest, application_id: int, action: str) -> HttpResponse:
    """Accept, grant or deny one application today."""
    user = decider(request.user, permissions.REPAIR_DECISIONS)
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

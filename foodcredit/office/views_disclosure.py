"""不予公示 in the back office: the district marks a record of a credit file with its legal ground, or lifts the
mark; and the list of marks. Thin: the credit selectors scope, the credit services decide and audit."""

from typing import Any

import django_filters
import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from foodcredit.accounts import permissions
from foodcredit.accounts.models import User
from foodcredit.core.errors import DomainError
from foodcredit.credit import selectors, services
from foodcredit.credit.models import DisclosureHold

from .forms_objections import DisclosureHoldForm, DisclosureHoldRemoveForm
from .tables import OfficeFilterSet, OfficeListView, OfficeTable
from .views_credit import decider, domain_error, form_page, regulator


def _entry_facts(entry: Any) -> list[tuple[str, str]]:
    return [
        (gettext("经营主体"), f"{entry.operator.name}（{entry.operator.uscc}）"),
        (gettext("档案条目"), f"{gettext(entry.get_kind_display())} {entry.occurred_on:%Y-%m-%d} #{entry.pk}"),
    ]


@login_required
def disclosure_hold_set(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Mark the record of one credit-file entry 不予公示 (district regulator)."""
    user = regulator(request)
    entry = selectors.ledger_entry_get(pk=entry_id, for_user=user)
    back = reverse("office:operator_detail", args=[entry.operator.uscc])
    form = DisclosureHoldForm(request.POST or None)
    if request.method == "POST":
        decider(user, permissions.DISCLOSURE_HOLDS)
        if form.is_valid():
            try:
                services.disclosure_hold_set(entry=entry, set_on=timezone.localdate(), actor=user, **form.cleaned_data)
            except DomainError as exc:
                domain_error(form, exc)
            else:
                messages.success(request, gettext("已标注不予公示：该记录不再出现在任何公开渠道。"))
                return redirect(back)
    return form_page(
        request,
        form=form,
        title=gettext("标注不予公示"),
        submit=gettext("标注不予公示"),
        back=back,
        intro=gettext(
            "依法不予公开的信息（涉及国家秘密、商业秘密、个人隐私或未成年人等）不在门户、名单、开放数据和接口中公示；内部档案仍保留并显示标注。"
        ),
        facts=_entry_facts(entry),
    )


@login_required
def disclosure_hold_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Lift a 不予公示 mark with the reason (district regulator)."""
    user = regulator(request)
    hold = selectors.disclosure_hold_get(pk=pk, for_user=user)
    back = reverse("office:operator_detail", args=[hold.operator.uscc])
    form = DisclosureHoldRemoveForm(request.POST or None) if hold.removed_on is None else None
    if request.method == "POST" and form is not None:
        decider(user, permissions.DISCLOSURE_HOLDS)
        if form.is_valid():
            try:
                services.disclosure_hold_remove(
                    hold=hold, removed_on=timezone.localdate(), actor=user, **form.cleaned_data
                )
            except DomainError as exc:
                domain_error(form, exc)
            else:
                messages.success(request, gettext("已撤销不予公示标注：该记录按公示规则公示。"))
                return redirect(back)
    return form_page(
        request,
        form=form,
        title=gettext("撤销不予公示"),
        submit=gettext("撤销标注"),
        back=back,
        facts=[
            (gettext("经营主体"), f"{hold.operator.name}（{hold.operator.uscc}）"),
            (gettext("档案条目"), f"{gettext(hold.get_entry_kind_display())} #{hold.ref_kind}:{hold.ref_id}"),
            (gettext("不予公示依据"), gettext(hold.get_ground_display())),
            (gettext("依据说明"), hold.ground_note),
            (gettext("标注日期"), f"{hold.set_on:%Y-%m-%d}"),
            (gettext("撤销日期"), f"{hold.removed_on:%Y-%m-%d}" if hold.removed_on else ""),
            (gettext("撤销理由"), hold.removal_note),
        ],
    )


class DisclosureHoldTable(OfficeTable):
    pk = tables.Column(verbose_name="#", linkify=("office:disclosure_hold_remove", [tables.A("pk")]))
    operator__name = tables.Column(verbose_name=_("经营主体"))
    operator__uscc = tables.Column(
        verbose_name=_("统一社会信用代码"),
        attrs={"td": {"class": "mono"}},
        linkify=("office:operator_detail", [tables.A("operator__uscc")]),
    )
    entry_kind = tables.Column(verbose_name=_("档案条目类型"))
    ground = tables.Column(verbose_name=_("不予公示依据"))
    set_on = tables.DateColumn(verbose_name=_("标注日期"), format="Y-m-d")
    removed_on = tables.DateColumn(verbose_name=_("撤销日期"), format="Y-m-d")

    def render_entry_kind(self, record: DisclosureHold) -> str:
        return gettext(record.get_entry_kind_display())

    def render_ground(self, record: DisclosureHold) -> str:
        return gettext(record.get_ground_display())


class DisclosureHoldFilter(OfficeFilterSet):
    standing = django_filters.ChoiceFilter(
        label=_("状态"), choices=[("1", _("有效")), ("0", _("已撤销"))], empty_label=_("全部"), method="filter_standing"
    )
    ground = django_filters.ChoiceFilter(
        label=_("不予公示依据"), choices=DisclosureHold.Ground.choices, empty_label=_("全部")
    )

    def filter_standing(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(removed_on__isnull=value == "1") if value else queryset


class DisclosureHoldListView(OfficeListView):
    """Every 不予公示 mark in scope, standing or lifted."""

    table_class = DisclosureHoldTable
    filterset_class = DisclosureHoldFilter
    title = _("不予公示标注")
    intro = _("在经营主体信用档案的条目上标注或撤销。")
    export_name = "disclosure-holds"

    def allowed(self, user: Any) -> bool:
        return getattr(user, "role", None) == User.Role.DISTRICT_REGULATOR

    def rows(self) -> QuerySet[Any]:
        return selectors.disclosure_holds(for_user=self.request.user)


disclosure_holds = DisclosureHoldListView.as_view()

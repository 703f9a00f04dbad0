"""检查频次到期清单: operators due for an on-site inspection by their class's minimum frequency (planning's
frequency selector), as an office list (office/tables.py): per class a bar of overdue and not yet due operators,
then the overdue ones, most overdue and riskiest first (the order is the selector's and is explained on the page).

"Never inspected" is shown as such: the duty runs from the registration date, which is shown instead of a due date
that would lie decades back."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from foodcredit.operators.models import Operator
from foodcredit.planning import selectors
from foodcredit.planning.selectors import frequency as frequency_selectors
from foodcredit.risk import rules as risk_rules

from .tables import OfficeFilterSet, OfficeListView, OfficeTable, StreetFilter

NEVER = _("从未检查")


class FrequencyTable(OfficeTable):
    name = tables.Column(
        verbose_name=_("经营主体"), linkify=("office:operator_detail", [tables.A("uscc")]), order_by=("name",)
    )
    uscc = tables.Column(verbose_name=_("统一社会信用代码"), attrs={"td": {"class": "mono"}})
    street = tables.Column(verbose_name=_("所属街道"))
    risk_class = tables.Column(verbose_name=_("风险类别"))
    last_inspected_on = tables.Column(verbose_name=_("最近现场检查"), orderable=False, default="")
    due_on = tables.Column(verbose_name=_("应检日期"))
    overdue_days = tables.Column(verbose_name=_("逾期天数"))

    class Meta(OfficeTable.Meta):
        per_page = 50
        empty_text = _("没有到期的经营主体")

    def render_last_inspected_on(self, record: dict[str, Any]) -> str:
        day = record["last_inspected_on"]
        return format_html('<span class="tag-never">{}</span>', NEVER) if day is None else f"{day:%Y-%m-%d}"

    def value_last_inspected_on(self, record: dict[str, Any]) -> str:
        day = record["last_inspected_on"]
        return str(NEVER) if day is None else f"{day:%Y-%m-%d}"

    def render_due_on(self, record: dict[str, Any]) -> str:
        if record["never_inspected"]:
            return gettext("自登记（%(day)s）起") % {"day": f"{record['registered_on']:%Y-%m-%d}"}
        return f"{record['due_on']:%Y-%m-%d}"

    def value_due_on(self, record: dict[str, Any]) -> str:
        return self.render_due_on(record)

    def render_overdue_days(self, record: dict[str, Any]) -> str:
        return str(NEVER) if record["never_inspected"] else str(record["overdue_days"])

    def value_overdue_days(self, record: dict[str, Any]) -> Any:
        return str(NEVER) if record["never_inspected"] else record["overdue_days"]


class FrequencyFilter(OfficeFilterSet):
    risk_class = django_filters.ChoiceFilter(
        label=_("风险类别"), choices=[(c, c) for c in risk_rules.CLASSES], empty_label=_("全部")
    )
    street = StreetFilter()
    sector = django_filters.ChoiceFilter(label=_("业态"), choices=Operator.Sector.choices, empty_label=_("全部"))
    never = django_filters.ChoiceFilter(label=_("检查情况"), choices=[("1", _("从未检查"))], empty_label=_("全部"))


class FrequencyListView(OfficeListView):
    table_class = FrequencyTable
    filterset_class = FrequencyFilter
    template_name = "office/planning_frequency.html"
    title = _("检查频次到期清单")
    export_name = "frequency-due"

    def allowed(self, user: Any) -> bool:
        return bool(selectors.can_see_frequency(user=user))

    def rows(self) -> QuerySet[Operator]:
        return Operator.objects.none()  # the filter set's form only: filtered_rows reads the selector

    def filtered_rows(self, filterset: django_filters.FilterSet) -> list[dict[str, Any]]:
        data = filterset.form.cleaned_data if filterset.is_bound and filterset.is_valid() else {}
        street, sector = data.get("street") or "", data.get("sector") or ""
        scope = selectors.Scope(
            streets=[street] if street else [], sectors=[sector] if sector else [], business_types=[]
        )
        self.due = frequency_selectors.frequency_due(
            for_user=self.request.user, scope=scope, as_of=timezone.localdate()
        )
        rows = self.due.rows.filter(self.due.rows["overdue_days"] >= 0)
        if data.get("risk_class"):
            rows = rows.filter(rows["risk_class"] == data["risk_class"])
        if data.get("never") == "1":
            rows = rows.filter(rows["never_inspected"])
        return rows.to_dicts()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        due = getattr(self, "due", None)
        if due is None:  # an invalid filter: no rows, the chart of the whole scope
            due = frequency_selectors.frequency_due(
                for_user=self.request.user, scope=selectors.Scope([], [], []), as_of=timezone.localdate()
            )
        classes = list(due.intervals)
        context.update(
            as_of=due.as_of,
            chart={
                "years": [gettext("%(cls)s（每%(days)s天）") % {"cls": c, "days": due.intervals[c]} for c in classes],
                "series": [
                    {"name": gettext("已到期"), "data": [due.summary[c]["overdue"] for c in classes]},
                    {
                        "name": gettext("未到期"),
                        "data": [due.summary[c]["operators"] - due.summary[c]["overdue"] for c in classes],
                    },
                ],
                "links": [[f"?risk_class={c}" for c in classes], []],
            },
            summary=[(c, due.intervals[c], due.summary[c]) for c in classes],
            days_cap=frequency_selectors.PRIORITY_DAYS_CAP,
        )
        return context

"""Back-office views: thin. Check the input, fetch through selectors (scope is theirs: 404 outside it), render."""

import django_filters
import django_tables2 as tables
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from foodcredit.core.errors import DomainError
from foodcredit.credit import selectors as credit_selectors
from foodcredit.operators import selectors as operator_selectors
from foodcredit.operators.models import Operator
from foodcredit.planning.selectors import workbench as planning_workbench
from foodcredit.risk import rules as risk_rules
from foodcredit.risk import selectors as risk_selectors
from foodcredit.sharing import selectors as sharing_selectors

from . import workbench
from .forms import CreditFileFilterForm
from .tables import OfficeFilterSet, OfficeListView, OfficeTable, StreetFilter

SEARCH_MAX = 100


@never_cache
@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The workbench (工作台): the caller's day as counts, each a link to the filtered list (office/workbench.py)."""
    return render(request, "office/workbench.html", workbench.workbench_for(request))


class OperatorTable(OfficeTable):
    name = tables.Column(verbose_name=_("主体名称"), linkify=("office:operator_detail", [tables.A("uscc")]))
    uscc = tables.Column(verbose_name=_("统一社会信用代码"), attrs={"td": {"class": "mono"}})
    sector = tables.Column(verbose_name=_("业态"))
    street = tables.Column(verbose_name=_("所属街道"))
    status = tables.Column(verbose_name=_("登记状态"))

    class Meta(OfficeTable.Meta):
        order_by = ("name",)

    def render_sector(self, record: Operator) -> str:
        return gettext(record.get_sector_display())

    def render_status(self, record: Operator) -> str:
        return gettext(record.get_status_display())

    def value_sector(self, record: Operator) -> str:
        return self.render_sector(record)

    def value_status(self, record: Operator) -> str:
        return self.render_status(record)


class OperatorFilter(OfficeFilterSet):
    q = django_filters.CharFilter(label=_("名称或信用代码"), method="search", max_length=SEARCH_MAX)
    street = StreetFilter()
    sector = django_filters.ChoiceFilter(label=_("业态"), choices=Operator.Sector.choices, empty_label=_("全部"))
    status = django_filters.ChoiceFilter(label=_("登记状态"), choices=Operator.Status.choices, empty_label=_("全部"))

    risk_class = django_filters.ChoiceFilter(
        label=_("风险类别"), choices=[(c, c) for c in risk_rules.CLASSES], method="in_class", empty_label=_("全部")
    )

    def search(self, queryset: QuerySet[Operator], name: str, value: str) -> QuerySet[Operator]:
        return queryset & operator_selectors.operator_matching(query=value, for_user=self.request.user)

    def in_class(self, queryset: QuerySet[Operator], name: str, value: str) -> QuerySet[Operator]:
        return planning_workbench.operators_in_class(operators=queryset, risk_class=value, as_of=timezone.localdate())


class OperatorListView(OfficeListView):
    """经营主体查询: every operator in the caller's scope, by name or USCC, street, sector and status."""

    table_class = OperatorTable
    filterset_class = OperatorFilter
    title = _("经营主体查询")
    intro = _("仅显示您有权查看的经营主体。")
    export_name = "operators"

    def rows(self) -> QuerySet[Operator]:
        return operator_selectors.operator_scope(for_user=self.request.user)


operator_search = never_cache(OperatorListView.as_view())


@never_cache
@login_required
@require_GET
def operator_detail(request: HttpRequest, uscc: str) -> HttpResponse:
    """The internal credit file: operator header, credit-risk class, chart of entries per year, filters and the first
    page."""
    operator = operator_selectors.operator_get(uscc=uscc, for_user=request.user)
    as_of = timezone.localdate()
    form = CreditFileFilterForm(request.GET, sources=credit_selectors.credit_file_sources(operator=operator))
    try:
        page = credit_selectors.credit_file_page(
            operator=operator, view="internal", as_of=as_of, for_user=request.user, **form.filters()
        )
    except DomainError as exc:
        return HttpResponseBadRequest(str(exc.message))
    audience = credit_selectors.credit_file_audience(view="internal", for_user=request.user)
    counts = credit_selectors.credit_file_year_counts(operator=operator, as_of=as_of, audience=audience)
    chart = {"years": counts.years, "series": [{"name": s.label, "data": s.counts} for s in counts.series]}
    # Staff see the class with its date, model and explanation; the operator's own users what the public sees.
    risk_class: risk_selectors.CurrentClass | risk_selectors.PublicClass | None = (
        risk_selectors.class_current(operator.pk, as_of=as_of)
        if audience == "staff"
        else risk_selectors.class_public(operator.pk, as_of=as_of)
    )
    context = {
        "uscc": operator.uscc,
        "operator": credit_selectors.credit_file_operator(operator=operator, view="internal"),
        "page": page,
        "form": form,
        "chart": chart,
        "as_of": as_of,
        "audience": audience,
        "risk_class": risk_class,
        "risk_internal": audience == "staff",
        # What the class means when a licence application is handled (green channel for A; no 容缺受理/告知承诺 for D).
        "licence_handling": sharing_selectors.class_measures(operator_id=operator.pk, as_of=as_of)
        if risk_class
        else None,
    }
    return render(request, "office/operator_detail.html", context)


@never_cache
@login_required
@require_GET
def operator_timeline(request: HttpRequest, uscc: str) -> HttpResponse:
    """A page of timeline rows (htmx): after a filter change, or "load more" with the cursor."""
    operator = operator_selectors.operator_get(uscc=uscc, for_user=request.user)
    form = CreditFileFilterForm(request.GET, sources=credit_selectors.credit_file_sources(operator=operator))
    try:
        page = credit_selectors.credit_file_page(
            operator=operator, view="internal", as_of=timezone.localdate(), for_user=request.user, **form.filters()
        )
    except DomainError as exc:
        return HttpResponseBadRequest(str(exc.message))
    return render(request, "office/_timeline_rows.html", {"uscc": operator.uscc, "page": page})

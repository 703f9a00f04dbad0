"""Early-warning pages (监测预警): the inbox of each unit, one alert with its next step, the chart of alerts over time,
the detectors' parameters and recent performance, and the alerts block of an operator's credit file.

Thin: each form calls the alerts service of its step; scope is the alerts selectors'."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from foodcredit.accounts.models import User
from foodcredit.accounts.permissions import ALERT_REPLIES, ALERTS, can_write_kind
from foodcredit.alerts import selectors, services
from foodcredit.alerts.detectors import params_load
from foodcredit.alerts.models import Alert
from foodcredit.core.choice_labels import label, translated_choices
from foodcredit.core.errors import DomainError
from foodcredit.core.models import AuditEvent
from foodcredit.operators import selectors as operator_selectors

from .tables import OfficeFilterSet, OfficeListView, OfficeTable, StreetFilter

R = User.Role
REGULATORS = (R.DISTRICT_REGULATOR, R.STATION_REGULATOR)
# Who opens alert pages: the units acting on them, another department reading its copies, the business answering.
READERS = (*REGULATORS, R.OTHER_DEPARTMENT, R.BUSINESS)


class AlertTable(OfficeTable):
    pk = tables.Column(verbose_name="#", linkify=("office:alert", [tables.A("pk")]))
    detector = tables.Column(verbose_name=_("预警类型"))
    level = tables.Column(verbose_name=_("等级"))
    operator__name = tables.Column(verbose_name=_("经营主体"), default="")
    operator__uscc = tables.Column(verbose_name=_("统一社会信用代码"), default="", attrs={"td": {"class": "mono"}})
    street = tables.Column(verbose_name=_("所属街道"))
    unit__name = tables.Column(verbose_name=_("责任单位"), default="")
    raised_on = tables.DateColumn(verbose_name=_("预警日期"), format="Y-m-d")
    repeats = tables.Column(verbose_name=_("重复发现"))
    status = tables.Column(verbose_name=_("状态"))
    measure = tables.Column(verbose_name=_("处置措施"), default="")
    deadline = tables.Column(verbose_name=_("期限"), empty_values=(), orderable=False)

    class Meta(OfficeTable.Meta):
        empty_text = _("暂无预警")
        row_attrs = {"class": lambda record, table: "overdue" if table.is_overdue(record) else ""}

    def is_overdue(self, record: Alert) -> bool:
        return selectors.alert_overdue(record, today=timezone.localdate())

    def render_detector(self, record: Alert) -> str:
        return gettext(record.get_detector_display())

    value_detector = render_detector

    def render_level(self, record: Alert) -> str:
        return gettext(record.get_level_display())

    value_level = render_level

    def render_status(self, record: Alert) -> str:
        return gettext(record.get_status_display())

    value_status = render_status

    def render_measure(self, record: Alert) -> str:
        return gettext(record.get_measure_display()) if record.measure else ""

    value_measure = render_measure

    def value_deadline(self, record: Alert) -> str:
        if record.status == Alert.Status.ROUTED and not record.is_notice:
            text = gettext("措施期限 %(day)s") % {"day": f"{record.measure_due:%Y-%m-%d}"}
        elif record.status == Alert.Status.MEASURED and record.action_due:
            text = gettext("办理期限 %(day)s") % {"day": f"{record.action_due:%Y-%m-%d}"}
        else:
            return ""
        return text + (gettext("（估算）") if record.deadline_estimated else "")

    def render_deadline(self, record: Alert) -> Any:
        text = self.value_deadline(record)
        if self.is_overdue(record):
            return format_html("{} <strong>{}</strong>", text, gettext("已逾期"))
        return text


class AlertFilter(OfficeFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[("open", _("未办结")), *Alert.Status.choices],
        empty_label=_("全部"),
        method="filter_status",
    )
    detector = django_filters.ChoiceFilter(label=_("预警类型"), choices=Alert.Detector.choices, empty_label=_("全部"))
    level = django_filters.ChoiceFilter(label=_("等级"), choices=Alert.Level.choices, empty_label=_("全部"))
    street = StreetFilter()
    measure = django_filters.ChoiceFilter(label=_("处置措施"), choices=Alert.Measure.choices, empty_label=_("全部"))
    notice = django_filters.ChoiceFilter(
        label=_("类别"),
        choices=[("false", _("风险预警")), ("true", _("到期提示"))],
        empty_label=_("全部"),
        method="filter_notice",
    )
    overdue = django_filters.ChoiceFilter(
        label=_("逾期"), choices=[("1", _("是"))], empty_label=_("全部"), method="filter_overdue"
    )
    uscc = django_filters.CharFilter(label=_("统一社会信用代码"), field_name="operator__uscc")

    class Meta:
        model = Alert
        fields: list[str] = []

    def filter_status(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "open":
            return queryset.exclude(status=Alert.Status.CLOSED)
        return queryset.filter(status=value) if value else queryset

    def filter_notice(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(is_notice=value == "true") if value else queryset

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(selectors.overdue_filter(today=timezone.localdate())) if value else queryset


class AlertInboxView(OfficeListView):
    """The alerts of the caller's unit (a district regulator: all), overdue ones flagged."""

    table_class = AlertTable
    filterset_class = AlertFilter
    title = _("监测预警")
    intro = _(
        "预警按经营主体所属街道分派到市场监管所，街道级预警分派到区局。选择处置措施的期限为3个工作日；"
        "警示答复、约谈举行为10个工作日，检查为20个工作日。"
    )
    export_name = "alerts"

    def allowed(self, user: Any) -> bool:
        return getattr(user, "role", None) in READERS

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request.user, "role", None) == R.BUSINESS:  # the business's own page: what asks it for a reply
            return redirect("office:alerts_replies")
        return super().dispatch(request, *args, **kwargs)

    def rows(self) -> QuerySet[Any]:
        return selectors.alert_scope(for_user=self.request.user).order_by("-raised_on", "-pk")


class MeasureForm(forms.Form):
    measure = forms.ChoiceField(label=_("处置措施"), choices=translated_choices(Alert.Measure.choices))
    note = forms.CharField(label=_("措施说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class InterviewForm(forms.Form):
    held_on = forms.DateField(label=_("约谈日期"), widget=forms.DateInput(attrs={"type": "date"}))
    rectification = forms.CharField(label=_("责令整改事项"), widget=forms.Textarea(attrs={"rows": 3}))


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 4}))


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("办结结果"), choices=translated_choices(Alert.Outcome.choices))
    note = forms.CharField(label=_("办结说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


def _steps(alert: Alert, user: User) -> list[str]:
    """The forms this user may use on this alert now."""
    if can_write_kind(user, ALERT_REPLIES):  # the business the alert is about (the selector scoped it)
        asks = alert.status == Alert.Status.MEASURED and alert.measure in ("warning", "interview")
        return ["reply"] if asks else []
    if not can_write_kind(user, ALERTS) or alert.status == Alert.Status.CLOSED:
        return []
    if alert.status == Alert.Status.ROUTED:
        return ["close"] if alert.is_notice else ["measure"]
    steps = []
    if alert.measure == Alert.Measure.INTERVIEW and alert.interview_held_on is None:
        steps.append("interview")
    return [*steps, "close"]


FORMS: dict[str, type[forms.Form]] = {
    "measure": MeasureForm,
    "interview": InterviewForm,
    "reply": ReplyForm,
    "close": CloseForm,
}
SUBMIT = {"measure": _("确定处置措施"), "interview": _("记录约谈"), "reply": _("提交答复"), "close": _("办结")}
DONE = {
    "measure": _("已确定处置措施。"),
    "interview": _("已记录约谈，并记入信用档案。"),
    "reply": _("已提交答复。"),
    "close": _("预警已办结。"),
}


def _apply(step: str, alert: Alert, data: dict[str, Any], user: User) -> None:
    today = timezone.localdate()
    if step == "measure":
        services.alert_measure_choose(alert=alert, measure=data["measure"], note=data["note"], on=today, actor=user)
    elif step == "interview":
        services.alert_interview_hold(
            alert=alert, held_on=data["held_on"], rectification=data["rectification"], actor=user
        )
    elif step == "reply":
        services.alert_reply(alert=alert, text=data["text"], on=today, actor=user)
    else:
        services.alert_close(alert=alert, outcome=data["outcome"], note=data["note"], on=today, actor=user)


@never_cache
@login_required
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One alert: what was found, its deadlines, its trail, and the form of its next step."""
    user = request.user
    if not isinstance(user, User) or user.role not in READERS:
        raise Http404
    alert = selectors.alert_get(pk=pk, for_user=user)
    steps = _steps(alert, user)
    posted = request.POST.get("step") if request.method == "POST" else None
    if posted is not None and posted not in steps:
        raise Http404
    bound = {s: FORMS[s](request.POST if s == posted else None, prefix=s) for s in steps}
    if posted is not None:
        form = bound[posted]
        if form.is_valid():
            try:
                _apply(posted, alert, form.cleaned_data, user)
            except DomainError as exc:
                form.add_error(None, f"{exc.message}（{exc.code}）")
            else:
                messages.success(request, DONE[posted])
                return redirect("office:alert", pk=alert.pk)
    trail = AuditEvent.objects.filter(object_type="alert", object_id=str(alert.pk)).order_by("occurred_at", "pk")
    context = {
        "alert": alert,
        "overdue": selectors.alert_overdue(alert, today=timezone.localdate()),
        "forms": [(s, bound[s], SUBMIT[s]) for s in steps],
        "trail": trail if can_write_kind(user, ALERTS) else [],
        "evidence": sorted(alert.evidence.items()),
    }
    status = 400 if any(f.is_bound and f.errors for f in bound.values()) else 200
    return render(request, "office/alerts_detail.html", context, status=status)


def _regulator(request: HttpRequest) -> User:
    """Who handles alerts (the rules table's ALERTS writers) reads their charts and parameters."""
    user = request.user
    if not isinstance(user, User) or not can_write_kind(user, ALERTS):
        raise Http404
    return user


CHART_FIELDS = {"detector": _("预警类型"), "street": _("所属街道"), "outcome": _("办结结果")}


@never_cache
@login_required
def alerts_chart(request: HttpRequest) -> HttpResponse:
    """Alerts per month by kind, street or outcome (stacked bars)."""
    user = _regulator(request)
    by = request.GET.get("by", "detector")
    if by not in CHART_FIELDS:
        by = "detector"
    labels = {
        "detector": dict(Alert.Detector.choices),
        "outcome": {"": gettext("未办结"), **dict(Alert.Outcome.choices)},
    }.get(by, {})
    rows = selectors.alerts_by_month(for_user=user, field=by)
    months = sorted({f"{r['month']:%Y-%m}" for r in rows})
    groups = sorted({str(r[by] or "") for r in rows})
    counts = {(f"{r['month']:%Y-%m}", str(r[by] or "")): int(str(r["n"])) for r in rows}
    chart = {
        "years": months,
        "series": [{"name": label(labels.get(g, g)), "data": [counts.get((m, g), 0) for m in months]} for g in groups],
    }
    return render(
        request,
        "office/alerts_chart.html",
        {"chart": chart, "by": by, "choices": list(CHART_FIELDS.items()), "rows": rows},
    )


@never_cache
@login_required
def alerts_params(request: HttpRequest) -> HttpResponse:
    """Each detector's parameters in force and its last 90 days: alerts, closed, confirmed (整改 or 立案) share."""
    user = _regulator(request)
    version, params = params_load()
    since = timezone.localdate() - timedelta(days=90)
    stats = {
        r["detector"]: r
        for r in selectors.alert_scope(for_user=user)
        .filter(raised_on__gte=since)
        .values("detector")
        .annotate(
            n=Count("pk"),
            closed=Count("pk", filter=Q(status=Alert.Status.CLOSED)),
            confirmed=Count("pk", filter=Q(outcome__in=[Alert.Outcome.RECTIFIED, Alert.Outcome.CASE_OPENED])),
            repeats=Count("pk", filter=Q(repeats__gt=0)),
        )
    }
    detectors = []
    for name, values in params.items():
        s: dict[str, Any] = dict(stats.get(name, {}))
        closed = int(s.get("closed", 0))
        detectors.append(
            {
                "name": name,
                "label": gettext(Alert.Detector(name).label),
                "params": sorted(values.items()),
                "n": s.get("n", 0),
                "closed": closed,
                "confirmed_share": f"{int(s.get('confirmed', 0)) / closed:.0%}" if closed else "—",
                "inbox": f"{reverse('office:alerts')}?detector={name}",
            }
        )
    return render(request, "office/alerts_params.html", {"version": version, "detectors": detectors})


@never_cache
@login_required
def operator_alerts(request: HttpRequest, uscc: str) -> HttpResponse:
    """The alerts block of an operator's credit file (loaded into the page by htmx)."""
    operator = operator_selectors.operator_get(uscc=uscc, for_user=request.user)
    alerts = selectors.alerts_of_operator(operator=operator, for_user=request.user)[:20]
    return render(request, "office/alerts_operator.html", {"alerts": alerts, "uscc": operator.uscc})

"""Administration under 三权分立, the audit administrator's page: the audit log, read-only."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.http import HttpResponse
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from foodcredit.accounts import roles
from foodcredit.accounts import selectors as account_selectors
from foodcredit.accounts import services as account_services
from foodcredit.accounts.models import User
from foodcredit.core.models import AuditEvent

from .tables import OfficeFilterSet, OfficeListView, OfficeTable


def _distinct(field: str) -> Callable[[], list[tuple[str, str]]]:
    def choices() -> list[tuple[str, str]]:
        return [(v, v) for v in account_selectors.audit_field_values(field=field)]

    return choices


def _change_text(changes: Any) -> str:
    """An audit diff on one line per field: `field: before → after` (other shapes as compact JSON)."""
    if not isinstance(changes, dict):
        return json.dumps(changes, ensure_ascii=False)
    lines = []
    for key, value in sorted(changes.items()):
        if isinstance(value, list) and len(value) == 2:  # the [before, after] pair of audit.diff
            before, after = (json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v for v in value)
            lines.append(f"{key}: {before} → {after}")
        else:
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines)


class AuditTable(OfficeTable):
    occurred_at = tables.DateTimeColumn(verbose_name=_("时间"), format="Y-m-d H:i:s")
    actor_label = tables.Column(verbose_name=_("操作人"))
    action = tables.Column(verbose_name=_("动作"))
    object_type = tables.Column(verbose_name=_("对象类型"))
    object_id = tables.Column(verbose_name=_("对象编号"))
    changes = tables.Column(verbose_name=_("变更"), orderable=False, attrs={"td": {"class": "audit-changes"}})
    success = tables.BooleanColumn(verbose_name=_("成功"))
    request_id = tables.Column(verbose_name=_("请求编号"), orderable=False, attrs={"td": {"class": "mono"}})

    class Meta(OfficeTable.Meta):
        order_by = ("-occurred_at",)

    def render_changes(self, value: Any) -> str:
        return format_html("{}", linebreaksbr(_change_text(value)))

    def value_changes(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    def render_request_id(self, value: str) -> str:
        return value[:8]  # the whole id is in the export


class AuditFilter(OfficeFilterSet):
    actor = django_filters.CharFilter(label=_("操作人"), field_name="actor_label")
    action = django_filters.ChoiceFilter(label=_("动作"), choices=_distinct("action"), empty_label=_("全部"))
    object_type = django_filters.ChoiceFilter(
        label=_("对象类型"), choices=_distinct("object_type"), empty_label=_("全部")
    )
    object_id = django_filters.CharFilter(label=_("对象编号"))
    occurred = django_filters.DateFromToRangeFilter(
        label=_("时间（起止日期）"),
        field_name="occurred_at",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    success = django_filters.ChoiceFilter(
        label=_("结果"), choices=[("1", _("成功")), ("0", _("失败"))], empty_label=_("全部"), method="filter_success"
    )

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def filter_success(self, queryset: QuerySet[AuditEvent], name: str, value: str) -> QuerySet[AuditEvent]:
        return queryset.filter(success=value == "1")


class AuditListView(OfficeListView):
    table_class = AuditTable
    filterset_class = AuditFilter
    title = _("审计日志")
    intro = _("只读。按操作人、对象、动作和时间筛选，可导出。")
    export_name = "audit-log"

    def allowed(self, user: Any) -> bool:
        return isinstance(user, User) and roles.can_read_audit(user)

    def rows(self) -> QuerySet[AuditEvent]:
        return account_selectors.audit_events(for_user=self.request.user)

    def create_export(self, export_format: str) -> HttpResponse:
        """An export of the log is itself recorded (who took which rows away; 等保 audits the auditor too)."""
        filters = {k: v for k, v in self.request.GET.items() if k != self.export_trigger_param and v}
        account_services.audit_log_export_record(
            actor=self.request.user, export_format=export_format, filters=filters, rows=len(self.object_list)
        )
        return super().create_export(export_format)

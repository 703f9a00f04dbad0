"""The violation-type code table and the 未分类 queue (DOMAIN.md II §1.2): define a type with its listable flag and
basis, map a source's violation text to a code — which classifies every penalty with that text, so an imported
penalty of a listable type reaches the serious-list candidates. District regulators only (reference data of the
serious list); thin: penalties' selectors read, its services write."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import django_filters
import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from foodcredit.accounts.models import User
from foodcredit.core.errors import DomainError
from foodcredit.core.models import Source
from foodcredit.penalties import selectors, services
from foodcredit.penalties.models import ViolationType

from .forms_credit import SourceTextMapForm, ViolationMapForm, ViolationTypeForm
from .tables import OfficeFilterSet, OfficeListView, OfficeTable
from .views_credit import domain_error, form_page


def _district(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or user.role != User.Role.DISTRICT_REGULATOR:
        raise Http404
    return user


def _type_choices() -> list[tuple[str, str]]:
    return [
        (vt.code, f"{vt.code} · {vt.name}{' ★' if vt.listable_serious else ''}") for vt in selectors.violation_types()
    ]


class ViolationTypeTable(OfficeTable):
    code = tables.Column(verbose_name=_("编码"), linkify=("office:violation_type", [tables.A("code")]))
    name = tables.Column(verbose_name=_("违法行为类型"))
    legal_basis = tables.Column(verbose_name=_("违法条款"))
    listable_serious = tables.BooleanColumn(verbose_name=_("可列入严重违法失信名单"))
    listing_basis = tables.Column(verbose_name=_("列入依据"))
    provisional = tables.BooleanColumn(verbose_name=_("条款待核对"))
    penalty_count = tables.Column(verbose_name=_("行政处罚数"))
    mapping_count = tables.Column(verbose_name=_("已映射原文数"))


class ViolationTypeFilter(OfficeFilterSet):
    listable_serious = django_filters.BooleanFilter(label=_("可列入严重违法失信名单"))
    name = django_filters.CharFilter(label=_("名称包含"), lookup_expr="icontains")

    class Meta:
        model = ViolationType
        fields = ["listable_serious", "name"]


class ViolationTypeListView(OfficeListView):
    table_class = ViolationTypeTable
    filterset_class = ViolationTypeFilter
    title = _("违法行为类型代码表")
    intro = _(
        "可列入严重违法失信名单的类型须写明总局令第44号的条款；来源系统的违法行为原文映射到编码后，其行政处罚即归类。"
    )
    export_name = "violation-types"
    template_name = "office/violation_types.html"

    def allowed(self, user: Any) -> bool:
        return getattr(user, "role", None) == User.Role.DISTRICT_REGULATOR

    def rows(self) -> QuerySet[Any]:
        return selectors.violation_types()


class QueueTable(OfficeTable):
    source__name = tables.Column(verbose_name=_("来源系统"))
    violation = tables.Column(verbose_name=_("违法行为原文"))
    count = tables.Column(verbose_name=_("行政处罚数"))
    first_on = tables.DateColumn(verbose_name=_("最早处罚日期"), format="Y-m-d")
    last_on = tables.DateColumn(verbose_name=_("最近处罚日期"), format="Y-m-d")
    act = tables.Column(verbose_name=_("处理"), empty_values=(), orderable=False, exclude_from_export=True)

    class Meta(OfficeTable.Meta):
        empty_text = _("没有未分类的行政处罚")

    def render_act(self, record: dict[str, Any]) -> Any:
        from django.utils.html import format_html

        url = (
            reverse("office:violation_queue_map")
            + "?"
            + urlencode({"source": record["source_id"], "text": record["violation"]})
        )
        return format_html('<a class="button button-small" href="{}">{}</a>', url, gettext("归类"))


class QueueFilter(OfficeFilterSet):
    violation = django_filters.CharFilter(label=_("原文包含"), lookup_expr="icontains")


class ViolationQueueView(OfficeListView):
    table_class = QueueTable
    filterset_class = QueueFilter
    title = _("未分类违法行为")
    intro = _("导入的行政处罚中尚未映射到违法行为类型的原文。归类一条原文，即归类该来源系统中所有相同原文的行政处罚。")
    export_name = "violation-queue"

    def allowed(self, user: Any) -> bool:
        return getattr(user, "role", None) == User.Role.DISTRICT_REGULATOR

    def rows(self) -> QuerySet[Any]:
        return selectors.unclassified_queue(for_user=self.request.user)


@login_required
def violation_type_new(request: HttpRequest) -> HttpResponse:
    """Define a violation type."""
    user = _district(request)
    form = ViolationTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            vt = services.violation_type_define(actor=user, **form.cleaned_data)
        except DomainError as exc:
            domain_error(form, exc)
        else:
            messages.success(request, gettext("已保存违法行为类型 %(code)s。") % {"code": vt.code})
            return redirect("office:violation_type", code=vt.code)
    return form_page(
        request,
        form=form,
        title=gettext("新增违法行为类型"),
        submit=gettext("保存"),
        back=reverse("office:violation_types"),
    )


@login_required
def violation_type(request: HttpRequest, code: str) -> HttpResponse:
    """A type: change it; its mapped source texts; map another text to it."""
    user = _district(request)
    vt = selectors.violation_type_get(code=code)
    initial = {f: getattr(vt, f) for f in ViolationTypeForm.base_fields}
    post = request.POST if request.method == "POST" else None
    form = ViolationTypeForm(post if post and "name" in post else None, initial=initial)
    sources = [(str(s.pk), s.name) for s in Source.objects.order_by("name")]
    map_form = SourceTextMapForm(
        post if post and "map-text" in post else None,
        types=_type_choices(),
        sources=sources,
        initial={"code": vt.code},
        prefix="map",
    )
    try:
        if form.is_bound and form.is_valid():
            services.violation_type_define(actor=user, **{**form.cleaned_data, "code": vt.code})
            messages.success(request, gettext("已保存违法行为类型 %(code)s。") % {"code": vt.code})
            return redirect("office:violation_type", code=vt.code)
        if map_form.is_bound and map_form.is_valid():
            data = map_form.cleaned_data
            changed = services.violation_mapping_save(
                source=Source.objects.get(pk=data["source"]),
                text=data["text"],
                violation_type=ViolationType.objects.get(code=data["code"]),
                actor=user,
            )
            messages.success(request, gettext("已映射，%(n)s 件行政处罚已归类。") % {"n": changed})
            return redirect("office:violation_type", code=vt.code)
    except DomainError as exc:
        domain_error(map_form if map_form.is_bound else form, exc)
    form.fields["code"].disabled = True
    return form_page(
        request,
        form=form,
        title=gettext("违法行为类型 %(code)s") % {"code": vt.code},
        submit=gettext("保存"),
        back=reverse("office:violation_types"),
        map_form=map_form,
        mappings=selectors.violation_mappings(violation_type=vt),
        template_extra="office/violation_type_mappings.html",
    )


@login_required
def violation_queue_map(request: HttpRequest) -> HttpResponse:
    """Classify one queued text of one source: choose its type; every penalty with that text follows."""
    user = _district(request)
    params = request.POST if request.method == "POST" else request.GET
    try:
        source_id = int(params.get("source", ""))
    except ValueError:
        raise Http404 from None
    text = params.get("text", "")[:300]
    source = selectors.queue_source_get(source_id=source_id, text=text, for_user=user)
    form = ViolationMapForm(request.POST or None, types=_type_choices())
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.violation_mapping_save(
                source=source,
                text=text,
                violation_type=ViolationType.objects.get(code=form.cleaned_data["code"]),
                actor=user,
            )
        except DomainError as exc:
            domain_error(form, exc)
        else:
            messages.success(request, gettext("已归类，%(n)s 件行政处罚已归入该类型。") % {"n": changed})
            return redirect("office:violation_queue")
    return form_page(
        request,
        form=form,
        title=gettext("归类违法行为原文"),
        submit=gettext("归类"),
        back=reverse("office:violation_queue"),
        hidden={"source": source.pk, "text": text},
        facts=[(gettext("来源系统"), source.name), (gettext("违法行为原文"), text)],
        intro=gettext("★ 表示可列入严重违法失信名单的类型。"),
    )

"""Objections (异议申诉) in the back office: a business user objects to a record of its own operator's credit file
and follows it; the district's queue (filters, count, export) with working-day deadlines; one objection's page
with its evidence, where the district accepts it for review and corrects the record or rejects the objection.

Thin: the objections selectors scope (a business user its own operators', 404 otherwise), the services decide."""

from typing import Any

import django_filters
import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from foodcredit.accounts import permissions
from foodcredit.accounts.models import User
from foodcredit.core.errors import DomainError
from foodcredit.credit import selectors as credit_selectors
from foodcredit.objections import selectors, services
from foodcredit.objections.models import Objection

from .forms_objections import ObjectionDecideForm, ObjectionForm
from .tables import OfficeFilterSet, OfficeListView, OfficeTable, StreetFilter
from .views_credit import business, decider, domain_error

READERS = (User.Role.DISTRICT_REGULATOR, User.Role.BUSINESS)


def _reader(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or user.role not in READERS:
        raise Http404
    return user


@login_required
def objection_new(request: HttpRequest, entry_id: int) -> HttpResponse:
    """A business user objects to one record of its own operator's credit file, with evidence."""
    user = business(request, permissions.OBJECTIONS)
    entry = credit_selectors.ledger_entry_get(pk=entry_id, for_user=user)  # 404 outside its own operators
    form = ObjectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection = services.objection_submit(
                entry=entry,
                reason=form.cleaned_data["reason"],
                attachments=form.cleaned_data["attachments"],
                submitted_on=timezone.localdate(),
                actor=user,
            )
        except DomainError as exc:
            domain_error(form, exc)
        else:
            messages.success(
                request, gettext("已提交异议，受理期限 %(day)s。") % {"day": f"{objection.accept_by:%Y-%m-%d}"}
            )
            return redirect("office:objection", pk=objection.pk)
    page = credit_selectors.credit_file_page(
        operator=entry.operator,
        view="internal",
        as_of=timezone.localdate(),
        for_user=user,
        date_from=entry.occurred_on,
        date_to=entry.occurred_on,
        kinds=[entry.kind],
    )
    shown = next((e for e in page.entries if e.id == entry.pk), None)
    context = {"form": form, "entry": entry, "shown": shown}
    return render(request, "office/objection_new.html", context, status=400 if form.errors else 200)


class ObjectionTable(OfficeTable):
    pk = tables.Column(verbose_name="#", linkify=("office:objection", [tables.A("pk")]))
    operator__name = tables.Column(verbose_name=_("经营主体"))
    operator__uscc = tables.Column(verbose_name=_("统一社会信用代码"), attrs={"td": {"class": "mono"}})
    entry__kind = tables.Column(verbose_name=_("档案条目类型"))
    submitted_on = tables.DateColumn(verbose_name=_("提交日期"), format="Y-m-d")
    status = tables.Column(verbose_name=_("状态"))
    deadline = tables.Column(verbose_name=_("期限"), empty_values=(), orderable=False)

    class Meta(OfficeTable.Meta):
        empty_text = _("暂无异议申诉")

    def render_entry__kind(self, record: Objection) -> str:
        return gettext(record.entry.get_kind_display())

    def render_status(self, record: Objection) -> str:
        return gettext(record.get_status_display())

    def value_deadline(self, record: Objection) -> str:
        if record.status == Objection.Status.SUBMITTED:
            text = gettext("受理期限 %(day)s") % {"day": f"{record.accept_by:%Y-%m-%d}"}
        elif record.status == Objection.Status.UNDER_REVIEW and record.decide_by:
            text = gettext("办结期限 %(day)s") % {"day": f"{record.decide_by:%Y-%m-%d}"}
        else:
            return ""
        if selectors.objection_overdue(record, as_of=timezone.localdate()):
            text += gettext("（已逾期）")
        return text

    def render_deadline(self, record: Objection) -> str:
        return self.value_deadline(record)


class ObjectionFilter(OfficeFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[("open", _("待处理（已提交或已受理）")), *Objection.Status.choices],
        empty_label=_("全部"),
        method="filter_status",
    )
    overdue = django_filters.ChoiceFilter(
        label=_("逾期"), choices=[("1", _("是"))], empty_label=_("全部"), method="filter_overdue"
    )
    street = StreetFilter(field_name="operator__street")

    def filter_status(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "open":
            return queryset.filter(status__in=Objection.OPEN)
        return queryset.filter(status=value) if value else queryset

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return selectors.objections_overdue(queryset, as_of=timezone.localdate()) if value else queryset


class ObjectionListView(OfficeListView):
    """Objections in the reader's scope: the district's queue, or a business user's own objections."""

    table_class = ObjectionTable
    filterset_class = ObjectionFilter
    title = _("异议申诉")
    intro = _("对信用档案记录的异议：受理与办结均有工作日期限；异议成立的，以更正后的条目取代原条目并在档案中注明。")
    export_name = "objections"

    def allowed(self, user: Any) -> bool:
        return getattr(user, "role", None) in READERS

    def rows(self) -> QuerySet[Any]:
        return selectors.objections(for_user=self.request.user)


objection_list = ObjectionListView.as_view()


@login_required
def objection(request: HttpRequest, pk: int) -> HttpResponse:
    """One objection: the record, the reason, the evidence, status and outcome; the district acts here."""
    user = _reader(request)
    found = selectors.objection_get(pk=pk, for_user=user)
    deciding = user.role == User.Role.DISTRICT_REGULATOR and found.status == Objection.Status.UNDER_REVIEW
    form = ObjectionDecideForm(request.POST or None) if deciding else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        decider(user, permissions.OBJECTION_DECISIONS)
        if form.is_valid():
            try:
                services.objection_decide(
                    objection=found, decided_on=timezone.localdate(), actor=user, **form.cleaned_data
                )
            except DomainError as exc:
                domain_error(form, exc)
            else:
                messages.success(request, gettext("已办结异议。"))
                return redirect("office:objection", pk=found.pk)
    context = {
        "objection": found,
        "form": form,
        "overdue": selectors.objection_overdue(found, as_of=timezone.localdate()),
        "can_accept": user.role == User.Role.DISTRICT_REGULATOR and found.status == Objection.Status.SUBMITTED,
        # Staff read who did what; the business user reads the status and outcome above.
        "trail": selectors.objection_trail(found) if user.role == User.Role.DISTRICT_REGULATOR else None,
    }
    return render(request, "office/objection.html", context, status=400 if form is not None and form.errors else 200)


@require_POST
@login_required
def objection_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept an objection for review today (district regulator)."""
    user = decider(_reader(request), permissions.OBJECTION_DECISIONS)
    found = selectors.objection_get(pk=pk, for_user=user)
    try:
        services.objection_accept(objection=found, accepted_on=timezone.localdate(), actor=user)
    except DomainError as exc:
        messages.error(request, f"{exc.message}（{exc.code}）")
    else:
        messages.success(request, gettext("已受理异议。"))
    return redirect("office:objection", pk=found.pk)


@login_required
def objection_attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """One piece of evidence, for the objection's readers only (served as a download, never inline)."""
    found = selectors.objection_get(pk=pk, for_user=_reader(request))
    attachment = selectors.objection_attachment_get(pk=attachment_id, objection=found)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)

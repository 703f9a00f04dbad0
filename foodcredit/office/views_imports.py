"""Back-office import pages: upload, job progress, error report, templates, sources, review queue. Thin: the
services do the work and accounts.permissions decides who writes what (every refusal audited there)."""

import contextlib
import csv
import hashlib
import io
import uuid
from pathlib import Path
from typing import Any

import django_filters
import django_tables2 as tables
import tablib
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from foodcredit.accounts import permissions, roles
from foodcredit.collection import selectors, services, tasks
from foodcredit.collection.formats import FORMATS
from foodcredit.collection.models import ImportJob, PendingRecord, RecordKind
from foodcredit.core.errors import DomainError

from .forms_imports import ImportUploadForm, PendingAttachForm, SourceRegisterForm
from .tables import OfficeFilterSet, OfficeListView, OfficeTable
from .uploads import MaxSizeUploadHandler

ERROR_COLUMNS = ["file", "row", "column", "field", "value", "code", "reason"]


def _door_refused(request: HttpRequest, *, door: str, status: int) -> None:
    """A role that does not use this door at all: the refusal is audited (DOMAIN.md Part I §5), then 403/404."""
    refusal = permissions.Refusal("scope.door_not_allowed", _("您的角色不能使用此功能"), status)
    permissions.refusal_audit(user=request.user, refusal=refusal, kind=door)  # type: ignore[arg-type]
    if status == 404:
        raise Http404
    raise PermissionDenied


class ImportJobTable(OfficeTable):
    """Import jobs, newest first."""

    id = tables.Column(verbose_name="#", linkify=("office:import_job", [tables.A("pk")]))
    kind = tables.Column(verbose_name=gettext_lazy("记录类型"))
    source__name = tables.Column(verbose_name=gettext_lazy("来源系统"))
    file_name = tables.Column(verbose_name=gettext_lazy("文件名"))
    status = tables.Column(
        verbose_name=gettext_lazy("状态"), attrs={"td": {"class": lambda record: f"status-{record.status}"}}
    )
    new_count = tables.Column(verbose_name=gettext_lazy("新增"))
    updated_count = tables.Column(verbose_name=gettext_lazy("更新"))
    unchanged_count = tables.Column(verbose_name=gettext_lazy("未变"))
    rejected_count = tables.Column(verbose_name=gettext_lazy("拒绝"))
    queued_count = tables.Column(verbose_name=gettext_lazy("待关联"))
    created_by__username = tables.Column(verbose_name=gettext_lazy("发起人"), default="")
    created_at = tables.DateTimeColumn(verbose_name=gettext_lazy("时间"), format="Y-m-d H:i")

    class Meta(OfficeTable.Meta):
        order_by = ("-id",)


class ImportJobFilter(OfficeFilterSet):
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("记录类型"), choices=RecordKind.choices, empty_label=gettext_lazy("全部")
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("状态"), choices=ImportJob.Status.choices, empty_label=gettext_lazy("全部")
    )
    rejected = django_filters.ChoiceFilter(
        label=gettext_lazy("拒收行"),
        choices=[("1", gettext_lazy("有拒收行"))],
        method="with_rejected",
        empty_label=gettext_lazy("全部"),
    )

    class Meta:
        model = ImportJob
        fields: list[str] = []

    def with_rejected(self, queryset: QuerySet[ImportJob], name: str, value: str) -> QuerySet[ImportJob]:
        return queryset.filter(rejected_count__gt=0) if value == "1" else queryset


class ImportListView(OfficeListView):
    """数据归集: the upload form (sources chosen from the registered ones), templates and columns, the registered
    sources (registered here by district regulators), and the import jobs as an office list."""

    table_class, filterset_class = ImportJobTable, ImportJobFilter
    template_name = "office/imports.html"
    title, export_name = gettext_lazy("数据归集"), "import-jobs"
    upload_form: ImportUploadForm | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not roles.can_import(request.user):
            _door_refused(request, door="import", status=403)
        return super().dispatch(request, *args, **kwargs)

    def allowed(self, user: Any) -> bool:
        return roles.can_import(user)

    def rows(self) -> QuerySet[ImportJob]:
        return selectors.job_list(for_user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            form=self.upload_form or _upload_form(self.request),
            formats=selectors.exchange_columns(),
            may_register=user.role == user.Role.DISTRICT_REGULATOR,
            may_review=roles.can_review_queue(user),
            register_form=SourceRegisterForm(),
            sources=selectors.source_list(),
        )
        return context


def _page(request: HttpRequest, form: ImportUploadForm, *, status: int) -> HttpResponse:
    """The import page with a form that did not validate (its errors shown)."""
    view = ImportListView()
    view.setup(request)
    view.upload_form = form
    response = view.get(request)
    response.status_code = status
    return response


def _upload_form(request: HttpRequest, *args: object) -> ImportUploadForm:
    return ImportUploadForm(*args, sources=selectors.source_choices(for_user=request.user))


@csrf_exempt  # the cap handler must be installed before the body is read; CSRF is checked right after
@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """Store the upload (capped), create the job (or return the earlier one) and run it as a Celery job."""
    if not roles.can_import(request.user):  # type: ignore[arg-type]
        _door_refused(request, door="import", status=403)
    if request.method != "POST":
        return redirect("office:imports")
    announced = int(request.META.get("CONTENT_LENGTH") or 0)
    if announced > settings.IMPORT_UPLOAD_MAX_BYTES + 64 * 1024:  # form fields and multipart framing
        return _too_large()
    cap = MaxSizeUploadHandler(request)
    request.upload_handlers = [cap, *request.upload_handlers]
    return _import_upload_checked(request, cap)


@csrf_protect
def _import_upload_checked(request: HttpRequest, cap: MaxSizeUploadHandler) -> HttpResponse:
    form = _upload_form(request, request.POST, request.FILES)
    if cap.exceeded:
        return _too_large()
    if not form.is_valid():
        if "source" in form.errors and request.POST.get("kind") in RecordKind.values:
            # A source the form did not offer: refused by the write check, which audits it, when it is registered.
            with contextlib.suppress(DomainError):
                services.import_door_check(
                    user=request.user, kind=request.POST["kind"], source_name=request.POST.get("source", "")
                )
        return _page(request, form, status=400)
    upload = form.cleaned_data["file"]
    folder = Path(settings.VAR_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / uuid.uuid4().hex
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    try:
        job, created = services.job_create(
            kind=form.cleaned_data["kind"],
            source_name=form.cleaned_data["source"],
            file_name=upload.name,
            sha256=digest.hexdigest(),
            skip_bad_rows=form.cleaned_data["skip_bad_rows"],
            actor=request.user,
        )
    except DomainError as exc:
        path.unlink(missing_ok=True)
        messages.error(request, str(exc.message))
        return redirect("office:imports")
    if not created:
        path.unlink(missing_ok=True)
        url = reverse("office:import_job", args=[job.pk])
        messages.info(
            request,
            format_html(
                _('此文件已导入过（{when}），未再次导入：<a href="{url}">查看导入任务 #{job}</a>'),
                when=timezone.localtime(job.created_at).strftime("%Y-%m-%d %H:%M"),
                url=url,
                job=job.pk,
            ),
        )
        return redirect(url)
    tasks.import_job_run.delay(job.pk, str(path))
    return redirect("office:import_job", job_id=job.pk)


def _too_large() -> HttpResponse:
    mb = settings.IMPORT_UPLOAD_MAX_BYTES / (1024 * 1024)
    return HttpResponse(_("文件超过 %(mb)s MB 上限") % {"mb": f"{mb:g}"}, status=413)


@login_required
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """An empty file of one kind with the exchange format's headers (DOMAIN.md Part I §3), as XLSX or CSV."""
    if kind not in RecordKind.values or fmt not in ("xlsx", "csv"):
        raise Http404
    data = tablib.Dataset(headers=[c.header for c in FORMATS[kind].columns], title=kind)
    if fmt == "csv":
        # UTF-8 with a BOM, so that Excel opens the Chinese headers as they are.
        response = HttpResponse("\ufeff" + data.export("csv"), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            data.export("xlsx"), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="template-{kind}.{fmt}"'
    return response


@login_required
@require_POST
def import_source_register(request: HttpRequest) -> HttpResponse:
    """Register a source system or add kinds to one: a district regulator's explicit, audited step."""
    if not roles.can_import(request.user):  # type: ignore[arg-type]
        _door_refused(request, door="source", status=404)
    form = SourceRegisterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("来源系统登记信息不完整：%(errors)s") % {"errors": form.errors.as_text()})
        return redirect("office:imports")
    try:
        source = services.source_register(
            name=form.cleaned_data["name"],
            kinds=form.cleaned_data["kinds"],
            department_code=form.cleaned_data["department_code"],
            actor=request.user,
        )
    except permissions.WriteRefusedError as exc:
        raise PermissionDenied(str(exc.message)) from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("office:imports")
    messages.success(request, _("已登记来源系统“%(name)s”") % {"name": source.name})
    return redirect("office:imports")


@login_required
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """A job's progress and outcome; the status fragment refreshes itself with htmx while it runs."""
    job = selectors.job_get(job_id=job_id, for_user=request.user)
    template = "office/import_job_status.html" if request.headers.get("HX-Request") else "office/import_job.html"
    return render(request, template, {"job": job, "errors": job.errors[:200]})


@login_required
def import_job_errors(request: HttpRequest, job_id: int) -> HttpResponse:
    """The full error report as CSV (UTF-8 with BOM so Excel opens it); values are neutralised against CSV injection."""
    job = selectors.job_get(job_id=job_id, for_user=request.user)
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf)
    writer.writerow([_("文件"), _("行"), _("列"), _("字段"), _("值"), _("代码"), _("原因")])
    for e in services.report_errors(job):
        writer.writerow([_inert(e.get(c)) for c in ERROR_COLUMNS])
    response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-job-{job.pk}-errors.csv"'
    return response


def _inert(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class PendingTable(OfficeTable):
    """Records waiting for their operator, with the reason and a form to attach one by a corrected USCC."""

    id = tables.Column(verbose_name="#")
    kind = tables.Column(verbose_name=gettext_lazy("记录类型"))
    source__name = tables.Column(verbose_name=gettext_lazy("来源系统"))
    record_key = tables.Column(verbose_name=gettext_lazy("记录标识"))
    uscc = tables.Column(verbose_name=gettext_lazy("统一社会信用代码"), attrs={"td": {"class": "mono"}})
    reason = tables.Column(verbose_name=gettext_lazy("原因"), orderable=False)
    job = tables.Column(verbose_name=gettext_lazy("导入任务"), linkify=("office:import_job", [tables.A("job_id")]))
    created_at = tables.DateTimeColumn(verbose_name=gettext_lazy("时间"), format="Y-m-d H:i")
    attach = tables.TemplateColumn(
        verbose_name=gettext_lazy("手工关联"),
        template_name="office/_review_attach.html",
        orderable=False,
        exclude_from_export=True,
        empty_values=(),
    )

    class Meta(OfficeTable.Meta):
        order_by = ("-id",)

    def render_job(self, record: PendingRecord) -> str:
        return f"#{record.job_id}"


class PendingFilter(OfficeFilterSet):
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("记录类型"), choices=RecordKind.choices, empty_label=gettext_lazy("全部")
    )
    uscc = django_filters.CharFilter(label=gettext_lazy("统一社会信用代码"), lookup_expr="startswith", max_length=18)

    class Meta:
        model = PendingRecord
        fields: list[str] = []


class ReviewQueueView(OfficeListView):
    """待关联记录（复核队列）: records whose operator is not collected yet; they attach when it arrives or by hand."""

    table_class, filterset_class = PendingTable, PendingFilter
    template_name = "office/review_queue.html"
    title, export_name = gettext_lazy("待关联记录（复核队列）"), "review-queue"
    intro = gettext_lazy(
        "这些记录的统一社会信用代码尚无对应经营主体。经营主体归集后会自动关联；也可以更正代码后手工关联。"
    )

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not roles.can_review_queue(request.user):
            _door_refused(request, door="review_queue", status=403)
        return super().dispatch(request, *args, **kwargs)

    def allowed(self, user: Any) -> bool:
        return roles.can_review_queue(user)

    def rows(self) -> QuerySet[PendingRecord]:
        return selectors.pending_list(for_user=self.request.user)


@login_required
@require_POST
def review_attach(request: HttpRequest, pending_id: int) -> HttpResponse:
    """Attach a queued record to an operator by hand (audited); the write rules decide which operators."""
    if not roles.can_review_queue(request.user):  # type: ignore[arg-type]
        _door_refused(request, door="review_queue", status=404)
    item = selectors.pending_get(pending_id=pending_id, for_user=request.user)
    form = PendingAttachForm(request.POST)
    if form.is_valid():
        try:
            services.pending_attach(pending=item, uscc=form.cleaned_data["uscc"], actor=request.user)
            messages.success(request, _("已关联"))
        except DomainError as exc:
            messages.error(request, str(exc.message))
    else:
        messages.error(request, _("统一社会信用代码应为 18 位"))
    return redirect("office:review_queue")

"""Back-office import pages: upload, job progress, error report, review queue. Thin: services do the work."""

import csv
import hashlib
import io
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from foodcredit.accounts import roles
from foodcredit.collection import selectors, services, tasks
from foodcredit.core.errors import DomainError

from .forms import ImportUploadForm, PendingAttachForm
from .uploads import MaxSizeUploadHandler

ERROR_COLUMNS = ["file", "row", "column", "field", "value", "code", "reason"]


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    """Recent import jobs and the upload form."""
    if not roles.can_import(request.user):  # type: ignore[arg-type]
        raise PermissionDenied
    jobs = selectors.job_list(for_user=request.user)[:50]
    return render(request, "office/imports.html", {"jobs": jobs, "form": ImportUploadForm()})


@csrf_exempt  # the cap handler must be installed before the body is read; CSRF is checked right after
@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """Store the upload (capped), create the job (or return the earlier one) and run it as a Celery job."""
    if not roles.can_import(request.user):  # type: ignore[arg-type]
        raise PermissionDenied
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
    form = ImportUploadForm(request.POST, request.FILES)
    if cap.exceeded:
        return _too_large()
    if not form.is_valid():
        jobs = selectors.job_list(for_user=request.user)[:50]
        return render(request, "office/imports.html", {"jobs": jobs, "form": form}, status=400)
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
            kind=form.cleaned_data["kind"], source_name=form.cleaned_data["source"], file_name=upload.name,
            sha256=digest.hexdigest(), skip_bad_rows=form.cleaned_data["skip_bad_rows"], actor=request.user,
        )  # fmt: skip
    except DomainError as exc:
        path.unlink(missing_ok=True)
        messages.error(request, str(exc.message))
        return redirect("office:imports")
    if not created:
        path.unlink(missing_ok=True)
        messages.info(request, _("此文件已导入过，显示原任务 / this file was imported before: showing the earlier job"))
        return redirect("office:import_job", job_id=job.pk)
    tasks.import_job_run.delay(job.pk, str(path))
    return redirect("office:import_job", job_id=job.pk)


def _too_large() -> HttpResponse:
    mb = settings.IMPORT_UPLOAD_MAX_BYTES / (1024 * 1024)
    return HttpResponse(
        _("文件超过 %(mb)s MB 上限 / the file exceeds the %(mb)s MB upload limit") % {"mb": f"{mb:g}"}, status=413
    )


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
    writer.writerow(["文件 file", "行 row", "列 column", "字段 field", "值 value", "代码 code", "原因 reason"])
    for e in services.report_errors(job):
        writer.writerow([_inert(e.get(c)) for c in ERROR_COLUMNS])
    response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-job-{job.pk}-errors.csv"'
    return response


def _inert(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Records waiting for their operator, with the reason."""
    if not roles.can_review_queue(request.user):  # type: ignore[arg-type]
        raise PermissionDenied
    items = selectors.pending_list(for_user=request.user)[:200]
    return render(request, "office/review_queue.html", {"items": items, "form": PendingAttachForm()})


@login_required
def review_attach(request: HttpRequest, pending_id: int) -> HttpResponse:
    """Attach a queued record to an operator by hand (audited)."""
    item = selectors.pending_get(pending_id=pending_id, for_user=request.user)
    form = PendingAttachForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pending_attach(pending=item, uscc=form.cleaned_data["uscc"], actor=request.user)
            messages.success(request, _("已关联 / attached"))
        except DomainError as exc:
            messages.error(request, str(exc.message))
    return redirect("office:review_queue")

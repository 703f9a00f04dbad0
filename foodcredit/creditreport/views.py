"""Thin views of the credit report, wired into the portal's and the office's URLs: download a report (public variant
for anyone, internal variant for a logged-in reader in whose scope the operator is) and verify a code.

Issuing reads the clock once, builds the content through the selectors, records the report (service, audited) and
then draws the PDF; the anonymous downloads are throttled by THROTTLE_RULES "credit_report"."""

from typing import Any
from urllib.parse import quote, urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from foodcredit.operators.models import Operator

from . import pdf, rules, selectors, services
from .forms import VerifyForm

# The verdicts of the verification page: a stable code for each, and what it tells the reader.
VERDICTS: dict[str, tuple[str, Any]] = {
    rules.CodeCheck.MALFORMED: (
        "report.code_malformed",
        _("核验码格式不正确：核验码为16位字母和数字（不含数字0、1和字母I、O）。"),
    ),
    rules.CodeCheck.BAD_CHECK: (
        "report.code_forged",
        _("核验码校验位不符：本系统从未出具过这样的核验码，可能输入有误，也可能系伪造。"),
    ),
    "unknown": ("report.code_unknown", _("核验码格式正确，但本系统没有出具过使用该核验码的信用报告。")),
}


def _download(request: HttpRequest, operator: Operator, content: dict[str, Any]) -> HttpResponse:
    report = services.report_issue(operator=operator, content=content, issued_by=request.user, issued_at=timezone.now())
    query = urlencode({"code": rules.code_display(report.code)})
    verify_url = request.build_absolute_uri(reverse("portal:report_verify")) + "?" + query
    body = pdf.report_pdf(report=report, content=content, verify_url=verify_url)
    response = HttpResponse(body, content_type="application/pdf")
    filename = f"信用报告-{report.operator_uscc}-{report.as_of:%Y%m%d}-{report.variant}.pdf"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@require_POST
def report_public(request: HttpRequest, uscc: str) -> HttpResponse:
    """The public report (公开版) of an operator: exactly what its public credit page shows today."""
    operator, content = selectors.report_content_public(uscc=uscc, as_of=timezone.localdate())
    return _download(request, operator, content)


@require_POST
@login_required
def report_internal(request: HttpRequest, uscc: str) -> HttpResponse:
    """The internal report (内部版): the office credit file as the logged-in reader sees it; 404 outside its scope."""
    operator, content = selectors.report_content_internal(uscc=uscc, for_user=request.user, as_of=timezone.localdate())
    return _download(request, operator, content)


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """核验: whether a code (typed, or opened from a report's QR code) belongs to a report this system issued; if so,
    when, for which operator (name and USCC as printed), which variant and the SHA-256 of its content — never the
    content of an internal report."""
    form = VerifyForm(request.GET or None)
    report = None
    verdict: tuple[str, Any] | None = None
    if form.is_bound and form.is_valid():
        check, report = selectors.report_lookup(typed=form.cleaned_data["code"])
        if check != rules.CodeCheck.WELL_FORMED:
            verdict = VERDICTS[check]
        elif report is None:
            verdict = VERDICTS["unknown"]
    context = {
        "form": form,
        "report": report,
        "code": rules.code_display(report.code) if report else "",
        "verdict": verdict,
    }
    return render(request, "creditreport/verify.html", context)

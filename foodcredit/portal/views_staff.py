"""Staff pages of the public reports (投诉举报受理): the queue and one report's review. They live with the reports
(portal) and render in the back office's layout; regulators only, the reporter's contact shown to them alone."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from foodcredit.accounts.models import User
from foodcredit.complaints.models import Complaint
from foodcredit.core.errors import DomainError
from foodcredit.operators.selectors import operator_scope

from . import selectors, services
from .models import PublicReport

REVIEWERS = (User.Role.DISTRICT_REGULATOR, User.Role.STATION_REGULATOR)
R = PublicReport


class ReviewForm(forms.Form):
    """The next step of a report and the reply the reporter reads."""

    status = forms.ChoiceField(
        label=_("办理"),
        choices=[
            (R.Status.ACCEPTED, _("受理并核查")),
            (R.Status.REJECTED, _("不予受理")),
            (R.Status.CLOSED, _("办结")),
        ],
    )
    operator_uscc = forms.CharField(
        label=_("被投诉举报经营主体的统一社会信用代码（受理时必填）"),
        max_length=18,
        required=False,
        help_text=_("受理后作为投诉举报记入该主体的信用档案（渠道：网络）。"),
    )
    verification = forms.ChoiceField(
        label=_("核查结果（办结时必填）"),
        required=False,
        choices=[
            ("", "—"),
            *[(v.value, v.label) for v in Complaint.Verification if v != Complaint.Verification.PENDING],
        ],
    )
    reply = forms.CharField(label=_("答复（投诉举报人可见）"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def clean_operator_uscc(self) -> str:
        return str(self.cleaned_data["operator_uscc"]).strip().upper()


def _reviewer(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or user.role not in REVIEWERS:
        raise Http404
    return user


@never_cache
@login_required
@require_GET
def report_queue(request: HttpRequest) -> HttpResponse:
    """Reports to review (registered first, oldest first), or all of them with ?all=1."""
    _reviewer(request)
    reports = R.objects.order_by("created_at", "pk")
    if not request.GET.get("all"):
        reports = reports.filter(status__in=[R.Status.RECEIVED, R.Status.ACCEPTED])
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    return render(request, "portal/staff_report_queue.html", {"page": page})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One report with the reporter's contact (staff only) and the form moving it on."""
    user = _reviewer(request)
    report = R.objects.filter(pk=pk).first()
    if report is None:
        raise Http404
    form = ReviewForm(request.POST or None, initial={"operator_uscc": report.operator_uscc})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The operator is looked up inside the reviewer's own scope: one outside it reads as unknown (no leak).
        operator = (
            operator_scope(for_user=user).filter(uscc=data["operator_uscc"]).first() if data["operator_uscc"] else None
        )
        if data["operator_uscc"] and operator is None:
            form.add_error(
                "operator_uscc",
                gettext("您的辖区内没有统一社会信用代码为 %(uscc)s 的经营主体。") % {"uscc": data["operator_uscc"]},
            )
        else:
            try:
                services.report_review(
                    report=report,
                    actor=user,
                    status=data["status"],
                    reply=data["reply"],
                    operator=operator if data["status"] == R.Status.ACCEPTED else None,
                    verification=data["verification"],
                )
            except DomainError as exc:
                form.add_error(None, f"{exc.message}（{exc.code}）")
            else:
                messages.success(request, gettext("已记录办理结果。"))
                return redirect("portal:report_queue")
    status = 400 if form.is_bound and form.errors else 200
    context = {
        "report": report,
        "form": form,
        "complaint": selectors.report_complaint(report=report, source_name=services.PORTAL_SOURCE),
    }
    return render(request, "portal/staff_report_detail.html", context, status=status)

"""Back-office page of the scheduled jobs (定时任务): each job's schedule, latest run and what is wrong, and the runs."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from foodcredit.accounts.models import User
from foodcredit.schedule import selectors as schedule_selectors
from foodcredit.schedule.jobs import JOBS

# Who answers for the jobs: the district (its data) and the system administrator (the system running them).
SCHEDULE_READERS = {User.Role.DISTRICT_REGULATOR, User.Role.SYSTEM_ADMIN}


@never_cache
@login_required
@require_GET
def schedule(request: HttpRequest) -> HttpResponse:
    """The jobs with their state, and the runs (of one job when ?job= names one), newest first, 50 a page."""
    if getattr(request.user, "role", None) not in SCHEDULE_READERS:
        raise PermissionDenied
    job = request.GET.get("job", "")
    job = job if job in JOBS else ""
    runs = Paginator(schedule_selectors.job_runs(job=job), 50).get_page(request.GET.get("page"))
    context = {"states": schedule_selectors.job_states(now=timezone.now()), "runs": runs, "job": job}
    return render(request, "office/schedule.html", context)

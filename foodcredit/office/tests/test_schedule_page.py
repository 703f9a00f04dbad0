"""The 定时任务 page: the district and the system administrator see each job's state and runs; others do not."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from foodcredit.accounts.models import User
from foodcredit.credit.tests import factories as f
from foodcredit.schedule import services
from foodcredit.schedule.jobs import JOBS
from foodcredit.schedule.models import JobRun

R = User.Role
NOW = dt.datetime(2026, 12, 2, 3, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [(R.DISTRICT_REGULATOR, 200), (R.SYSTEM_ADMIN, 200), (R.STATION_REGULATOR, 403), (R.AUDIT_ADMIN, 403)],
)
def test_schedule_page_shows_runs_and_a_failed_job_to_who_answers_for_them(client, role, status):
    with time_machine.travel(NOW, tick=False):
        services.schedule_tick(now=NOW, trigger="loop")  # no active model here: the classification fails
        client.force_login(f.UserFactory(role=role))
        response = client.get("/office/schedule/")
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "最近一次运行失败" in page and "信用风险月度分类" in page and "名录名单每日处理" in page
        assert f"共 {JobRun.objects.count()} 次运行" in page and JobRun.objects.count() == len(JOBS)

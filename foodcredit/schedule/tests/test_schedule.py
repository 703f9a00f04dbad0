"""The schedule runs each job once per slot — in process (`make run`), eagerly and through a Celery worker — records
every run, and shows a failed or late job."""

import datetime as dt
import io
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core.management import call_command
from django.db import connection

from config.celery import app
from foodcredit.core.models import AuditEvent
from foodcredit.credit import services as credit_services
from foodcredit.credit.models import ListEntry
from foodcredit.credit.tests import factories as f
from foodcredit.schedule import rules, selectors, services, tasks
from foodcredit.schedule.jobs import JOBS
from foodcredit.schedule.models import JobRun

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("job", "now", "latest", "following"),
    [
        ("lists_daily", "2026-12-04 00:59", "2026-12-03 01:00", "2026-12-04 01:00"),
        ("lists_daily", "2026-12-04 01:00", "2026-12-04 01:00", "2026-12-05 01:00"),
        ("risk_classify_monthly", "2026-12-01 01:59", "2026-11-01 02:00", "2026-12-01 02:00"),
        ("risk_classify_monthly", "2026-12-31 23:00", "2026-12-01 02:00", "2027-01-01 02:00"),
    ],
)
def test_slots_of_the_jobs_crontabs(job, now, latest, following):
    schedule = JOBS[job].schedule
    assert rules.slot_latest(schedule, at(now)) == at(latest)
    assert rules.slot_after(schedule, at(now)) == at(following)


def test_celery_beat_runs_the_same_table():
    app.finalize()
    beat = app.conf.beat_schedule
    assert set(beat) == set(JOBS)
    for name, entry in beat.items():
        assert entry["task"] == tasks.job_run_due.name and entry["args"] == (name,)
        assert entry["schedule"] == JOBS[name].schedule


def _listing_expiring(officer):
    """A serious listing decided 2023-12-01: its three years end on 2026-12-01, so the daily sweep removes it."""
    operator = f.OperatorFactory()
    penalty = f.penalty_add(
        operator,
        on=dt.date(2023, 11, 1),
        kinds=("罚款",),
        amount=None,
        extra_facts={"circumstance": "heavier", "listable_serious": True},
    )
    entry = credit_services.serious_list_propose(
        operator=operator,
        penalty_entry=penalty,
        serious_reasons="情节严重",
        no_intent_proven=False,
        notice_served_on=dt.date(2023, 11, 5),
        hearing_requested=False,
        legal_basis="总局令第44号",
        department="江北区市场监管局",
        restriction_until=None,
        actor=officer,
    )
    entry = credit_services.serious_list_approve(
        entry=entry, approved_on=dt.date(2023, 11, 20), approved_by="市局", actor=officer
    )
    return credit_services.serious_list_decide(
        entry=entry, decision_no="列严9号", decided_on=dt.date(2023, 12, 1), actor=officer
    )


@pytest.mark.django_db
def test_the_in_process_loop_runs_each_due_slot_once_and_records_it(settings):
    officer = f.UserFactory(role="district_regulator")
    stale = f.UserFactory(role="inspector", last_login=at("2026-06-01 09:00"), date_joined=at("2025-01-01 09:00"))
    entry = _listing_expiring(officer)
    with time_machine.travel(at("2026-12-02 03:00"), tick=False):
        out = io.StringIO()
        call_command("schedule_loop", "--once", stdout=out)
        runs = {run.job: run for run in JobRun.objects.all()}
        assert set(runs) == {"accounts_dormant", "lists_daily", "alerts_sweep", "risk_classify_monthly"}
        assert runs["alerts_sweep"].status == "done"
        daily = runs["lists_daily"]
        assert (daily.status, daily.trigger, daily.due_at) == ("done", "loop", at("2026-12-02 01:00"))
        assert daily.counts["expired"] == 1 and daily.finished_at >= daily.started_at
        entry.refresh_from_db()
        assert entry.status == ListEntry.Status.REMOVED
        # No active model in this database: the classification fails, is recorded with its reason, and is shown.
        monthly = runs["risk_classify_monthly"]
        assert monthly.status == "failed" and monthly.error
        assert "lists_daily for 2026-12-02 01:00 done" in out.getvalue()
        assert [s.name for s in selectors.jobs_needing_attention(now=at("2026-12-02 03:00"))] == [
            "risk_classify_monthly"
        ]
        # A second turn in the same slot runs nothing.
        call_command("schedule_loop", "--once", stdout=io.StringIO())
        assert JobRun.objects.count() == 4
    assert AuditEvent.objects.filter(action="job_run", object_type="job_run").count() == 4
    stale.refresh_from_db()
    assert stale.is_active is False and runs["accounts_dormant"].counts["disabled"] >= 1


@pytest.mark.django_db
def test_a_slot_that_passed_without_a_run_is_late():
    with time_machine.travel(at("2026-12-02 00:30"), tick=False):
        services.job_run_due(job="lists_daily", now=at("2026-12-02 00:30"), trigger="loop")  # the 12-01 slot
    within_grace = selectors.jobs_needing_attention(now=at("2026-12-02 02:00"))  # an hour after the 01:00 slot
    assert "lists_daily" not in {s.name for s in within_grace}
    late = {s.name: s for s in selectors.jobs_needing_attention(now=at("2026-12-02 03:30"))}
    assert late["lists_daily"].problem == "late" and late["lists_daily"].slot_latest == at("2026-12-02 01:00")


@pytest.mark.django_db
def test_the_beat_task_eagerly_runs_the_latest_slot_once():
    with time_machine.travel(at("2026-12-04 09:00"), tick=False):
        first = tasks.job_run_due.delay("lists_daily").get()
        second = tasks.job_run_due.delay("lists_daily").get()
    run = JobRun.objects.get(pk=first)
    assert second is None
    assert (run.trigger, run.status, run.due_at) == ("beat", "done", at("2026-12-04 01:00"))


def _close_connection(**kwargs: object) -> None:
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_the_beat_task_runs_through_a_celery_worker(settings):
    """The worker path: a message through a broker to a worker thread, which records the run."""
    app.conf.task_always_eager = False
    # The worker thread's own database connection is closed after its task (as Celery's Django fix-up does in a real
    # worker); left open it would outlive the test and hold the test database at teardown.
    task_postrun.connect(_close_connection, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            tasks.job_run_due.apply_async(args=("lists_daily",))
            for _ in range(300):  # the worker records the run; no result backend is configured
                run = JobRun.objects.filter(job="lists_daily", finished_at__isnull=False).first()
                if run:
                    break
                time.sleep(0.1)
    finally:
        app.conf.task_always_eager = True
        task_postrun.disconnect(_close_connection)
    assert run is not None, "the worker did not run the job within 30 s"
    assert (run.trigger, run.status) == ("beat", "done")

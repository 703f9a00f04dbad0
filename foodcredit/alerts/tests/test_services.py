"""The alert lifecycle: routing, absorption of repeats, working-day deadlines, measures and their outcome."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from foodcredit.alerts import rules, services
from foodcredit.alerts.models import Alert
from foodcredit.core.errors import DomainError
from foodcredit.core.models import AuditEvent
from foodcredit.credit.models import LedgerEntry
from foodcredit.credit.tests.factories import complaint_add, licence_add, make_uscc, operator_register
from foodcredit.planning.models import Task, Trigger

AS_OF = date(2026, 11, 20)


def surge(operator, *, days: int = 4, per_day: int = 2, end: date = AS_OF) -> None:
    """Complaints as 12315 reports them: `per_day` a day for `days` days up to `end`."""
    for d in range(days):
        for _ in range(per_day):
            complaint_add(operator, on=end - timedelta(days=d))


@pytest.fixture
def operator(db):
    return operator_register(uscc=make_uscc(101), street="观音桥街道")


@pytest.fixture
def far_operator(db):
    return operator_register(uscc=make_uscc(102), street="鱼嘴镇", address="重庆市江北区鱼嘴镇复兴路8号")


def only(detector: str) -> Alert:
    return Alert.objects.get(detector=detector)


def test_alerts_sweep_routes_to_station_of_street(operator, station):
    surge(operator)
    counts = services.alerts_sweep(as_of=AS_OF, only=["complaint_surge_operator"])
    alert = only("complaint_surge_operator")
    assert counts["raised"] == 1
    assert (alert.operator, alert.unit, alert.status) == (operator, station, Alert.Status.ROUTED)
    assert alert.evidence["observed"] == 8
    event = AuditEvent.objects.get(object_type="alert", object_id=str(alert.pk), action="create")
    assert event.changes["unit"] == [None, station.pk]


def test_alerts_sweep_routes_to_district_without_station(far_operator, station, district):
    surge(far_operator)
    services.alerts_sweep(as_of=AS_OF, only=["complaint_surge_operator"])
    assert only("complaint_surge_operator").unit == district


def test_street_level_alert_goes_to_district(db, station, district):
    for n in range(5):
        operator_register(
            uscc=make_uscc(200 + n), street="观音桥街道", address="重庆市江北区建新北路 88 号", registered_on=AS_OF
        )
    services.alerts_sweep(as_of=AS_OF, only=["registration_address"])
    alert = only("registration_address")
    assert (alert.operator, alert.unit, alert.street) == (None, district, "观音桥街道")
    assert alert.evidence["operators"] == 5


def test_open_alert_absorbs_repeats_and_rerun_changes_nothing(operator, station):
    surge(operator)
    services.alerts_sweep(as_of=AS_OF, only=["complaint_surge_operator"])
    again = services.alerts_sweep(as_of=AS_OF, only=["complaint_surge_operator"])
    assert (again["raised"], again["absorbed"]) == (0, 0)
    complaint_add(operator, on=AS_OF + timedelta(days=1))
    next_day = services.alerts_sweep(as_of=AS_OF + timedelta(days=1), only=["complaint_surge_operator"])
    assert (next_day["raised"], next_day["absorbed"]) == (0, 1)
    alert = only("complaint_surge_operator")
    assert (alert.repeats, alert.last_seen_on, alert.raised_on) == (1, AS_OF + timedelta(days=1), AS_OF)


def test_closed_alert_lets_a_new_one_be_raised(operator, station, station_regulator):
    surge(operator)
    services.alerts_sweep(as_of=AS_OF, only=["complaint_surge_operator"])
    alert = services.alert_measure_choose(
        alert=only("complaint_surge_operator"), measure="reminder", on=AS_OF, actor=station_regulator
    )
    services.alert_close(alert=alert, outcome="no_issue", on=AS_OF, actor=station_regulator)
    complaint_add(operator, on=AS_OF + timedelta(days=1))
    counts = services.alerts_sweep(as_of=AS_OF + timedelta(days=1), only=["complaint_surge_operator"])
    assert counts["raised"] == 1
    assert Alert.objects.filter(detector="complaint_surge_operator").count() == 2


def test_measure_deadline_counts_working_days_over_national_day():
    # 2026-10-01..08 are holidays; the third working day after 30 September is Saturday 10 October (a make-up day).
    assert rules.measure_deadline(raised_on=date(2026, 9, 30), days=3).due == date(2026, 10, 10)


def test_alert_overdue_when_no_measure_within_three_working_days(operator, station):
    surge(operator)
    services.alerts_sweep(as_of=AS_OF, only=["complaint_surge_operator"])  # Friday
    alert = only("complaint_surge_operator")
    assert alert.measure_due == date(2026, 11, 25)  # Wednesday: the weekend does not count
    assert not rules.overdue(
        status=alert.status, measure_due=alert.measure_due, action_due=None, today=alert.measure_due
    )
    assert rules.overdue(
        status=alert.status, measure_due=alert.measure_due, action_due=None, today=alert.measure_due + timedelta(days=1)
    )


def test_inspection_measure_creates_targeted_task(operator, station, station_regulator):
    surge(operator)
    services.alerts_sweep(as_of=AS_OF, only=["complaint_surge_operator"])
    alert = services.alert_measure_choose(
        alert=only("complaint_surge_operator"), measure="inspection", on=AS_OF, actor=station_regulator
    )
    trigger = Trigger.objects.get(pk=alert.trigger_id)
    assert (trigger.kind, trigger.ref_kind, trigger.ref_id, trigger.operator) == ("alert", "alert", alert.pk, operator)
    task = Task.objects.get(trigger=trigger)
    assert task.operator == operator
    assert alert.action_due == date(2026, 12, 18)  # 20 working days
    event = AuditEvent.objects.filter(object_type="alert", object_id=str(alert.pk), action="update").get()
    assert event.changes["measure"] == ["", "inspection"]


def test_interview_and_rectification_filed_in_ledger_with_outcome(operator, station, station_regulator):
    surge(operator)
    services.alerts_sweep(as_of=AS_OF, only=["complaint_surge_operator"])
    alert = services.alert_measure_choose(
        alert=only("complaint_surge_operator"), measure="interview", on=AS_OF, actor=station_regulator
    )
    assert not LedgerEntry.objects.filter(kind="interview").exists()
    alert = services.alert_interview_hold(
        alert=alert,
        held_on=AS_OF + timedelta(days=3),
        rectification="七日内完成后厨清洁消毒整改",
        actor=station_regulator,
    )
    entry = LedgerEntry.objects.get(kind="interview", superseded_by__isnull=True)
    assert (entry.operator, entry.occurred_on) == (operator, AS_OF + timedelta(days=3))
    assert entry.facts["rectification"] == "七日内完成后厨清洁消毒整改"
    alert = services.alert_reply(alert=alert, text="已整改完毕", on=AS_OF + timedelta(days=5), actor=None)
    services.alert_close(alert=alert, outcome="rectified", on=AS_OF + timedelta(days=6), actor=station_regulator)
    current = LedgerEntry.objects.get(kind="interview", superseded_by__isnull=True)
    assert current.facts["outcome"] == "rectified"
    assert LedgerEntry.objects.filter(kind="interview").count() == 2  # the first superseded, never edited


def test_reminder_and_warning_are_not_filed(operator, station, station_regulator):
    surge(operator)
    services.alerts_sweep(as_of=AS_OF, only=["complaint_surge_operator"])
    alert = services.alert_measure_choose(
        alert=only("complaint_surge_operator"), measure="warning", on=AS_OF, actor=station_regulator
    )
    alert = services.alert_reply(alert=alert, text="已知悉", on=AS_OF, actor=None)
    services.alert_close(alert=alert, outcome="rectified", on=AS_OF, actor=station_regulator)
    assert not LedgerEntry.objects.filter(kind="interview").exists()


def test_close_refused_before_interview_held(operator, station, station_regulator):
    surge(operator)
    services.alerts_sweep(as_of=AS_OF, only=["complaint_surge_operator"])
    alert = services.alert_measure_choose(
        alert=only("complaint_surge_operator"), measure="interview", on=AS_OF, actor=station_regulator
    )
    with pytest.raises(DomainError) as caught:
        services.alert_close(alert=alert, outcome="rectified", on=AS_OF, actor=station_regulator)
    assert caught.value.code == "alerts.interview_not_held"
    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.MEASURED


def test_licence_expiry_is_a_notice_not_a_risk_alert(operator, station, station_regulator):
    licence_add(operator, on=date(2021, 12, 1), valid_until=AS_OF + timedelta(days=20))
    services.alerts_sweep(as_of=AS_OF, only=["licence_expiry"])
    alert = only("licence_expiry")
    assert alert.is_notice
    with pytest.raises(DomainError) as caught:
        services.alert_measure_choose(alert=alert, measure="warning", on=AS_OF, actor=station_regulator)
    assert caught.value.code == "alerts.notice_no_measure"
    services.alert_close(alert=alert, outcome="notified", on=AS_OF, actor=station_regulator)


def test_street_alert_refuses_interview(db, station, district, regulator):
    for n in range(5):
        operator_register(uscc=make_uscc(300 + n), address="重庆市江北区建新北路88号", registered_on=AS_OF)
    services.alerts_sweep(as_of=AS_OF, only=["registration_address"])
    with pytest.raises(DomainError) as caught:
        services.alert_measure_choose(
            alert=only("registration_address"), measure="interview", on=AS_OF, actor=regulator
        )
    assert caught.value.code == "alerts.measure_needs_operator"


def test_new_complaints_raise_an_alert_before_the_sweep(operator, station, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        surge(operator, end=today)
    alert = only("complaint_surge_operator")
    assert (alert.operator, alert.raised_on, alert.unit) == (operator, today, station)


def test_check_on_record_can_be_switched_off(operator, station, settings, django_capture_on_commit_callbacks):
    settings.ALERTS_CHECK_ON_RECORD = False
    with django_capture_on_commit_callbacks(execute=True):
        surge(operator, end=timezone.localdate())
    assert not Alert.objects.exists()

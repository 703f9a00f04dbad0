"""Pure rules of the schedule: the slots of a crontab (no ORM)."""

from datetime import datetime, timedelta

from celery.schedules import crontab

LOOKBACK = timedelta(days=40)  # longer than the longest interval of a job (monthly)


def slot_after(schedule: crontab, moment: datetime) -> datetime:
    """The first slot of `schedule` strictly after `moment` (aware, in the schedule's time zone)."""
    start, delta, _now = schedule.remaining_delta(moment, tz=moment.tzinfo)
    return start + delta


def slot_latest(schedule: crontab, now: datetime) -> datetime | None:
    """The latest slot at or before `now` within LOOKBACK (None when the schedule had none)."""
    latest = None
    slot = slot_after(schedule, now - LOOKBACK)
    while slot <= now:
        latest = slot
        slot = slot_after(schedule, slot)
    return latest

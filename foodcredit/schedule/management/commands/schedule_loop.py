"""`manage.py schedule_loop [--once] [--interval SECONDS]`: the schedule without a broker (what `make run` starts).

With Redis, Celery beat runs the same jobs (settings.CELERY_BEAT_SCHEDULE); this loop is for the embedded set-up.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from foodcredit.schedule import services
from foodcredit.schedule.models import JobRun


class Command(BaseCommand):
    help = "Run the scheduled jobs in this process, each at its slot (the embedded alternative to Celery beat)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one turn, then exit")
        parser.add_argument("--interval", type=float, default=60.0, help="seconds between turns")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            for run in services.schedule_tick(now=timezone.now(), trigger=JobRun.Trigger.LOOP):
                self.stdout.write(
                    f"schedule_loop: {run.job} for {run.due_at:%Y-%m-%d %H:%M} {run.status} {run.counts or run.error}"
                )
            self.stdout.flush()  # shown at once when the output is a log file (make run)
            if options["once"]:
                return
            time.sleep(options["interval"])

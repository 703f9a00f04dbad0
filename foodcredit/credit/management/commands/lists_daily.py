"""python manage.py lists_daily [--as-of DATE]: expire serious listings, serve the 3-year notices, list proposals."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from foodcredit.credit import selectors
from foodcredit.credit.tasks import lists_daily


class Command(BaseCommand):
    help = "Run the daily list rules and print the abnormal listings the system proposes for the serious list."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        day = options["as_of"] or timezone.localdate()
        done = lists_daily(day.isoformat())
        self.stdout.write(f"{day}: {done['expired']} expired, {done['noticed']} escalation notices served")
        for entry, dates in selectors.abnormal_escalations_due(as_of=day):
            self.stdout.write(f"proposed for the serious list: {entry.operator.uscc} (decide by {dates.decide_by})")

"""`manage.py seed_oracle_report --as-of DATE [--horizon 365]`: the oracle AUC of the seeded district.

How well the hidden latent risk ranks operators active at as-of by a serious finding in the horizon
(foodcredit.demo.world.oracle): the ceiling a risk model trained on the records can approach.
"""

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from foodcredit.demo import selectors as demo_selectors
from foodcredit.demo.world.oracle import oracle_auc


class Command(BaseCommand):
    help = "Print the oracle AUC: hidden latent risk vs. a serious finding in the horizon after --as-of."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=date.fromisoformat, required=True, help="the date to rank operators at")
        parser.add_argument("--horizon", type=int, default=365, help="days after --as-of (default 365)")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of, horizon = options["as_of"], options["horizon"]
        if horizon < 1:
            raise CommandError("--horizon must be positive")
        run = demo_selectors.seed_run_latest()
        if run is None:
            raise CommandError("no seeded district: run seed_demo first")
        if as_of + timedelta(days=horizon) > run.as_of:
            self.stderr.write(f"warning: the horizon ends after the seeded data ({run.as_of}); outcomes are cut short")
        frames = demo_selectors.oracle_frames(as_of=as_of, horizon_days=horizon)
        try:
            result = oracle_auc(**frames, as_of=as_of, horizon_days=horizon)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"oracle AUC {result.auc:.4f}: {result.operators} operators active at {as_of}, "
            f"{result.positives} with a serious finding in the next {horizon} days ({result.months} months of latent risk)"
        )

"""`manage.py risk_classify --as-of DATE [--export FILE.csv] [--partitions N]`: classify every active operator.

Thin: opens a run with the active model, classifies the operators partition by partition (a progress bar), closes
the run, and exports one row per operator (统一社会信用代码, class, score with higher = riskier, model version).
"""

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from foodcredit.core.errors import DomainError
from foodcredit.risk import selectors as risk_selectors
from foodcredit.risk import services as risk_services

PARTITION_SIZE = 250_000


class Command(BaseCommand):
    help = "Classify all active operators A/B/C/D as of --as-of with the active model."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=date.fromisoformat, required=True, help="classify on this date")
        parser.add_argument("--export", type=Path, default=None, help="write the results to this CSV file")
        parser.add_argument("--partitions", type=int, default=0, help="operator id ranges (default: by size)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run = risk_services.classification_start(as_of=options["as_of"], actor=None)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        parts = options["partitions"] or max(1, -(-risk_selectors.operator_count() // PARTITION_SIZE))
        ranges = risk_services.partitions_for(parts=parts)
        bar = tqdm(ranges, desc="risk_classify", unit="partition", disable=options["verbosity"] < 1)
        done = 0
        for lo, hi in bar:
            done += risk_services.classification_partition(run=run, lo=lo, hi=hi)
            bar.set_postfix_str(f"{done} operators")
        run = risk_services.classification_finish(run=run, actor=None)
        shares = ", ".join(f"{c} {n} ({n / max(run.operators, 1):.1%})" for c, n in run.distribution.items())
        self.stdout.write(
            f"risk_classify: {run.operators} operators as of {run.as_of} with {run.model.version}: {shares}; "
            f"{run.changed} class changes"
        )
        if options["export"]:
            frame = risk_selectors.run_export(run=run)
            frame.write_csv(options["export"], include_bom=True)
            self.stdout.write(f"risk_classify: exported {frame.height} rows to {options['export']}")

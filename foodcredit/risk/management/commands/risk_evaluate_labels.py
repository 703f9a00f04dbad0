"""`manage.py risk_evaluate_labels --labels FILE [--as-of DATE] [--scores EXPORT.csv]`: a classification judged
against outcomes someone else recorded (issue 13 §5).

FILE is a CSV with 统一社会信用代码, `first_inspection_after_T` (ISO date) and `critical_found_after_T` (0/1): for
each operator, its first inspection after the as-of date and whether it found a serious problem. The scores are the
latest classification run on --as-of (or a `risk_classify --export` file). Printed: AUC (with a 95 % bootstrap
interval) and Chicago's "days earlier" as the labels' README defines it — the first inspections sorted by score,
highest first, given the window's actual inspection dates in chronological order; the mean of (actual − simulated)
days over the inspections that found a problem. Operators without a score are counted and left out.
"""

import io
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from django.core.management.base import BaseCommand, CommandError, CommandParser
from sklearn.metrics import roc_auc_score

from foodcredit.risk import selectors

USCC = "统一社会信用代码"


def days_earlier(frame: pl.DataFrame) -> float:
    """Mean days by which the positives' inspections come sooner when the dates are handed out by score."""
    dates = frame.get_column("first_inspection_after_T").sort()
    ordered = frame.sort(["score", USCC], descending=[True, False]).with_columns(simulated=dates)
    found = ordered.filter(pl.col("critical_found_after_T") == 1)
    gained = (found.get_column("first_inspection_after_T") - found.get_column("simulated")).dt.total_days()
    return float(gained.mean() or 0.0)  # type: ignore[arg-type]


def evaluate(labels: pl.DataFrame, scores: pl.DataFrame, *, boot: int = 200) -> dict[str, Any]:
    """AUC, its bootstrap interval and days earlier of `scores` (统一社会信用代码, score) on `labels`."""
    frame = labels.join(scores.select(USCC, "score"), on=USCC, how="inner")
    y = frame.get_column("critical_found_after_T").to_numpy()
    s = frame.get_column("score").to_numpy()
    rng = np.random.default_rng(0)
    aucs = []
    for _ in range(boot):
        pick = rng.integers(0, len(y), len(y))
        if len(np.unique(y[pick])) == 2:
            aucs.append(roc_auc_score(y[pick], s[pick]))
    return {
        "labelled": labels.height,
        "scored": frame.height,
        "positive_rate": round(float(y.mean()), 4),
        "auc": round(float(roc_auc_score(y, s)), 4),
        "auc_ci95": [round(float(np.quantile(aucs, q)), 4) for q in (0.025, 0.975)],
        "days_earlier": round(days_earlier(frame), 2),
    }


class Command(BaseCommand):
    help = "Judge a classification against recorded outcomes: AUC and days earlier."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--labels", type=Path, required=True)
        parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="the run on this date (latest)")
        parser.add_argument("--scores", type=Path, default=None, help="a risk_classify --export file instead")

    def handle(self, *args: Any, **options: Any) -> None:
        labels = pl.read_csv(
            options["labels"], schema_overrides={USCC: pl.String, "first_inspection_after_T": pl.Date}
        ).with_columns(pl.col("critical_found_after_T").cast(pl.Int64))
        if options["scores"]:
            text = options["scores"].read_bytes().decode("utf-8-sig")  # risk_classify writes a BOM for Excel
            scores = pl.read_csv(io.StringIO(text), schema_overrides={USCC: pl.String, "score": pl.Float64})
            source = str(options["scores"])
        else:
            run = selectors.run_latest(as_of=options["as_of"])
            if run is None:
                raise CommandError("no classification run on that date: run risk_classify first")
            scores, source = selectors.run_export(run=run), f"run {run.pk} ({run.as_of}, {run.model.version})"
        result = evaluate(labels, scores)
        self.stdout.write(f"risk_evaluate_labels: scores of {source}")
        for key, value in result.items():
            self.stdout.write(f"  {key}: {value}")

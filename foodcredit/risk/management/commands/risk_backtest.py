"""`manage.py risk_backtest --as-of DATE [--horizon 365] [--kind lightgbm] [--report FILE.json] [--register]`.

Trains strictly before --as-of, evaluates on the horizon after it and prints the headline figures; the full report
(and a calibration PNG next to it) goes to --report. On a seeded district the oracle (registered by demo: backtest.oracle_register)
is compared on the same operators. --register files the model with its backtest as a candidate.
"""

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from foodcredit.risk import backtest
from foodcredit.risk import services as risk_services


class Command(BaseCommand):
    help = "Backtest the credit-risk model: train before --as-of, evaluate the --horizon days after it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=date.fromisoformat, required=True)
        parser.add_argument("--horizon", type=int, default=365)
        parser.add_argument("--kind", choices=["lightgbm", "scorecard"], default="lightgbm")
        parser.add_argument("--report", type=Path, default=None, help="write the JSON report here")
        parser.add_argument("--register", action="store_true", help="register the model with its backtest AUC")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["horizon"] < 1:
            raise CommandError("--horizon must be positive")
        oracle = backtest.oracle_registered()
        report_path: Path | None = options["report"]
        plot = report_path.with_suffix(".calibration.png") if report_path else None
        try:
            report, fitted = backtest.backtest_run(
                as_of=options["as_of"], horizon_days=options["horizon"], kind=options["kind"], oracle=oracle, plot=plot
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        w = self.stdout.write
        pop = report["population"]
        w(f"risk_backtest {options['kind']} as of {report['as_of']}, horizon {report['horizon_days']} days")
        w(
            f"  operators {pop['operators']}, with a serious finding {pop['with_serious_finding']} ({pop['base_rate']:.1%})"
        )
        w(f"  AUC {report['auc']:.4f}; top-decile lift {report['top_decile_lift']}")
        for name in ("class_d", "class_c_or_d"):
            r = report[name]
            w(f"  {name}: {r['operators']} operators, precision {r['precision']:.3f}, recall {r['recall']:.3f}")
        w(f"  classes {report['class_distribution']}")
        per = report["per_100_inspections"]
        w(
            f"  不符合 per 100 inspections after as-of: all {per['all']['per_100']}, D {per['D']['per_100']} "
            f"(×{per['D']['vs_all']}), C+D {per['C+D']['per_100']} (×{per['C+D']['vs_all']})"
        )
        plan = report["class_following_plan"]
        w(
            f"  serious findings per 100 inspections: following the classes {plan['following_classes_per_100']}, "
            f"uniform random {plan['uniform_random_per_100']} (×{plan['following_vs_random']}); "
            f"class D alone ×{plan['class_d_vs_random']}"
        )
        days = report["days_earlier"]
        w(f"  days earlier (Chicago): {days['mean_days_earlier']} over {days['findings']} 不符合 findings")
        oracle_report = report.get("oracle")
        if oracle_report:
            w(
                f"  oracle AUC {oracle_report['oracle_auc']:.4f}, model AUC on the oracle's {oracle_report['operators']} "
                f"operators {oracle_report['model_auc']:.4f} = {oracle_report['share_of_oracle']:.1%} of the oracle"
            )
        if report_path:
            report_path.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
            w(f"  report: {report_path}; calibration plot: {plot}")
        if options["register"]:
            pop = report["population"]
            fitted.metrics["backtest"] = {
                "as_of": report["as_of"],
                "horizon_days": report["horizon_days"],
                "auc": report["auc"],
                "operators": pop["operators"],
                "positives": pop["with_serious_finding"],
            }
            model = risk_services.model_register(fitted=fitted, actor=None, note="risk_backtest")
            w(f"  registered {model.version} ({model.get_status_display()})")

"""`manage.py alerts_evaluate [--report FILE.json] [--seeds 11,12,13] [--operators 5000]`: the detectors measured on
injected anomalies in a seeded simulated district (alerts.evaluation); nothing is written to the database."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from foodcredit.alerts import evaluation
from foodcredit.alerts.detectors import params_load


class Command(BaseCommand):
    help = "Inject known anomalies into a seeded district and report each detector's detection figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--report", type=Path, default=None, help="write the figures to this JSON file")
        parser.add_argument("--seeds", default="11,12,13", help="comma-separated seeds (default 11,12,13)")
        parser.add_argument("--operators", type=int, default=5000, help="operators of the simulated district")
        parser.add_argument("--count", type=int, default=20, help="anomalies injected per detector and size")

    def handle(self, *args: Any, **options: Any) -> None:
        version, params = params_load()
        seeds = [int(s) for s in options["seeds"].split(",") if s.strip()]
        report = evaluation.evaluate(seeds=seeds, params=params, operators=options["operators"], count=options["count"])
        report["params_version"] = version
        for seed, figures in report["seeds"].items():
            self.stdout.write(
                f"seed {seed}: {figures['undisturbed_total_per_1000_per_month']} risk alerts per 1,000 "
                f"operators per month on the undisturbed district"
            )
            for detector, by_size in figures["detectors"].items():
                for size, s in by_size.items():
                    self.stdout.write(
                        f"  {detector:32} {size:8} POD {s['pod']}  ≤7d {s['pod_7d']}  median {s['median_days']} d  "
                        f"PPV {s['ppv']} (raw {s['ppv_raw']})  ({s['alerts']} alerts, {s['injected']} injected)"
                    )
        if options["report"]:
            options["report"].write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
            self.stdout.write(f"alerts_evaluate: report written to {options['report']}")

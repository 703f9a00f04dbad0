"""`manage.py seed_demo --operators N --years Y --seed S [--if-empty] [--as-of DATE]`: a simulated district.

Thin: reads the clock once, checks --if-empty, calls `demo.services.demo_seed`, prints the counts.
"""

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from foodcredit.demo import selectors as demo_selectors
from foodcredit.demo import services as demo_services
from foodcredit.demo.world.common import params_load


class Command(BaseCommand):
    help = "Simulate a Jiangbei district (operators, licences, inspections, sampling, penalties, complaints) and load it through the import path."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--operators", type=int, default=5000, help="number of operators (default 5000)")
        parser.add_argument("--years", type=int, default=3, help="years of records up to --as-of (default 3)")
        parser.add_argument("--seed", type=int, default=42, help="random seed: same seed, same rows (default 42)")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when operators already exist")
        parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="last simulated day (default today)")
        parser.add_argument(
            "--params", type=Path, default=None, help="parameter file (default foodcredit/demo/params.yaml)"
        )
        parser.add_argument(
            "--classify", action="store_true", help="then train a risk model and classify every operator as of --as-of"
        )
        parser.add_argument(
            "--no-backoffice",
            action="store_true",
            help="leave out the back office's work in progress (code table, lists, repairs, inspectors, plans, tasks)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["operators"] < 1 or options["years"] < 1:
            raise CommandError("--operators and --years must be positive")
        if options["if_empty"] and demo_selectors.operators_exist():
            self.stdout.write("seed_demo: 已有经营主体，未生成演示数据")
            return
        as_of = options["as_of"] or timezone.localdate()
        summary = demo_services.demo_seed(
            operators=options["operators"],
            years=options["years"],
            seed=options["seed"],
            as_of=as_of,
            params=params_load(options["params"]) if options["params"] else None,
            progress=options["verbosity"] >= 1,
        )
        self.stdout.write(
            f"seed_demo: {options['operators']} operators, {options['years']} years to {as_of}, seed {options['seed']}"
        )
        for batch in summary.written:
            r = batch.result
            self.stdout.write(
                f"  {batch.kind:<12} new {r.new:>9}  updated {r.updated:>8}  unchanged {r.unchanged:>8}  "
                f"queued {r.queued:>6}  {batch.seconds:7.1f} s  ← {batch.source}"
            )
        granularity = "per operator-month" if summary.monthly else "per operator and 12-month block"
        self.stdout.write(f"  latent risk  {summary.counts['latent_risk']:>9} rows, {granularity}")
        self.stdout.write(
            f"  generated in {summary.generation_seconds:.1f} s, written in {summary.write_seconds:.1f} s"
        )
        if options["classify"]:
            # The same commands a bureau runs; a demo too small to train on still gets served, with a warning.
            try:
                call_command("risk_train", until=as_of, stdout=self.stdout)
                call_command("risk_classify", as_of=as_of, stdout=self.stdout, verbosity=0)
            except CommandError as exc:
                self.stderr.write(f"seed_demo: 未计算信用风险分类：{exc}")
        if not options["no_backoffice"]:
            # A district that looks lived in: every workbench has work, through the same services the pages call.
            credit, planning, objections = demo_services.backoffice_seed(as_of=as_of)
            self.stdout.write(f"  back office  credit {credit}")
            self.stdout.write(f"  back office  planning {planning}")
            self.stdout.write(f"  back office  objections {objections}")

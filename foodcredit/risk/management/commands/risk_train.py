"""`manage.py risk_train --until DATE [--kind lightgbm|scorecard] [--activate] [--force-reason TEXT]`.

Trains on the records before DATE and registers the model (artifact, window, metrics, features, hash), with its
specification's backtest on the last complete year before DATE (trained strictly before its start). The first model
registered becomes active; later ones are candidates until activated (refused when their backtest is worse than the
active model's on the same window, unless forced with a reason).
"""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from foodcredit.core.errors import DomainError
from foodcredit.risk import services as risk_services
from foodcredit.risk import training


class Command(BaseCommand):
    help = "Train a credit-risk model on the records before --until and register it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--until", type=date.fromisoformat, required=True, help="train on records before this date")
        parser.add_argument("--kind", choices=["lightgbm", "scorecard"], default="lightgbm")
        parser.add_argument("--activate", action="store_true", help="make it the model in use")
        parser.add_argument("--force-reason", default="", help="activate even if it evaluates worse, for this reason")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            fitted = training.model_fit(kind=options["kind"], until=options["until"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("risk_train: backtesting the specification on the last complete year …")
        fitted.metrics["backtest"] = training.spec_backtest(kind=options["kind"], until=options["until"])
        try:
            model = risk_services.model_register(fitted=fitted, actor=None)
        except DomainError as exc:  # e.g. the very same model (same hash) is registered already
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            f"risk_train: registered {model.version} ({model.get_status_display()}), trained before {model.trained_until}, "
            f"validation AUC {model.metrics['auc']}, {model.metrics['rows']} rows, sha256 {model.sha256[:12]}…"
        )
        backtest = model.metrics["backtest"]
        self.stdout.write(
            f"risk_train: backtest AUC {backtest['auc']} on {backtest['operators']} operators, {backtest['horizon_days']} "
            f"days from {backtest['as_of']}"
            if backtest
            else "risk_train: not enough history for a backtest (activation over another model will need a reason)"
        )
        if options["activate"] or options["force_reason"]:
            try:
                risk_services.model_activate(model=model, actor=None, force_reason=options["force_reason"])
            except DomainError as exc:
                raise CommandError(str(exc.message)) from exc
            self.stdout.write(f"risk_train: {model.version} is now active")

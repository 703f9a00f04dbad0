"""`manage.py risk_train --until DATE [--kind auto|logistic|lightgbm|scorecard] [--activate] [--force-reason TEXT]`.

Trains on the records before DATE and registers the model (artifact, window, metrics, features, hash), with its
specification's backtest on the last complete year before DATE (trained strictly before its start). `auto` (the
default) compares the candidates by rolling-origin backtests on this ledger (risk.selection) and registers the best,
with the comparison in its metrics. The first model registered becomes active unless it is refused (backtest AUC
below 0.55, or more than 95 % of operators in one class); later ones are candidates until activated (refused when
their backtest is worse than the active model's on the same window, unless forced with a reason).
"""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from foodcredit.core.errors import DomainError
from foodcredit.risk import registry, selection, training
from foodcredit.risk import services as risk_services


class Command(BaseCommand):
    help = "Train a credit-risk model on the records before --until and register it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--until", type=date.fromisoformat, required=True, help="train on records before this date")
        parser.add_argument("--kind", choices=["auto", "logistic", "lightgbm", "scorecard"], default="auto")
        parser.add_argument("--activate", action="store_true", help="make it the model in use")
        parser.add_argument("--force-reason", default="", help="activate even if it evaluates worse, for this reason")

    def handle(self, *args: Any, **options: Any) -> None:
        kind, until = options["kind"], options["until"]
        try:
            if kind == "auto":
                self.stdout.write("risk_train: comparing the candidates by rolling-origin backtests …")
                fitted = selection.model_select(until=until)
                for row in fitted.metrics["selection"]["candidates"]:
                    self.stdout.write(f"  {row['name']:<32} mean AUC {row['mean_auc']}  folds {row['fold_aucs']}")
                self.stdout.write(f"risk_train: chosen {fitted.metrics['selection']['chosen']}")
            else:
                fitted = training.model_fit(kind=kind, until=until)
                self.stdout.write("risk_train: backtesting the specification on the last complete year …")
                fitted.metrics["backtest"] = training.spec_backtest(kind=kind, until=until)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
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
        refusal = registry.quality_refusal(model)
        if refusal is not None:
            self.stdout.write(f"risk_train: {model.version} cannot be activated ({refusal[0]}: {refusal[1]})")
        if options["activate"] or options["force_reason"]:
            try:
                risk_services.model_activate(model=model, actor=None, force_reason=options["force_reason"])
            except DomainError as exc:
                raise CommandError(str(exc.message)) from exc
            self.stdout.write(f"risk_train: {model.version} is now active")

from django.apps import AppConfig


class PenaltiesConfig(AppConfig):
    name = "foodcredit.penalties"
    label = "penalties"
    verbose_name = "行政处罚"

    def ready(self) -> None:
        # Credit reads the records its ledger refers to through this registration, not by naming this app.
        from foodcredit.credit.models import LedgerEntry
        from foodcredit.credit.records import record_model_register

        from .models import Penalty

        record_model_register(ledger_kind=LedgerEntry.Kind.PENALTY, model=Penalty)

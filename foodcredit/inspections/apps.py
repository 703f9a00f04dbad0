from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "foodcredit.inspections"
    label = "inspections"
    verbose_name = "监督检查"

    def ready(self) -> None:
        # Credit reads the records its ledger refers to through this registration, not by naming this app.
        from foodcredit.credit.models import LedgerEntry
        from foodcredit.credit.records import record_model_register

        from .models import Inspection

        record_model_register(ledger_kind=LedgerEntry.Kind.INSPECTION, model=Inspection, staff_prefetch=("inspectors",))

from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "foodcredit.complaints"
    label = "complaints"
    verbose_name = "投诉举报"

    def ready(self) -> None:
        # Credit reads the records its ledger refers to through this registration, not by naming this app.
        from foodcredit.credit.models import LedgerEntry
        from foodcredit.credit.records import record_model_register

        from .models import Complaint

        record_model_register(ledger_kind=LedgerEntry.Kind.COMPLAINT, model=Complaint)

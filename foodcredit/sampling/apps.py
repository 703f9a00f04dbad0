from django.apps import AppConfig


class SamplingConfig(AppConfig):
    name = "foodcredit.sampling"
    label = "sampling"
    verbose_name = "监督抽检"

    def ready(self) -> None:
        # Credit reads the records its ledger refers to through this registration, not by naming this app.
        from foodcredit.credit.models import LedgerEntry
        from foodcredit.credit.records import record_model_register

        from .models import SamplingTest

        record_model_register(ledger_kind=LedgerEntry.Kind.SAMPLING_TEST, model=SamplingTest)

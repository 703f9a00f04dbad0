from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "foodcredit.licences"
    label = "licences"
    verbose_name = "许可"

    def ready(self) -> None:
        # Credit reads the records its ledger refers to through this registration, not by naming this app.
        from foodcredit.credit.models import LedgerEntry
        from foodcredit.credit.records import record_model_register

        from .models import Licence

        record_model_register(ledger_kind=LedgerEntry.Kind.LICENCE, model=Licence)

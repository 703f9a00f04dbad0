from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "foodcredit.credit"
    label = "credit"
    verbose_name = "信用档案"

    def ready(self) -> None:
        # The bulk engine (core) appends ledger entries with credit's writer instead of naming credit's table.
        from foodcredit.core import bulk

        from .services.ledger_bulk import ledger_bulk_writer

        bulk.ledger_writer_register(ledger_bulk_writer)

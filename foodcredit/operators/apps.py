from django.apps import AppConfig


class OperatorsConfig(AppConfig):
    name = "foodcredit.operators"
    label = "operators"
    verbose_name = "经营主体"

    def ready(self) -> None:
        # The bulk engine (core) attributes records to operators by USCC without naming operators' table.
        from foodcredit.core import bulk

        from .models import Operator

        bulk.operator_table_register(table=Operator._meta.db_table)

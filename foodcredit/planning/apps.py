from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "foodcredit.planning"
    label = "planning"
    verbose_name = "双随机抽查"

    def ready(self) -> None:
        from foodcredit.core.events import ledger_entry_appended

        from . import receivers

        ledger_entry_appended.connect(receivers.ledger_entry_appended_received, dispatch_uid="planning.triggers")

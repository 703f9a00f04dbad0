from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "foodcredit.alerts"
    label = "alerts"
    verbose_name = "监测预警"

    def ready(self) -> None:
        from foodcredit.core.events import ledger_entry_appended

        from . import receivers

        ledger_entry_appended.connect(receivers.ledger_entry_appended_received, dispatch_uid="alerts.check")

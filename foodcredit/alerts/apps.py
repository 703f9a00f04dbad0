from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "foodcredit.alerts"
    label = "alerts"
    verbose_name = "监测预警"

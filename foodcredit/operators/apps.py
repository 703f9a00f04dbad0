from django.apps import AppConfig


class OperatorsConfig(AppConfig):
    name = "foodcredit.operators"
    label = "operators"
    verbose_name = "经营主体"

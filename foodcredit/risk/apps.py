from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "foodcredit.risk"
    label = "risk"
    verbose_name = "信用风险分类"

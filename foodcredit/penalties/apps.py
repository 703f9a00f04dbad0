from django.apps import AppConfig


class PenaltiesConfig(AppConfig):
    name = "foodcredit.penalties"
    label = "penalties"
    verbose_name = "行政处罚"

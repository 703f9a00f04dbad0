from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "foodcredit.office"
    label = "office"
    verbose_name = "监管后台"

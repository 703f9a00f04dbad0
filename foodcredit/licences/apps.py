from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "foodcredit.licences"
    label = "licences"
    verbose_name = "许可"

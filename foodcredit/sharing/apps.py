from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "foodcredit.sharing"
    label = "sharing"
    verbose_name = "信息共享"

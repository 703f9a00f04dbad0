from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "foodcredit.core"
    label = "core"
    verbose_name = "核心"

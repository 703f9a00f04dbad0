from django.apps import AppConfig


class ObjectionsConfig(AppConfig):
    name = "foodcredit.objections"
    label = "objections"
    verbose_name = "异议申诉"

from django.apps import AppConfig


class SamplingConfig(AppConfig):
    name = "foodcredit.sampling"
    label = "sampling"
    verbose_name = "监督抽检"

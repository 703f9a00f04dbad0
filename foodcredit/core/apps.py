from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "foodcredit.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from .choice_labels import displays_translate

        displays_translate()  # choice labels in the reader's language wherever get_<field>_display() shows them

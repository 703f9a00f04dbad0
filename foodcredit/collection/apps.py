from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "foodcredit.collection"
    label = "collection"
    verbose_name = "数据归集"

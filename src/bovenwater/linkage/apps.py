from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "bovenwater.linkage"
    label = "linkage"
    verbose_name = "Koppeling van lijsten (PPRL)"

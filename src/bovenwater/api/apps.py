from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "bovenwater.api"
    verbose_name = "API"

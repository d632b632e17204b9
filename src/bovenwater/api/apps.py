from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "bovenwater.api"
    verbose_name = "API"

    def ready(self) -> None:
        from bovenwater.api import schema  # noqa: PLC0415, F401  (registers the OpenAPI extensions)

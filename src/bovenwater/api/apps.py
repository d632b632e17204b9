from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "bovenwater.api"
    verbose_name = "API"

    def ready(self) -> None:
        from bovenwater.api import schema  # noqa: F401  (registers the OpenAPI extensions)

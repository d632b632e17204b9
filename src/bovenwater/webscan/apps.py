from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    """The platform side of the webscan engine (``bovenwater.adscan``)."""

    name = "bovenwater.webscan"
    label = "webscan"
    verbose_name = _("Webscan advertenties")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibConfig(AppConfig):
    """The kernel as an app only for its one table (``IdempotencyRecord``)."""

    name = "bovenwater.lib"
    label = "lib"
    verbose_name = _("Kern")

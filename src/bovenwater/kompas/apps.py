from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KompasConfig(AppConfig):
    name = "bovenwater.kompas"
    verbose_name = _("Kompas")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "bovenwater.registry"
    verbose_name = _("Landelijke registratie")

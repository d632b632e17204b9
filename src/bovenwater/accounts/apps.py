from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "bovenwater.accounts"
    verbose_name = _("Organisaties en gebruikers")

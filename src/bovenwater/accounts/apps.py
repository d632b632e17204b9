from django.apps import AppConfig
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _

from bovenwater.accounts.lockout import count_failure


class AccountsConfig(AppConfig):
    name = "bovenwater.accounts"
    verbose_name = _("Organisaties en gebruikers")

    def ready(self) -> None:
        user_login_failed.connect(count_failure, dispatch_uid="bovenwater-login-address")

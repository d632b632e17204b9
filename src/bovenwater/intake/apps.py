from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _add_default_rules(**kwargs: Any) -> None:
    """The rules by form of exploitation need the forms: add them once they are loaded."""
    from bovenwater.intake.defaults import ensure_default_rules  # noqa: PLC0415 - models load only after the app registry is ready
    from bovenwater.intake.models import RoutingRule  # noqa: PLC0415 - models load only after the app registry is ready
    from bovenwater.reference.models import ExploitationForm  # noqa: PLC0415 - models load only after the app registry is ready

    ensure_default_rules(RoutingRule, ExploitationForm)


class IntakeConfig(AppConfig):
    name = "bovenwater.intake"
    verbose_name = _("Signalen")

    def ready(self) -> None:
        from bovenwater.reference.loader import reference_data_loaded  # noqa: PLC0415 - models load only after the app registry is ready

        reference_data_loaded.connect(_add_default_rules, dispatch_uid="intake-default-rules")

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from bovenwater.audit.scheduling import Job, register

if TYPE_CHECKING:
    from bovenwater.audit.retention import SweepReport


def _add_default_rules(**kwargs: Any) -> None:
    """The rules by form of exploitation need the forms: add them once they are loaded."""
    from bovenwater.intake.defaults import ensure_default_rules  # noqa: PLC0415 - models load only after the app registry is ready
    from bovenwater.intake.models import RoutingRule  # noqa: PLC0415 - models load only after the app registry is ready
    from bovenwater.reference.models import ExploitationForm  # noqa: PLC0415 - models load only after the app registry is ready

    ensure_default_rules(RoutingRule, ExploitationForm)


def _retention() -> dict[str, int]:
    return _sweep(dry_run=False).counts()


def _sweep(
    *, organisation_id: int | None = None, now: datetime | None = None, dry_run: bool = True
) -> SweepReport:
    """The signal sweep; a signal is kept while its case exists (asked of cases)."""
    from bovenwater.cases.services import existing_case_numbers  # noqa: PLC0415
    from bovenwater.intake.retention import sweep_signals  # noqa: PLC0415

    return sweep_signals(
        case_exists=existing_case_numbers,
        now=now,
        dry_run=dry_run,
        organisation_id=organisation_id,
    )


class IntakeConfig(AppConfig):
    name = "bovenwater.intake"
    verbose_name = _("Signalen")

    def ready(self) -> None:
        from bovenwater.reference.loader import reference_data_loaded  # noqa: PLC0415 - models load only after the app registry is ready

        reference_data_loaded.connect(_add_default_rules, dispatch_uid="intake-default-rules")
        register(
            Job(
                "signal_retention",
                _("Bewaartermijn afgehandelde signalen"),
                _retention,
                lambda: CronTrigger(hour=3, minute=45),
                lambda: str(_("dagelijks om 03.45 uur")),
                {
                    "signals_deleted": _("signalen verwijderd"),
                    "signals_held": _("signalen aangehouden (casus bestaat nog)"),
                    "signals_failed": _("signalen niet gelukt (volgende keer opnieuw)"),
                    "rows_deleted": _("bijbehorende regels verwijderd"),
                    "files_deleted": _("bijlagen verwijderd"),
                },
                preview=_sweep,
            )
        )

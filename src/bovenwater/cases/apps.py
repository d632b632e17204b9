from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from bovenwater.audit.scheduling import Job, register

if TYPE_CHECKING:
    from bovenwater.audit.retention import SweepReport

# The case models load only after the app registry is ready: the functions below import
# the services when they run.


def _retention() -> dict[str, int]:
    from bovenwater.cases.services import sweep_closed_cases  # noqa: PLC0415

    return sweep_closed_cases().counts()


def _retention_preview(
    *, organisation_id: int | None = None, now: datetime | None = None
) -> SweepReport:
    from bovenwater.cases.services import sweep_closed_cases  # noqa: PLC0415

    return sweep_closed_cases(now=now, dry_run=True, organisation_id=organisation_id)


def _deadline_notices() -> dict[str, int]:
    from bovenwater.cases.services import deadline_notices_send  # noqa: PLC0415

    return {"notices": deadline_notices_send()}


class CasesConfig(AppConfig):
    name = "bovenwater.cases"
    verbose_name = _("Casussen en zorgcoördinatie")

    def ready(self) -> None:
        register(
            Job(
                "case_retention",
                _("Bewaartermijn afgesloten casussen"),
                _retention,
                lambda: CronTrigger(hour=3, minute=30),
                lambda: str(_("dagelijks om 03.30 uur")),
                {
                    "cases_deleted": _("casussen verwijderd"),
                    "cases_held": _("casussen aangehouden (lopende maatregel)"),
                    "cases_failed": _("casussen niet gelukt (volgende keer opnieuw)"),
                    "rows_deleted": _("bijbehorende regels verwijderd"),
                    "files_deleted": _("bijlagen verwijderd"),
                },
                preview=_retention_preview,
            )
        )
        register(
            Job(
                "case_deadline_notices",
                _("Meldingen van termijnen (taken en B8-bedenktijd)"),
                _deadline_notices,
                lambda: CronTrigger(hour=6, minute=0),
                lambda: str(_("dagelijks om 06.00 uur")),
                {"notices": _("meldingen gemaakt")},
            )
        )

from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from bovenwater.audit.scheduling import Job, register


def _retention() -> dict[str, int]:
    # Lazy: the models load only after the app registry is ready.
    from bovenwater.webscan.jobs import retention_apply  # noqa: PLC0415

    report = retention_apply()
    return {"ads_deleted": report.ads_deleted, "networks_pruned": report.networks_pruned}


class ScreeningConfig(AppConfig):
    """The platform side of the webscan engine (``bovenwater.adscan``)."""

    name = "bovenwater.webscan"
    label = "webscan"
    verbose_name = _("Webscan advertenties")

    def ready(self) -> None:
        register(
            Job(
                "webscan_retention",
                _("Bewaartermijn webscan-advertenties"),
                _retention,
                lambda: CronTrigger(hour=3, minute=0),
                lambda: str(_("dagelijks om 03.00 uur")),
                {
                    "ads_deleted": _("advertenties verwijderd"),
                    "networks_pruned": _("netwerken tot aantallen teruggebracht"),
                },
            )
        )

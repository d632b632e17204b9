from typing import Any

from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from bovenwater.audit.scheduling import Job, register
from bovenwater.registry.signals import registrations_committed

# The monitor's models load only after the app registry is ready: the functions below
# import the monitor's modules when they run.


def _fill_on_new_registrations(**_kwargs: Any) -> None:
    from bovenwater.monitor.tasks import enqueue_fill  # noqa: PLC0415

    enqueue_fill()


def _open_data_release() -> dict[str, int]:
    from bovenwater.monitor.fill import fill_counts  # noqa: PLC0415
    from bovenwater.monitor.opendata import release_create  # noqa: PLC0415

    fill_counts()
    release = release_create()
    return {"release": release.pk}


class MonitorConfig(AppConfig):
    name = "bovenwater.monitor"
    verbose_name = _("Monitor aard en omvang")

    def ready(self) -> None:
        # The registry announces committed registrations; the monitor counts them.
        registrations_committed.connect(
            _fill_on_new_registrations, dispatch_uid="monitor-fill-on-new-registrations"
        )
        register(
            Job(
                "open_data_release",
                _("Open-data-publicatie"),
                _open_data_release,
                lambda: CronTrigger(day=1, hour=4, minute=0),
                lambda: str(_("maandelijks op de eerste om 04.00 uur")),
                {"release": _("publicatienummer")},
            )
        )

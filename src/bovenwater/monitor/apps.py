from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _fill_on_new_registrations(**_kwargs: Any) -> None:
    from bovenwater.monitor.tasks import enqueue_fill

    enqueue_fill()


class MonitorConfig(AppConfig):
    name = "bovenwater.monitor"
    verbose_name = _("Monitor aard en omvang")

    def ready(self) -> None:
        # The registry announces committed registrations; the monitor counts them.
        from bovenwater.registry.signals import registrations_committed

        registrations_committed.connect(
            _fill_on_new_registrations, dispatch_uid="monitor-fill-on-new-registrations"
        )

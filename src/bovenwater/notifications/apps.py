from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from bovenwater.audit.scheduling import Job, register


def _digest() -> dict[str, int]:
    # Lazy: the models load only after the app registry is ready. Via the task queue,
    # like every notice e-mail (the worker sends it).
    from bovenwater.notifications.tasks import send_daily_digest  # noqa: PLC0415

    send_daily_digest.enqueue()
    return {"queued": 1}


class NotificationsConfig(AppConfig):
    name = "bovenwater.notifications"
    verbose_name = _("Meldingen")

    def ready(self) -> None:
        register(
            Job(
                "notification_digest",
                _("Dagelijks overzicht van meldingen per e-mail"),
                _digest,
                lambda: CronTrigger(hour=7, minute=0),
                lambda: str(_("dagelijks om 07.00 uur")),
                {"queued": _("e-mailtaken klaargezet")},
            )
        )

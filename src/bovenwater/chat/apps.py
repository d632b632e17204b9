from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from bovenwater.audit.scheduling import Job, register


def _retention() -> dict[str, int]:
    # Lazy: the models load only after the app registry is ready.
    from bovenwater.chat.services import retention_run  # noqa: PLC0415

    result = retention_run()
    return {
        "transcripts_deleted": result.deleted,
        "transcripts_masked": result.masked,
        "messages_deleted": result.pickups_deleted,
        "blocks_deleted": result.blocks_deleted,
    }


class ChatConfig(AppConfig):
    name = "bovenwater.chat"
    verbose_name = _("Chat voor jongeren")

    def ready(self) -> None:
        register(
            Job(
                "chat_retention",
                _("Bewaartermijn chatgesprekken"),
                _retention,
                lambda: CronTrigger(hour=3, minute=15),
                lambda: str(_("dagelijks om 03.15 uur")),
                {
                    "transcripts_deleted": _("gesprekken verwijderd"),
                    "transcripts_masked": _("gesprekken afgeschermd"),
                    "messages_deleted": _("berichten verwijderd"),
                    "blocks_deleted": _("blokkades opgeheven"),
                },
            )
        )

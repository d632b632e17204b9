from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]
from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bovenwater.audit.scheduling import Job, register


def _anchor() -> dict[str, int]:
    # Lazy: the log's models load only after the app registry is ready.
    from bovenwater.audit.anchor import anchor_now  # noqa: PLC0415
    from bovenwater.audit.jobs import chain_pending  # noqa: PLC0415

    sealed = chain_pending()
    anchor = anchor_now()
    return {"sealed": sealed, "anchored_position": anchor.seq}


class AuditConfig(AppConfig):
    name = "bovenwater.audit"
    verbose_name = _("Verwerkingslogboek")

    def ready(self) -> None:
        register(
            Job(
                "processing_log_anchor",
                _("Verwerkingslogboek verzegelen en verankeren"),
                _anchor,
                lambda: IntervalTrigger(minutes=settings.PROCESSING_LOG_ANCHOR_MINUTES),
                lambda: (
                    _("elke %(minutes)s minuten")
                    % {"minutes": settings.PROCESSING_LOG_ANCHOR_MINUTES}
                ),
                {"sealed": _("regels verzegeld"), "anchored_position": _("verankerd tot regel")},
            )
        )

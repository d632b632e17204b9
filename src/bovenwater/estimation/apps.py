from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from bovenwater.lib.tasks import task_abandoned


def _on_task_abandoned(*, task_path: str, args: list[Any], **kwargs: Any) -> None:
    """A killed worker left an estimate running: hand it to the service that ends it."""
    if task_path == "bovenwater.estimation.tasks.run_estimate" and args:
        from bovenwater.estimation.services import run_mark_abandoned  # noqa: PLC0415 - models load only after the app registry is ready

        run_mark_abandoned(run_id=int(args[0]))


class EstimationConfig(AppConfig):
    name = "bovenwater.estimation"
    verbose_name = _("Schatting verborgen aantal")

    def ready(self) -> None:
        task_abandoned.connect(_on_task_abandoned, dispatch_uid="estimation-abandoned")

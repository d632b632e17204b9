"""The shell's own tables: the heartbeat of the background-task workers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One running task worker (``manage.py run_worker``), renewed every few seconds.

    A task that is still *running* while its worker's heartbeat has gone stale was
    abandoned (the process was killed or lost its host) and is ended as such by the next
    worker that sweeps (``core.worker.sweep_abandoned``).
    """

    worker_id = models.CharField(_("werker"), max_length=64, primary_key=True)
    hostname = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("proces-id"))
    queues = models.CharField(_("wachtrijen"), max_length=200)
    started_at = models.DateTimeField(_("gestart op"), auto_now_add=True)
    seen_at = models.DateTimeField(_("laatst gezien"), db_index=True)

    class Meta:
        verbose_name = _("achtergrondwerker")
        verbose_name_plural = _("achtergrondwerkers")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"

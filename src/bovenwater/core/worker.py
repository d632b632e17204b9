"""The background-task worker that keeps working (``manage.py run_worker``).

It runs the database queue of ``django-tasks-db`` like its ``db_worker``, and adds:

- **Reconnect with backoff.** A database error while looking for work (PostgreSQL
  restarted, the network dropped) closes the connection and retries after 0.5 s,
  1 s, 2 s, … at most ``MAX_BACKOFF`` seconds, instead of ending the process. A task
  whose outcome could not be written because the database went away is recorded as
  failed as soon as the database is back.
- **Heartbeat.** A thread renews the worker's ``WorkerHeartbeat`` row every
  ``heartbeat`` seconds, also while a long task runs.
- **Abandoned tasks.** Every worker sweeps the queue: a task still *running* whose
  worker's heartbeat is older than ``stale_after`` seconds (the process was killed)
  is ended as failed with ``TaskAbandoned``, and ``task_abandoned`` is sent so the
  owning app can show it (the estimation app marks its run *abandoned*).

Which queues a worker takes is its ``--queue-name``; ``bovenwater.launch`` runs one
worker for the long ``default`` queue and one for ``audit`` and ``notifications``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from datetime import timedelta
from typing import Any

from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from bovenwater.core.models import WorkerHeartbeat
from bovenwater.lib.tasks import task_abandoned

logger = logging.getLogger("bovenwater.worker")
Result = DBTaskResult[Any, Any]

MAX_BACKOFF = 30.0
ABANDONED_PATH = "bovenwater.core.worker.TaskAbandoned"
ABANDONED_TEXT = (
    "The task was abandoned: its worker stopped sending a heartbeat while it ran "
    "(the process was killed or its host went away)."
)


class TaskAbandoned(Exception):
    """The class recorded for a task whose worker died while it ran."""


def new_worker_id() -> str:
    return f"{socket.gethostname()[:24]}-{os.getpid()}-{get_random_string(12)}"


def _close_connection() -> None:
    # the connection may already be broken; the next query opens a new one
    with contextlib.suppress(DatabaseError):
        connection.close()


def beat(*, worker_id: str, queues: str) -> None:
    """Renew (or create) this worker's heartbeat row."""
    now = timezone.now()
    if not WorkerHeartbeat.objects.filter(pk=worker_id).update(seen_at=now):
        WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            hostname=socket.gethostname()[:255],
            pid=os.getpid(),
            queues=queues[:200],
            seen_at=now,
        )


def sweep_abandoned(*, backend_name: str, stale_after: float) -> int:
    """End every running task whose worker's heartbeat is stale; returns how many."""
    now = timezone.now()
    stale = now - timedelta(seconds=stale_after)
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=stale).values_list("worker_id", flat=True)
    )
    ended = 0
    running = DBTaskResult.objects.running().filter(backend_name=backend_name)
    for result in running.only("id", "worker_ids", "started_at", "task_path", "args_kwargs"):
        if result.worker_ids and result.worker_ids[-1] in alive:
            continue
        if result.started_at is not None and result.started_at > stale:
            continue  # claimed a moment ago; its worker may not have beaten yet
        changed = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=ABANDONED_PATH,
            traceback=ABANDONED_TEXT,
            return_value=None,
        )
        if not changed:
            continue
        ended += 1
        logger.warning("Task %s (%s) abandoned", result.pk, result.task_path)
        task_abandoned.send(
            sender=TaskAbandoned,
            task_path=result.task_path,
            args=result.args_kwargs.get("args", []),
            kwargs=result.args_kwargs.get("kwargs", {}),
        )
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()
    return ended


class ResilientWorker(Worker):
    def __init__(self, *, heartbeat: float, stale_after: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.heartbeat = heartbeat
        self.stale_after = stale_after
        self._stop = threading.Event()
        self._unrecorded: tuple[Result, BaseException] | None = None
        self._last_sweep = 0.0

    # -- heartbeat ---------------------------------------------------------------
    def _beat(self) -> None:
        beat(worker_id=self.worker_id, queues=",".join(self.queue_names))

    def _beat_forever(self) -> None:
        while not self._stop.wait(self.heartbeat):
            try:
                close_old_connections()
                self._beat()
            except DatabaseError as exc:
                logger.warning("Heartbeat failed (%s); next try in %.0f s", exc, self.heartbeat)
                _close_connection()
        _close_connection()

    # -- the loop ----------------------------------------------------------------
    def _claim_next(self) -> Result | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            result = tasks.get_locked()
            if result is not None:
                result.claim(self.worker_id)
        return result

    def _step(self) -> Result | None:
        close_old_connections()
        if self._unrecorded is not None:
            result, exc = self._unrecorded
            result.set_failed(exc)
            self._unrecorded = None
        now = time.monotonic()
        if now - self._last_sweep >= self.heartbeat:
            self._beat()
            sweep_abandoned(backend_name=self.backend_name, stale_after=self.stale_after)
            self._last_sweep = now
        return self._claim_next()

    def run_task(self, db_task_result: Result) -> None:
        try:
            super().run_task(db_task_result)
        except DatabaseError as exc:  # the outcome could not be written: record it later
            logger.warning("Task %s: outcome not recorded (%s)", db_task_result.pk, exc)
            self._unrecorded = (db_task_result, exc)
            _close_connection()

    def run(self) -> None:
        logger.info("Worker %s on queues %s", self.worker_id, ",".join(self.queue_names))
        thread = threading.Thread(target=self._beat_forever, name="heartbeat", daemon=True)
        thread.start()
        backoff = 0.0
        try:
            while self.running:
                try:
                    result = self._step()
                except DatabaseError as exc:
                    backoff = min(MAX_BACKOFF, max(0.5, backoff * 2))
                    logger.warning("Database unavailable (%s); retry in %.1f s", exc, backoff)
                    _close_connection()
                    time.sleep(backoff)
                    continue
                if backoff:
                    logger.warning("Database available again")
                    backoff = 0.0
                if result is not None:
                    self.run_task(result)
                    if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                        return
                elif self.batch:
                    return
                elif self.running:
                    time.sleep(self.interval)
        finally:
            self._stop.set()
            thread.join(timeout=self.heartbeat + 1)
            # if the database is away, the row goes stale and a later sweep removes it
            with contextlib.suppress(DatabaseError):
                WorkerHeartbeat.objects.filter(pk=self.worker_id).delete()

"""The register of privacy jobs: what runs by itself, on which schedule.

audit imports no domain app: each app that has a job (a retention sweep, a release)
registers it here in its ``AppConfig.ready()``, and audit's scheduler
(``audit/privacy_jobs.py``) runs whatever is registered. Data flows one way: the apps
know audit, audit does not know them. This module loads no models, so an app's
``apps.py`` may import it at its top.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from apscheduler.triggers.base import BaseTrigger  # type: ignore[import-untyped]
from django.utils.functional import Promise

if TYPE_CHECKING:
    from datetime import datetime

    from bovenwater.audit.retention import SweepReport


class Preview(Protocol):
    """A dry run of a retention sweep: what would go now (counts only, nothing written)."""

    def __call__(
        self, *, organisation_id: int | None = None, now: datetime | None = None
    ) -> SweepReport: ...


@dataclass(frozen=True)
class Job:
    """One privacy job. ``run`` does the work and returns counts only (no personal data);
    ``count_labels`` names each count for the privacy officer."""

    name: str
    label: Promise
    run: Callable[[], dict[str, int]]
    trigger: Callable[[], BaseTrigger]
    schedule_text: Callable[[], str]  # in words, for the privacy officer
    count_labels: Mapping[str, Promise] = field(default_factory=dict)
    preview: Preview | None = None  # retention sweeps that can show what they would remove

    @property
    def schedule(self) -> str:
        return self.schedule_text()


class JobNameTaken(ValueError):
    """Two different jobs under one name."""


_JOBS: dict[str, Job] = {}


def register(job: Job) -> None:
    """Add ``job`` to the register. Registering a job of the same name from the same
    module again (``ready()`` run twice) replaces it; another module's is refused."""
    existing = _JOBS.get(job.name)
    if existing is not None and existing.run.__module__ != job.run.__module__:
        raise JobNameTaken(
            f"privacy job {job.name!r} is registered by {existing.run.__module__} already"
        )
    _JOBS[job.name] = job


def registered_jobs() -> tuple[Job, ...]:
    """Every registered job, in the order of INSTALLED_APPS (the order of registration)."""
    return tuple(_JOBS.values())


def job_named(name: str) -> Job:
    """The registered job ``name`` (KeyError when there is none)."""
    return _JOBS[name]

"""The write path of estimation: request a run, and compute it (in a background task)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.estimation.models import CIMethod, EstimateRun, Method, Status
from bovenwater.estimation.overlap import OverlapTable
from bovenwater.estimation.selectors import is_national, overlap_tables_for
from bovenwater.estimation.tasks import run_estimate
from bovenwater.mse import ENGINE_VERSION

PURPOSE = Purpose.REGISTRATION
MAX_SEED = 2**62


@transaction.atomic
def run_request(
    *,
    actor: Actor,
    method: str = Method.BIC,
    max_order: int = 2,
    p_threshold: float = 0.02,
    bootstrap: int = 0,
    seed: int | None = None,
    ci: str | None = None,
    form: str = "",
    enqueue: bool = True,
) -> EstimateRun:
    """Store a new run with its overlap tables and queue its computation.

    Without a seed a random one is drawn and stored, so every run is reproducible.
    ``ci`` defaults to profile likelihood without bootstrap and BCa with it.
    """
    if not actor.has(Permission.RUN_ESTIMATES):
        raise PermissionDenied
    if ci is None:
        ci = CIMethod.BCA if bootstrap > 0 else CIMethod.PROFILE
    tables = overlap_tables_for(actor=actor, purpose=PURPOSE, form=form)
    if not tables:
        raise ValidationError(
            _("Er zijn geen registraties binnen uw bereik om een schatting op te baseren."),
            code="no_registrations",
        )
    run = EstimateRun.objects.create(
        organisation=actor.organisation,
        requested_by=actor.user,
        national=is_national(actor),
        form=form,
        inputs={"tables": {year: t.to_json() for year, t in tables.items()}},
        method=method,
        max_order=max_order,
        p_threshold=p_threshold,
        bootstrap=bootstrap,
        seed=seed if seed is not None else secrets.randbelow(MAX_SEED),
        ci_method=ci,
        engine_version=ENGINE_VERSION,
    )
    log_processing(
        actor=actor,
        action=Action.CREATE,
        object_type="estimation.estimaterun",
        object_id=run.pk,
        purpose=PURPOSE,
        details={**run.settings_dict(), "form": form, "years": sorted(tables)},
    )
    if enqueue:
        # Enqueued in the same transaction: the database queue sees the task only
        # when the run exists (the immediate backend of the tests runs it here).
        run_estimate.enqueue(run.pk)
    return run


@transaction.atomic
def run_request_from_overlap(
    *,
    actor: Actor,
    year: str,
    lists: Sequence[str],
    counts: Sequence[int],
    origin_label: str,
    origin_id: int,
    enqueue: bool = True,
) -> int:
    """An estimate from an overlap table of linked lists ("schatting uit gekoppelde
    lijsten"): counts only, stepwise selection with a profile interval. Returns its id.
    """
    if not actor.has(Permission.RUN_ESTIMATES):
        raise PermissionDenied
    table = OverlapTable(tuple(lists), tuple(int(c) for c in counts)).active()
    if len(table.lists) < 2:
        raise ValidationError(
            _("Een schatting vraagt minstens twee lijsten met personen."), code="too_few_lists"
        )
    run = EstimateRun.objects.create(
        organisation=actor.organisation,
        requested_by=actor.user,
        national=is_national(actor),
        inputs={"tables": {year: table.to_json()}},
        method=Method.STEPWISE,
        max_order=2,
        p_threshold=0.02,
        bootstrap=0,
        seed=secrets.randbelow(MAX_SEED),
        ci_method=CIMethod.PROFILE,
        engine_version=ENGINE_VERSION,
        origin_label=origin_label[:200],
        linkage_run_id=origin_id,
    )
    log_processing(
        actor=actor,
        action=Action.CREATE,
        object_type="estimation.estimaterun",
        object_id=run.pk,
        purpose=PURPOSE,
        details={**run.settings_dict(), "origin": "linkage", "linkage_run": origin_id},
    )
    if enqueue:
        run_estimate.enqueue(run.pk)
    return run.pk


def run_mark_abandoned(*, run_id: int) -> bool:
    """The worker running ``run_id`` died (``core.worker.sweep_abandoned``): the run ends
    as *abandoned*, so its page explains that and offers a retry. System work, no actor."""
    return bool(
        EstimateRun.objects.filter(pk=run_id, status__in=(Status.QUEUED, Status.RUNNING)).update(
            status=Status.ABANDONED, finished_at=timezone.now()
        )
    )


@transaction.atomic
def run_retry(*, actor: Actor, run: EstimateRun) -> EstimateRun:
    """Queue a failed or abandoned run again, with its stored inputs and settings."""
    if not actor.has(Permission.RUN_ESTIMATES) or run.organisation_id != actor.organisation.pk:
        raise PermissionDenied
    changed = EstimateRun.objects.filter(
        pk=run.pk, status__in=(Status.FAILED, Status.ABANDONED)
    ).update(
        status=Status.QUEUED, progress=0, error="", result={}, started_at=None, finished_at=None
    )
    if not changed:
        raise ValidationError(
            _("Deze schatting loopt al of is klaar; opnieuw starten is niet nodig."),
            code="not_retryable",
        )
    log_processing(
        actor=actor,
        action=Action.UPDATE,
        object_type="estimation.estimaterun",
        object_id=run.pk,
        purpose=PURPOSE,
        details={"retry": True},
    )
    run_estimate.enqueue(run.pk)
    run.refresh_from_db()
    return run

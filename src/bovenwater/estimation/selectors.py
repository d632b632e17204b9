"""Access-checked reads for hidden-number estimates.

The overlap tables are built from pseudonymised registry rows, but only counts per
capture pattern leave :func:`overlap_tables_for`; the read is written to the
processing log. National bodies (CoMensha, the Nationaal Rapporteur) read the whole
registration; any other organisation only what it reported itself (the registry's
scope). Stored runs hold counts only: a run of a national body is a national statistic
that every holder of ``VIEW_ESTIMATES`` may read; other runs stay in their organisation.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing, refuse
from bovenwater.estimation.models import EstimateRun, Status
from bovenwater.estimation.overlap import OverlapTable, overlap_tables
from bovenwater.linkage.registry_counts import person_keys
from bovenwater.registry.selectors import NATIONAL_KINDS, registrations_in_scope


def is_national(actor: Actor) -> bool:
    return actor.organisation.kind in NATIONAL_KINDS


def overlap_tables_for(
    *, actor: Actor, purpose: Purpose, form: str = ""
) -> dict[str, OverlapTable]:
    """Per year, the overlap of the melder lists over the actor's registrations."""
    if not actor.has(Permission.RUN_ESTIMATES):
        raise PermissionDenied
    registrations = registrations_in_scope(actor)
    if form:
        registrations = registrations.filter(forms__code=form)
    rows = registrations.values_list(
        "registration_date__year", "person__pseudonym", "melder_type"
    ).distinct()
    # counted by linked person after the registry's latest de-duplication run, if any
    keys = person_keys(actor=actor, use="estimate_overlap")
    people = rows if keys is None else ((y, keys.key(p), m) for y, p, m in rows)
    tables = {str(year): table for year, table in overlap_tables(people).items()}
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="registry.registration",
        object_id=f"estimation-overlap:{form or 'all'}",
        purpose=purpose,
        details={
            "aggregate": "capture patterns per year",
            "years": sorted(tables),
            "people": sum(t.observed for t in tables.values()),
            "counted_by": "pseudonym" if keys is None else f"linkage run {keys.run.pk}",
        },
    )
    return tables


def runs_for(actor: Actor) -> QuerySet[EstimateRun]:
    if not actor.has(Permission.VIEW_ESTIMATES):
        raise PermissionDenied
    return EstimateRun.objects.filter(
        Q(organisation_id=actor.organisation_id) | Q(national=True)
    ).select_related("organisation", "requested_by")


def run_get(*, actor: Actor, pk: int) -> EstimateRun:
    run = runs_for(actor).filter(pk=pk).first()
    if run is None:
        raise refuse(
            actor=actor,
            object_type="estimation.estimaterun",
            object_id=pk,
            purpose=Purpose.ESTIMATION,
            owner_organisation_id=EstimateRun.objects.filter(pk=pk)
            .values_list("organisation_id", flat=True)
            .first(),
        )
    return run


def latest_result(actor: Actor) -> EstimateRun | None:
    """The newest finished run over the registry the actor may see (own scope first)."""
    runs = (
        runs_for(actor)
        .filter(status=Status.DONE, linkage_run_id__isnull=True)
        .exclude(result__years={})
    )
    own = runs.filter(organisation_id=actor.organisation_id).first()
    return own or runs.filter(national=True).first()


def latest_linked_result(actor: Actor) -> EstimateRun | None:
    """The newest finished estimate from linked lists ("schatting uit gekoppelde lijsten")."""
    runs = (
        runs_for(actor)
        .filter(status=Status.DONE, linkage_run_id__isnull=False)
        .exclude(result__years={})
    )
    own = runs.filter(organisation_id=actor.organisation_id).first()
    return own or runs.filter(national=True).first()

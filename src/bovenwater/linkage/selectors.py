"""Access-checked reads of linkage projects, runs and hit/no-hit questions.

A project is visible to its linkage unit and to its participating organisations.
Projects, runs and overlap tables hold no names; groups (record ids) are read only by
the unit, and every read is written to the processing log. A privacy officer sees the
hit/no-hit questions asked by, or about lists of, their own organisation.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing, refuse
from bovenwater.linkage.models import (
    HitAnswer,
    HitQuery,
    LinkageProject,
    LinkageRun,
    LinkageSource,
    ProjectPurpose,
    ReplyStatus,
)
from bovenwater.linkage.units import UNIT_KINDS, is_unit


def projects_for(actor: Actor) -> QuerySet[LinkageProject]:
    if not (actor.has(Permission.CONTRIBUTE_LINKAGE) or actor.has(Permission.ASK_HIT_NO_HIT)):
        raise PermissionDenied
    visible = Q(participants=actor.organisation)
    if is_unit(actor):
        visible |= Q(unit=actor.organisation)
    return LinkageProject.objects.filter(visible).distinct().select_related("unit")


def project_list(actor: Actor) -> list[LinkageProject]:
    """The projects the actor's organisation runs or contributes to (a logged read)."""
    projects = list(projects_for(actor))
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="linkage.project",
        object_id="list",
        purpose=Purpose.LINKAGE,
        details={"projects": len(projects)},
    )
    return projects


def project_get(*, actor: Actor, pk: int) -> LinkageProject:
    project = projects_for(actor).filter(pk=pk).first()
    if project is None:
        raise _refused(actor, LinkageProject, "linkage.project", pk, "unit_id")
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="linkage.project",
        object_id=project.pk,
        purpose=Purpose.LINKAGE,
    )
    return project


def project_sources(project: LinkageProject) -> list[LinkageSource]:
    """The lists of a project the caller already read with :func:`project_get`."""
    return list(project.sources.select_related("organisation").defer("encodings"))


def project_runs(project: LinkageProject, limit: int = 10) -> list[LinkageRun]:
    """The newest runs of a project the caller already read with :func:`project_get`."""
    return list(project.runs.defer("groups")[:limit])


def query_answers(query: HitQuery) -> list[HitAnswer]:
    """The hits of a question the caller already read with :func:`hit_query_get`."""
    return list(query.answers.all())


def run_get(*, actor: Actor, pk: int) -> LinkageRun:
    run = LinkageRun.objects.filter(pk=pk, project__in=projects_for(actor)).first()
    if run is None:
        raise _refused(actor, LinkageRun, "linkage.run", pk, "project__unit_id")
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="linkage.run",
        object_id=run.pk,
        purpose=Purpose.LINKAGE,
    )
    return run


def run_groups_for_export(*, actor: Actor, pk: int) -> LinkageRun:
    """The groups of a run (record ids per person): the unit only, logged as an export."""
    run = LinkageRun.objects.filter(
        pk=pk, project__unit=actor.organisation, project__unit__kind__in=UNIT_KINDS
    ).first()
    if run is None or not is_unit(actor):
        raise _refused(
            actor, LinkageRun, "linkage.run", pk, "project__unit_id", action=Action.EXPORT
        )
    log_processing(
        actor=actor,
        action=Action.EXPORT,
        object_type="linkage.run",
        object_id=run.pk,
        purpose=Purpose.LINKAGE,
        details={"groups": len(run.groups)},
    )
    return run


def hit_projects_for(actor: Actor) -> QuerySet[LinkageProject]:
    if not actor.has(Permission.ASK_HIT_NO_HIT):
        raise PermissionDenied
    return LinkageProject.objects.filter(
        purpose=ProjectPurpose.HIT_NO_HIT, participants=actor.organisation
    ).distinct()


def hit_query_get(*, actor: Actor, pk: int) -> HitQuery:
    """A question, for the organisation that asked it."""
    if not actor.has(Permission.ASK_HIT_NO_HIT):
        raise PermissionDenied
    query = (
        HitQuery.objects.filter(pk=pk, requester=actor.organisation)
        .prefetch_related("answers")
        .first()
    )
    if query is None:
        raise _refused(
            actor, HitQuery, "linkage.hitquery", pk, "requester_id", purpose=Purpose.HIT_NO_HIT
        )
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="linkage.hitquery",
        object_id=query.pk,
        purpose=Purpose.HIT_NO_HIT,
    )
    return query


def open_requests_for(actor: Actor) -> QuerySet[HitAnswer]:
    """Contact requests addressed to the actor's organisation, still to be answered."""
    if not (actor.has(Permission.ASK_HIT_NO_HIT) or actor.has(Permission.CONTRIBUTE_LINKAGE)):
        raise PermissionDenied
    return HitAnswer.objects.filter(
        responder=actor.organisation, status=ReplyStatus.OPEN
    ).select_related("query", "query__requester")


def own_answer_get(*, actor: Actor, pk: int) -> HitAnswer:
    """A hit on a question the actor's organisation asked (for its referral)."""
    if not actor.has(Permission.ASK_HIT_NO_HIT):
        raise PermissionDenied
    answer = (
        HitAnswer.objects.filter(pk=pk, query__requester=actor.organisation)
        .select_related("query", "responder")
        .first()
    )
    if answer is None:
        raise _refused(actor, HitAnswer, "linkage.hitanswer", pk, "query__requester_id")
    return answer


def answer_get(*, actor: Actor, pk: int) -> HitAnswer:
    """A contact request addressed to the actor's organisation, still to be answered."""
    answer = open_requests_for(actor).filter(pk=pk).first()
    if answer is None:
        raise _refused(actor, HitAnswer, "linkage.hitanswer", pk, "responder_id")
    return answer


def _refused(
    actor: Actor,
    model: type[LinkageProject | LinkageRun | HitQuery | HitAnswer],
    object_type: str,
    pk: int,
    owner_field: str,
    *,
    purpose: Purpose = Purpose.LINKAGE,
    action: Action = Action.VIEW,
) -> Http404:
    """Log a refused read for the organisation the object belongs to (a project's and its
    runs' unit, a question's asker, a hit's asker, a contact request's answerer), so its
    privacy officer sees the attempt, and return the 404 to raise."""
    owner = model._default_manager.filter(pk=pk).values_list(owner_field, flat=True).first()
    return refuse(
        actor=actor,
        object_type=object_type,
        object_id=pk,
        purpose=purpose,
        owner_organisation_id=owner,
        action=action,
    )


def hit_log_for_privacy_officer(actor: Actor) -> QuerySet[HitQuery]:
    """Questions asked by the organisation or answered from its lists (no names exist)."""
    if not actor.has(Permission.VIEW_PROCESSING_LOG):
        raise PermissionDenied
    organisation = actor.organisation
    queries = (
        HitQuery.objects.filter(
            Q(requester=organisation)
            | Q(answers__responder=organisation)
            | Q(project__sources__organisation=organisation)
        )
        .distinct()
        .select_related("requester", "requested_by", "project")
        .annotate(hits=Count("answers", distinct=True))
    )
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="linkage.hitquery",
        object_id="privacy-officer-overview",
        purpose=Purpose.PRIVACY_SUPERVISION,
    )
    return queries

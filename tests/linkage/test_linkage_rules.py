"""Who reads what of record linkage, one rule per test, on the selectors themselves
(issue #20, `make mutation` group linkage-scope): the projects of the unit and of the
participants, the record groups for the unit alone, the hit/no-hit questions for the
asker, the contact requests for the answerer while open, and the privacy officer's view
of the questions asked by or about the own organisation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from tests.linkage.factories import World, actor_of, lists, make_project

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership
from bovenwater.accounts.roles import Role
from bovenwater.audit.models import Action, ProcessingLogEntry
from bovenwater.linkage import selectors, services
from bovenwater.linkage.models import LinkageProject, LinkageRun, ProjectPurpose

pytestmark = pytest.mark.django_db

KNOWN = services.PersonQuery("Mieke", "Vries, de", "1990-03-14", "V")  # on the care list
UNKNOWN = services.PersonQuery("Zoë", "Onbekendsma", "2001-01-01", "V")


def _hits(officer: Actor) -> dict[int, int]:
    """Question -> its number of hits, as the privacy officer's overview shows them."""
    queries: list[Any] = list(selectors.hit_log_for_privacy_officer(officer))
    return {query.pk: query.hits for query in queries}


def _with_lists(world: World, purpose: str) -> LinkageProject:
    project = make_project(world, purpose)
    police_list, care_list = lists()
    services.source_upload_people(actor=world.police, project=project, text=police_list)
    services.source_upload_people(
        actor=world.care, project=project, text=care_list, contact_route="Zorg, 010-1234567"
    )
    return project


def test_a_project_is_read_by_its_unit_and_its_participants_only(
    world: World, make_member: Callable[..., Membership]
) -> None:
    project = make_project(world)
    for actor in (world.unit, world.police, world.care):
        assert list(selectors.projects_for(actor)) == [project]
    assert list(selectors.projects_for(world.outsider)) == []
    # an analyst of a participant is no unit: the projects it takes part in, no more
    analyst = actor_of(make_member(role=Role.ANALYST, organisation=world.police_org))
    other = services.project_create(
        actor=world.unit,
        name="Zonder politie",
        year=2025,
        purpose=ProjectPurpose.ESTIMATE,
        legal_basis="AVG art. 89 (test)",
        participants=[world.care_org],
    )
    assert list(selectors.projects_for(analyst)) == [project]
    assert set(selectors.projects_for(world.unit)) == {project, other}
    signaller = actor_of(make_member(role=Role.SIGNALLER, organisation=world.police_org))
    with pytest.raises(PermissionDenied):
        selectors.projects_for(signaller)


def test_the_record_groups_of_a_run_go_to_the_unit_alone_and_a_refusal_is_an_export(
    world: World, make_member: Callable[..., Membership]
) -> None:
    project = _with_lists(world, ProjectPurpose.ESTIMATE)
    run = services.run_request(actor=world.unit, project=project, enqueue=False)
    assert selectors.run_groups_for_export(actor=world.unit, pk=run.pk) == run
    assert selectors.run_get(actor=world.police, pk=run.pk) == run  # the counts: yes
    with pytest.raises(Http404):  # the groups: no
        selectors.run_groups_for_export(actor=world.police, pk=run.pk)
    entry = ProcessingLogEntry.objects.order_by("-pk").first()
    assert entry is not None and entry.refused
    assert (entry.action, entry.owner_organisation_id) == (Action.EXPORT, world.registrar.pk)
    # the unit's organisation, but not its linkage role: no groups either
    colleague = actor_of(make_member(role=Role.PRIVACY_OFFICER, organisation=world.registrar))
    with pytest.raises(Http404):
        selectors.run_groups_for_export(actor=colleague, pk=run.pk)


def test_a_project_shows_its_ten_newest_runs(world: World) -> None:
    project = make_project(world)
    runs = [LinkageRun.objects.create(project=project, sources=[]) for _ in range(11)]
    shown = selectors.project_runs(project)
    assert len(shown) == 10
    assert runs[0] not in shown


def test_hit_no_hit_projects_are_those_of_that_purpose_the_asker_takes_part_in(
    world: World,
) -> None:
    hits = make_project(world, ProjectPurpose.HIT_NO_HIT)
    make_project(world, ProjectPurpose.ESTIMATE)
    assert list(selectors.hit_projects_for(world.police)) == [hits]
    assert list(selectors.hit_projects_for(world.outsider)) == []
    with pytest.raises(PermissionDenied):  # the unit's analyst does not ask
        selectors.hit_projects_for(world.unit)


def test_a_contact_request_is_answered_by_its_addressee_once(world: World) -> None:
    project = _with_lists(world, ProjectPurpose.HIT_NO_HIT)
    query = services.hit_query(
        actor=world.police, project=project, basis="investigation", reference="PL-1", person=KNOWN
    )
    answer = query.answers.get()
    assert selectors.hit_query_get(actor=world.police, pk=query.pk) == query
    assert selectors.query_answers(query) == [answer]
    assert selectors.own_answer_get(actor=world.police, pk=answer.pk) == answer
    assert list(selectors.open_requests_for(world.care)) == [answer]
    assert list(selectors.open_requests_for(world.police)) == []
    assert list(selectors.open_requests_for(world.unit)) == []  # contributes, asks nothing
    with pytest.raises(PermissionDenied):  # the unit does not ask, so holds no hits
        selectors.own_answer_get(actor=world.unit, pk=answer.pk)
    assert selectors.answer_get(actor=world.care, pk=answer.pk) == answer
    services.hit_reply(actor=world.care, answer=answer, accept=True)
    assert list(selectors.open_requests_for(world.care)) == []
    with pytest.raises(Http404):
        selectors.answer_get(actor=world.care, pk=answer.pk)
    with pytest.raises(PermissionDenied):  # the unit's analyst asks nothing
        selectors.hit_query_get(actor=world.unit, pk=query.pk)


def test_the_privacy_officer_sees_the_questions_asked_by_or_about_the_own_organisation(
    world: World, make_member: Callable[..., Membership]
) -> None:
    project = _with_lists(world, ProjectPurpose.HIT_NO_HIT)
    known = services.hit_query(
        actor=world.police, project=project, basis="investigation", reference="PL-2", person=KNOWN
    )
    unknown = services.hit_query(
        actor=world.police, project=project, basis="consent", reference="PL-3", person=UNKNOWN
    )
    asked = _hits(world.police_officer)
    assert asked == {known.pk: 1, unknown.pk: 0}
    # the care list was searched for both (a hit on one): the care officer sees both
    searched = _hits(world.care_officer)
    assert searched == {known.pk: 1, unknown.pk: 0}
    outsider_officer = actor_of(
        make_member(role=Role.PRIVACY_OFFICER, organisation=world.outsider.organisation)
    )
    assert list(selectors.hit_log_for_privacy_officer(outsider_officer)) == []
    with pytest.raises(PermissionDenied):
        selectors.hit_log_for_privacy_officer(world.police)


def test_the_privacy_officer_of_an_asker_without_a_list_in_the_project_sees_its_questions(
    world: World,
) -> None:
    """A participant may ask before (or without) contributing a list: its question is
    still its own, and its privacy officer sees it."""
    project = make_project(world, ProjectPurpose.HIT_NO_HIT)
    _, care_list = lists()
    services.source_upload_people(
        actor=world.care, project=project, text=care_list, contact_route="Zorg, 010-1234567"
    )
    asked = services.hit_query(
        actor=world.police, project=project, basis="investigation", reference="PL-9", person=KNOWN
    )
    assert _hits(world.police_officer) == {asked.pk: 1}
    assert _hits(world.care_officer) == {asked.pk: 1}

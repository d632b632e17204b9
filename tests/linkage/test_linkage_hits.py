"""Hit/no-hit: legal basis required, kind of organisation and contact route only, both
sides logged, rate-limited, and the other side accepts or declines."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from tests.linkage.factories import World, lists, make_project

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Organisation
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.linkage import selectors, services
from bovenwater.linkage.models import (
    HitAnswer,
    HitQuery,
    LinkageProject,
    ProjectPurpose,
    ReplyStatus,
)

pytestmark = pytest.mark.django_db

KNOWN = services.PersonQuery("Mieke", "Vries, de", "1990-03-14", "V")  # on the care list
UNKNOWN = services.PersonQuery("Zoë", "Onbekendsma", "2001-01-01", "V")


@pytest.fixture
def hit_project(world: World) -> LinkageProject:
    project = make_project(world, ProjectPurpose.HIT_NO_HIT)
    police_list, care_list = lists()
    services.source_upload_people(actor=world.police, project=project, text=police_list)
    services.source_upload_people(
        actor=world.care, project=project, text=care_list, contact_route="Zorg, 010-1234567"
    )
    return project


def test_a_hit_names_only_the_kind_of_organisation_and_a_contact_route(
    world: World, hit_project: LinkageProject
) -> None:
    query = services.hit_query(
        actor=world.police,
        project=hit_project,
        basis="investigation",
        reference="PL-2025-17",
        person=KNOWN,
    )
    answers = list(query.answers.all())
    assert [(a.responder_kind, a.contact_route) for a in answers] == [
        ("care_coordination", "Zorg, 010-1234567")
    ]
    fields = {f.name for f in HitAnswer._meta.get_fields()} | {
        f.name for f in HitQuery._meta.get_fields()
    }
    assert not {"score", "similarity", "surname", "first_names"} & fields


def test_no_hit(world: World, hit_project: LinkageProject) -> None:
    query = services.hit_query(
        actor=world.police,
        project=hit_project,
        basis="consent",
        reference="PL-2025-18",
        person=UNKNOWN,
    )
    assert query.answers.count() == 0


def test_legal_basis_and_reference_are_required_and_nothing_is_asked_without(
    world: World, hit_project: LinkageProject
) -> None:
    for basis, reference in (("", "PL-1"), ("consent", " ")):
        with pytest.raises(ValidationError):
            services.hit_query(
                actor=world.police,
                project=hit_project,
                basis=basis,
                reference=reference,
                person=KNOWN,
            )
    assert not HitQuery.objects.exists()


def test_outsiders_and_roles_without_the_permission_cannot_ask(
    world: World, hit_project: LinkageProject
) -> None:
    for actor in (world.outsider, world.unit, world.police_officer):
        with pytest.raises(PermissionDenied):
            services.hit_query(
                actor=actor,
                project=hit_project,
                basis="consent",
                reference="X",
                person=KNOWN,
            )
    assert not HitQuery.objects.exists()


def test_both_sides_are_logged_and_both_privacy_officers_see_the_query(
    world: World, hit_project: LinkageProject
) -> None:
    query = services.hit_query(
        actor=world.police,
        project=hit_project,
        basis="investigation",
        reference="PL-2025-19",
        person=KNOWN,
    )
    entries = ProcessingLogEntry.objects.filter(
        object_type="linkage.hitquery", object_id=str(query.pk)
    )
    assert {e.organisation_id for e in entries} == {world.police_org.pk, world.care_org.pk}
    assert all("Vries" not in str(e.details) for e in entries)
    for officer in (world.police_officer, world.care_officer):
        assert [q.pk for q in selectors.hit_log_for_privacy_officer(officer)] == [query.pk]
    with pytest.raises(PermissionDenied):
        selectors.hit_log_for_privacy_officer(world.police)


def test_queries_are_rate_limited(world: World, hit_project: LinkageProject) -> None:
    for n in range(services.HIT_LIMIT_PER_DAY):
        services.hit_query(
            actor=world.police,
            project=hit_project,
            basis="consent",
            reference=f"PL-{n}",
            person=UNKNOWN,
        )
    with pytest.raises(ValidationError, match="maximum per dag"):
        services.hit_query(
            actor=world.police,
            project=hit_project,
            basis="consent",
            reference="PL-extra",
            person=KNOWN,
        )
    assert HitQuery.objects.count() == services.HIT_LIMIT_PER_DAY
    assert ProcessingLogEntry.objects.filter(object_id="refused-rate-limit").exists()


def test_the_other_side_accepts_once(world: World, hit_project: LinkageProject) -> None:
    query = services.hit_query(
        actor=world.police,
        project=hit_project,
        basis="consent",
        reference="PL-20",
        person=KNOWN,
    )
    answer = query.answers.get()
    with pytest.raises(PermissionDenied):
        services.hit_reply(actor=world.police, answer=answer, accept=True)
    assert [a.pk for a in selectors.open_requests_for(world.care)] == [answer.pk]
    services.hit_reply(actor=world.care, answer=answer, accept=True)
    answer.refresh_from_db()
    assert answer.status == ReplyStatus.ACCEPTED
    with pytest.raises(ValidationError):
        services.hit_reply(actor=world.care, answer=answer, accept=False)


def test_refused_reads_are_logged_for_the_organisation_the_object_belongs_to(
    world: World, hit_project: LinkageProject
) -> None:
    """A refusal lands in the owner's log (its privacy officer sees it), not only in the
    log of the organisation that tried."""
    query = services.hit_query(
        actor=world.police,
        project=hit_project,
        basis="investigation",
        reference="PL-2025-18",
        person=KNOWN,
    )
    answer = query.answers.get()
    project = make_project(world)
    police_list, care_list = lists()
    services.source_upload_people(actor=world.police, project=project, text=police_list)
    services.source_upload_people(actor=world.care, project=project, text=care_list)
    run = services.run_request(actor=world.unit, project=project, enqueue=False)
    attempts: list[tuple[Actor, Callable[[Actor], object], Organisation]] = [
        # (who tries, the read, the owner whose officer must see it)
        (
            world.outsider,
            lambda a: selectors.project_get(actor=a, pk=run.project_id),
            world.registrar,
        ),
        (world.outsider, lambda a: selectors.run_get(actor=a, pk=run.pk), world.registrar),
        (world.care, lambda a: selectors.hit_query_get(actor=a, pk=query.pk), world.police_org),
        (world.care, lambda a: selectors.own_answer_get(actor=a, pk=answer.pk), world.police_org),
        (world.police, lambda a: selectors.answer_get(actor=a, pk=answer.pk), world.care_org),
    ]
    for actor, read, owner in attempts:
        before = ProcessingLogEntry.objects.count()
        with pytest.raises(Http404):
            read(actor)
        entry = ProcessingLogEntry.objects.order_by("-pk").first()
        assert ProcessingLogEntry.objects.count() == before + 1
        assert entry is not None and entry.refused
        assert entry.owner_organisation_id == owner.pk
        assert entry.organisation_id == actor.organisation_id

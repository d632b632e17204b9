"""De-duplication of the national registration: counts by linked person, not pseudonym."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from tests.linkage.factories import World, make_project

from bovenwater.accounts.models import Membership
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.audit.purposes import Purpose
from bovenwater.estimation.selectors import overlap_tables_for
from bovenwater.linkage import services
from bovenwater.linkage.models import ProjectPurpose
from bovenwater.linkage.registry_counts import YearCount, linked_registry_counts, person_keys
from bovenwater.registry.choices import Source
from bovenwater.registry.services import RegistrationInput, registration_create

pytestmark = pytest.mark.django_db

# one woman registered twice with her name written differently, and someone else
PEOPLE = (
    ("Maria Johanna", "de Vries", datetime.date(1990, 3, 14)),
    ("Mieke", "Vries, de", datetime.date(1990, 3, 14)),
    ("Jan", "Jansen", datetime.date(1985, 7, 1)),
)


def _registered(world: World) -> list[str]:
    pseudonyms = []
    for number, (first, last, born) in enumerate(PEOPLE):
        registration = registration_create(
            actor=world.unit,
            data=RegistrationInput(
                registration_date=datetime.date(2025, 3, 1 + number),
                first_names=first,
                last_name=last,
                date_of_birth=born,
            ),
            source=Source.IMPORT,
            source_reference=f"T-{number}",
        )
        pseudonyms.append(registration.person.pseudonym)
    return pseudonyms


def _dedup_run(world: World, pseudonyms: list[str]):  # type: ignore[no-untyped-def]
    project = services.project_create(
        actor=world.unit,
        name="Ontdubbeling 2025",
        year=2025,
        purpose=ProjectPurpose.DEDUPLICATION,
        legal_basis="AVG art. 89 (test)",
        participants=[world.registrar],
    )
    lines = ["record_id,first_names,surname,date_of_birth"]
    for pseudonym, (first, last, born) in zip(pseudonyms, PEOPLE, strict=True):
        lines.append(f'{pseudonym},{first},"{last}",{born.isoformat()}')
    services.source_upload_people(actor=world.unit, project=project, text="\n".join(lines))
    run = services.run_request(actor=world.unit, project=project)  # one list is enough
    run.refresh_from_db()
    return run


def test_one_list_is_deduplicated_and_counted_by_linked_person(world: World) -> None:
    pseudonyms = _registered(world)
    assert len(set(pseudonyms)) == 3  # the exact pseudonym splits the woman in two
    run = _dedup_run(world, pseudonyms)
    assert run.status == "done"
    counts = linked_registry_counts(actor=world.unit, run=run)
    assert counts == [YearCount(2025, registrations=3, exact_persons=3, linked_persons=2)]
    assert counts[0].merged == 1
    for outsider in (world.police, world.care):
        with pytest.raises(PermissionDenied):
            linked_registry_counts(actor=outsider, run=run)


def test_other_purposes_have_no_registry_counts(world: World) -> None:
    project = make_project(world, ProjectPurpose.ESTIMATE)
    run = project.runs.create(sources=["a", "b"], status="done")
    with pytest.raises(PermissionDenied):
        linked_registry_counts(actor=world.unit, run=run)


def test_the_run_page_shows_and_explains_the_linked_count(
    world: World, client: Client, login_as: Callable[[Membership], Client]
) -> None:
    run = _dedup_run(world, _registered(world))
    login_as(world.unit.membership)
    page = client.get(f"/koppeling/run/{run.pk}/").content.decode()
    assert 'data-testid="registry-counts"' in page
    assert 'data-testid="registry-counts-explained"' in page
    assert "<td>2025</td><td>3</td><td>3</td><td>2</td><td>1</td>" in page
    assert "estimate-start" not in page  # no estimate from a de-duplication


def test_the_registry_list_counts_linked_people_after_a_deduplication(
    world: World, client: Client, login_as: Callable[[Membership], Client]
) -> None:
    pseudonyms = _registered(world)
    login_as(world.unit.membership)
    before = client.get("/registratie/").content.decode()
    assert "3 registraties van 3 personen" in before  # by exact pseudonym
    assert "registration-linked-people" not in before
    run = _dedup_run(world, pseudonyms)
    after = client.get("/registratie/").content.decode()
    assert "3 registraties van 2 personen" in after  # the woman written two ways is one
    assert 'data-testid="registration-linked-people"' in after
    assert "3 pseudoniemen horen bij 2 personen" in after
    assert ProcessingLogEntry.objects.filter(
        object_type="linkage.run", object_id=str(run.pk), details__use="registry_count"
    ).exists()


def test_the_national_estimate_counts_linked_people_after_a_deduplication(
    world: World,
) -> None:
    pseudonyms = _registered(world)
    before = overlap_tables_for(actor=world.unit, purpose=Purpose.REGISTRATION)
    assert before["2025"].observed == 3  # by exact pseudonym
    run = _dedup_run(world, pseudonyms)
    after = overlap_tables_for(actor=world.unit, purpose=Purpose.REGISTRATION)
    assert after["2025"].observed == 2  # the woman written two ways is one person
    assert ProcessingLogEntry.objects.filter(
        object_type="linkage.run", object_id=str(run.pk), details__use="estimate_overlap"
    ).exists()
    assert ProcessingLogEntry.objects.filter(
        object_id="estimation-overlap:all", details__counted_by=f"linkage run {run.pk}"
    ).exists()


def test_the_htcds_export_names_the_linked_person_after_a_deduplication(
    world: World, client: Client, login_as: Callable[[Membership], Client]
) -> None:
    pseudonyms = _registered(world)
    login_as(world.unit.membership)

    def exported() -> dict[str, str]:
        response = client.post(reverse("registry:htcds_export"))
        text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
        rows = list(csv.DictReader(io.StringIO(text)))
        return {row["bw_pseudonym"]: row["bw_linked_person"] for row in rows}

    assert set(exported().values()) == {""}  # no de-duplication yet
    run = _dedup_run(world, pseudonyms)
    linked = exported()
    woman = sorted(pseudonyms[:2])[0]
    assert linked == {pseudonyms[0]: woman, pseudonyms[1]: woman, pseudonyms[2]: pseudonyms[2]}
    assert ProcessingLogEntry.objects.filter(
        object_type="linkage.run", object_id=str(run.pk), details__use="htcds_export"
    ).exists()


def test_other_organisations_count_by_pseudonym(world: World) -> None:
    run = _dedup_run(world, _registered(world))
    assert run.status == "done"
    assert person_keys(actor=world.police, use="estimate_overlap") is None

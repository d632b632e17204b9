"""Linkage projects end to end in the app: upload, validation, run, estimate, logging."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from tests.linkage.factories import World, lists, make_project
from tests.pprl.support import VARIANTS, people_csv

from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.cli import main as cli_main
from bovenwater.estimation.models import EstimateRun
from bovenwater.estimation.models import Status as EstimateStatus
from bovenwater.linkage import services
from bovenwater.linkage.keys import project_secret
from bovenwater.linkage.models import LinkageSource, RunStatus

pytestmark = pytest.mark.django_db


def test_only_the_linkage_unit_creates_projects_and_a_legal_basis_is_required(
    world: World,
) -> None:
    with pytest.raises(PermissionDenied):
        services.project_create(
            actor=world.police,
            name="x",
            year=2025,
            purpose="estimate",
            legal_basis="AVG",
            participants=[],
        )
    with pytest.raises(ValidationError):
        services.project_create(
            actor=world.unit,
            name="x",
            year=2025,
            purpose="estimate",
            legal_basis="  ",
            participants=[],
        )
    project = make_project(world)
    assert len(project.key_fingerprint) == 16
    assert ProcessingLogEntry.objects.filter(
        object_type="linkage.project", object_id=str(project.pk), action="create"
    ).exists()


def test_a_project_runs_end_to_end_and_starts_an_estimate(world: World) -> None:
    project = make_project(world)
    police_list, care_list = lists()
    services.source_upload_people(actor=world.police, project=project, text=police_list)
    services.source_upload_people(actor=world.care, project=project, text=care_list)
    # nothing identifying is stored: only encodings
    for source in LinkageSource.objects.all():
        stored = bytes(source.encodings)
        for name in ("Vries", "Okonkwo", "Bakker", "Osagie"):
            assert name.encode() not in stored
    run = services.run_request(actor=world.unit, project=project)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert run.summary["groups"] == len(VARIANTS)
    assert run.summary["records"] == 2 * (len(VARIANTS) + 2)
    assert run.summary["persons"] == len(VARIANTS) + 4
    assert all("score" not in json.dumps(g) for g in run.groups)
    estimate_id = services.estimate_from_run(actor=world.unit, run=run)
    estimate = EstimateRun.objects.get(pk=estimate_id)
    assert estimate.status == EstimateStatus.DONE
    assert estimate.linkage_run_id == run.pk
    assert estimate.origin_label.startswith("Gekoppelde lijsten")
    table = estimate.inputs["tables"]["2025"]
    assert sum(table["counts"]) == len(VARIANTS) + 4
    # the lists carry their organisations' names, never a kind code with a number
    assert sorted(table["lists"]) == ["Politie test", "Zorgcoördinatie test"]
    assert sorted(project.sources.values_list("name", flat=True)) == [
        "Politie test",
        "Zorgcoördinatie test",
    ]
    logged = set(
        ProcessingLogEntry.objects.filter(object_type__startswith="linkage.").values_list(
            "object_type", "action"
        )
    )
    assert {("linkage.source", "create"), ("linkage.run", "create")} <= logged


def test_a_participant_cannot_run_and_an_outsider_cannot_contribute(world: World) -> None:
    project = make_project(world)
    police_list, _ = lists()
    with pytest.raises(PermissionDenied):
        services.source_upload_people(actor=world.outsider, project=project, text=police_list)
    with pytest.raises(PermissionDenied):
        services.run_request(actor=world.police, project=project)
    assert not LinkageSource.objects.exists()


def test_upload_is_all_or_nothing_with_a_dutch_report_per_row(world: World) -> None:
    project = make_project(world)
    text = (
        "record_id,first_names,surname,date_of_birth\n"
        "P1,Anna,Geheimsma,1990-01-01\n"
        "P2,Piet,,31-02-1990\n"
        "P1,Kees,Bos,1980-05-05\n"
    )
    with pytest.raises(ValidationError) as caught:
        services.source_upload_people(actor=world.police, project=project, text=text)
    assert caught.value.messages == [
        "Rij 3, kolom surname: leeg",
        "Rij 3, kolom date_of_birth: geen leesbare datum",
        "Rij 4, kolom record_id: hetzelfde record_id als rij 2",
    ]
    assert not any("Geheimsma" in m or "31-02" in m for m in caught.value.messages)
    assert not LinkageSource.objects.exists()


def _encode_with_cli(tmp_path: Path, secret: bytes, source: str = "IND") -> bytes:
    people = tmp_path / "ind.csv"
    people.write_text(people_csv([pair[1] for pair in VARIANTS[:5]], "I"), encoding="utf-8")
    key = tmp_path / "project.key"
    key.write_bytes(secret)
    out = tmp_path / "ind.jsonl"
    assert (
        cli_main(
            [
                "linkage",
                "encode",
                str(people),
                "--secret-file",
                str(key),
                "--out",
                str(out),
                "--source",
                source,
            ]
        )
        == 0
    )
    return out.read_bytes()


def test_external_file_made_with_the_cli_is_accepted_with_the_project_key(
    world: World, tmp_path: Any
) -> None:
    project = make_project(world)
    data = _encode_with_cli(tmp_path, project_secret(project.pk))
    source = services.source_upload_encoded(
        actor=world.unit,
        project=project,
        data=data,
        organisation_kind="IND",
        contact_route="IND unit mensenhandel",
    )
    assert source.records == 5
    assert source.name == "IND"


def test_external_file_with_another_key_or_damaged_is_refused(world: World, tmp_path: Any) -> None:
    project = make_project(world)
    other = _encode_with_cli(tmp_path, b"another-secret-of-another-project")
    with pytest.raises(ValidationError, match="andere sleutel"):
        services.source_upload_encoded(
            actor=world.unit,
            project=project,
            data=other,
            organisation_kind="IND",
            contact_route="x",
        )
    good = _encode_with_cli(tmp_path, project_secret(project.pk)).decode().splitlines()
    good[2] = good[2][:20]
    with pytest.raises(ValidationError) as caught:
        services.source_upload_encoded(
            actor=world.unit,
            project=project,
            data="\n".join(good).encode(),
            organisation_kind="IND",
            contact_route="x",
        )
    assert caught.value.messages == ["Regel 3: dit is geen versleuteld record"]
    with pytest.raises(ValidationError, match="geen bestand van"):
        services.source_upload_encoded(
            actor=world.unit,
            project=project,
            data=b"record_id,surname\n1,Bos\n",
            organisation_kind="IND",
            contact_route="x",
        )
    with pytest.raises(PermissionDenied):
        services.source_upload_encoded(
            actor=world.police,
            project=project,
            data=other,
            organisation_kind="IND",
            contact_route="x",
        )
    assert not LinkageSource.objects.exists()


def test_a_run_needs_two_lists(world: World) -> None:
    project = make_project(world)
    police_list, _ = lists()
    services.source_upload_people(actor=world.police, project=project, text=police_list)
    with pytest.raises(ValidationError, match="minstens twee lijsten"):
        services.run_request(actor=world.unit, project=project)


def test_reupload_replaces_the_organisations_own_list(world: World) -> None:
    project = make_project(world)
    police_list, _ = lists()
    services.source_upload_people(actor=world.police, project=project, text=police_list)
    short = io.StringIO(police_list).read().splitlines()[:3]
    services.source_upload_people(actor=world.police, project=project, text="\n".join(short))
    assert LinkageSource.objects.get().records == 2

"""The linkage pages: a project from creation to an estimate, with upload errors shown."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests.linkage.factories import World, lists, make_project

from bovenwater.accounts.models import Membership
from bovenwater.estimation.models import EstimateRun
from bovenwater.linkage import services
from bovenwater.linkage.models import LinkageProject, LinkageRun, LinkageSource

pytestmark = pytest.mark.django_db


def _member(actor: object) -> Membership:
    return actor.membership  # type: ignore[attr-defined, no-any-return]


def test_project_pages_from_creation_to_an_estimate(
    client: Client, world: World, login_as: Callable[[Membership], Client]
) -> None:
    login_as(_member(world.unit))
    response = client.post(
        "/koppeling/nieuw/",
        {
            "name": "Overlap 2025",
            "year": "2025",
            "purpose": "estimate",
            "legal_basis": "",
            "participants": [world.police_org.pk, world.care_org.pk],
        },
    )
    assert response.status_code == 400
    assert "Leg de grondslag van dit koppelproject vast." in response.content.decode()
    assert "Overlap 2025" in response.content.decode()  # the input is kept
    response = client.post(
        "/koppeling/nieuw/",
        {
            "name": "Overlap 2025",
            "year": "2025",
            "purpose": "estimate",
            "legal_basis": "AVG art. 89",
            "participants": [world.police_org.pk, world.care_org.pk],
        },
    )
    project = LinkageProject.objects.get()
    assert response.status_code == 302
    police_list, care_list = lists()
    for actor, text in ((world.police, police_list), (world.care, care_list)):
        login_as(_member(actor))
        response = client.post(
            f"/koppeling/{project.pk}/lijst/",
            {"file": SimpleUploadedFile("lijst.csv", text.encode()), "contact_route": "010"},
        )
        assert response.status_code == 302
    login_as(_member(world.police))
    bad = "record_id,first_names,surname,date_of_birth\nP1,Anna,Bos,99-99-1990\n"
    response = client.post(
        f"/koppeling/{project.pk}/lijst/", {"file": SimpleUploadedFile("x.csv", bad.encode())}
    )
    assert response.status_code == 400
    assert "Rij 2, kolom date_of_birth: geen leesbare datum" in response.content.decode()
    assert LinkageSource.objects.count() == 2
    assert client.post(f"/koppeling/{project.pk}/koppelen/").status_code == 403
    login_as(_member(world.unit))
    response = client.post(f"/koppeling/{project.pk}/koppelen/")
    run = LinkageRun.objects.get()
    assert response.status_code == 302
    page = client.get(f"/koppeling/run/{run.pk}/").content.decode()
    assert "Personen na koppeling" in page
    assert "Vries" not in page and "score" not in page.lower()
    groups = client.get(f"/koppeling/run/{run.pk}/groepen/")
    assert groups.status_code == 200 and b"record_id" in groups.content
    response = client.post(f"/koppeling/run/{run.pk}/schatting/")
    estimate = EstimateRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/schatting/{estimate.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Gekoppelde lijsten: Overlap 2025" in page
    index = client.get("/schatting/").content.decode()
    assert "Schatting uit gekoppelde lijsten" in index


def test_participants_see_no_groups_and_no_overlap_cells(
    client: Client, world: World, login_as: Callable[[Membership], Client]
) -> None:
    project = make_project(world)
    police_list, care_list = lists()
    services.source_upload_people(actor=world.police, project=project, text=police_list)
    services.source_upload_people(actor=world.care, project=project, text=care_list)
    run = services.run_request(actor=world.unit, project=project)
    login_as(_member(world.police))
    page = client.get(f"/koppeling/{project.pk}/").content.decode()
    assert 'data-testid="overlap"' not in page
    assert client.get(f"/koppeling/run/{run.pk}/groepen/").status_code == 404
    assert client.get(f"/koppeling/{project.pk}/sleutel/").status_code == 403
    login_as(_member(world.outsider))
    assert client.get(f"/koppeling/{project.pk}/").status_code == 404
    assert client.get(f"/koppeling/run/{run.pk}/").status_code == 404

"""Estimate runs: background execution, reproducibility, warnings, pages, API and access."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from tests.estimation.factories import add_registrations
from tests.support import login

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import Action, ProcessingLogEntry
from bovenwater.estimation.compute import estimate_year, warning_text
from bovenwater.estimation.jobs import execute_run, recompute
from bovenwater.estimation.models import EstimateRun, Status
from bovenwater.estimation.overlap import OverlapTable
from bovenwater.estimation.services import run_request
from bovenwater.mse import ENGINE_VERSION
from bovenwater.registry.models import MelderType

pytestmark = pytest.mark.django_db


def actor_of(membership: Membership) -> Actor:
    return Actor(user=membership.user, membership=membership)


@pytest.fixture
def registrar(make_organisation: Callable[..., Organisation]) -> Organisation:
    return make_organisation(name="CoMensha test", kind=OrganisationKind.NATIONAL_REGISTRAR)


@pytest.fixture
def analyst(make_member: Callable[..., Membership], registrar: Organisation) -> Membership:
    return make_member(role=Role.ANALYST, organisation=registrar)


def test_run_stores_inputs_and_result_and_is_reproducible(
    registry: Callable[..., None], analyst: Membership
) -> None:
    registry()
    run = run_request(
        actor=actor_of(analyst), method="stepwise", bootstrap=200, ci="percentile", seed=7
    )
    run.refresh_from_db()
    assert run.status == Status.DONE
    assert run.progress == 100
    assert run.engine_version == ENGINE_VERSION
    assert run.national is True
    assert sorted(run.inputs["tables"]) == ["2023", "2024"]
    assert run.inputs["tables"]["2024"]["lists"][0] == "politie"
    year = run.result["years"]["2023"]
    assert year["status"] == "ok"
    assert year["ci_method"] == "percentile"
    assert year["ci_low"] < year["estimate"] < year["ci_high"]
    # a synthetic population of 400 with independent lists: the estimate finds it
    assert 300 < year["estimate"] < 550
    assert recompute(run) == run.result
    again = run_request(
        actor=actor_of(analyst), method="stepwise", bootstrap=200, ci="percentile", seed=7
    )
    again.refresh_from_db()
    assert again.result == run.result
    other = run_request(
        actor=actor_of(analyst), method="stepwise", bootstrap=200, ci="percentile", seed=8
    )
    other.refresh_from_db()
    assert other.result["years"]["2023"]["ci_low"] != year["ci_low"]


def test_run_without_seed_draws_and_stores_one(
    registry: Callable[..., None], analyst: Membership
) -> None:
    registry()
    run = run_request(actor=actor_of(analyst))
    run.refresh_from_db()
    assert run.seed >= 0
    assert run.ci_method == "profile"
    assert recompute(run) == run.result


def test_run_request_is_logged(registry: Callable[..., None], analyst: Membership) -> None:
    registry()
    run = run_request(actor=actor_of(analyst), method="stepwise", seed=1)
    created = ProcessingLogEntry.objects.get(object_type="estimation.estimaterun")
    assert created.action == Action.CREATE
    assert created.object_id == str(run.pk)
    assert created.details["seed"] == 1
    read = ProcessingLogEntry.objects.get(object_type="registry.registration")
    assert read.action == Action.VIEW


def test_task_goes_through_the_database_queue(
    registry: Callable[..., None], analyst: Membership, settings: Any, monkeypatch: Any
) -> None:
    registry()
    # the worker closes "obsolete" connections, and inside the test's transaction
    # PostgreSQL's connection looks obsolete (autocommit off): keep it open
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "audit", "notifications"],
        }
    }
    run = run_request(actor=actor_of(analyst), method="stepwise", seed=3)
    run.refresh_from_db()
    assert run.status == Status.QUEUED
    assert run.result == {}
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    run.refresh_from_db()
    assert run.status == Status.DONE
    assert recompute(run) == run.result


def test_sparse_table_gives_plain_dutch_warnings() -> None:
    # lists: politie (large), kmar (3 people), overig; kmar and overig never overlap
    counts = [0] * 63
    counts[0b000001 - 1] = 120  # politie only
    counts[0b000010 - 1] = 2  # kmar only
    counts[0b000011 - 1] = 1  # politie + kmar
    counts[0b100000 - 1] = 40  # overig only
    counts[0b100001 - 1] = 6  # politie + overig
    table = OverlapTable(
        ("politie", "kmar", "arbeidsinspectie", "zorgcoordinatie", "opvang", "overig"),
        tuple(counts),
    )
    result = estimate_year(
        table, method="stepwise", max_order=2, p_threshold=0.02, bootstrap=0, seed=1, ci="profile"
    )
    codes = [w["code"] for w in result["warnings"]]
    assert codes.count("empty_list") == 3
    assert {"code": "sparse_list", "list": "kmar", "count": 3} in result["warnings"]
    assert {"code": "no_overlap", "lists": ["kmar", "overig"]} in result["warnings"]
    assert "wide_interval" in codes
    assert result["lists"] == ["politie", "kmar", "overig"]
    texts = [warning_text(w) for w in result["warnings"]]
    assert "De lijst KMar telt maar 3 personen: de schatting is daardoor kwetsbaar." in texts
    assert "KMar en Overig (ngo's en anderen) hebben niemand gemeen." in texts


def test_single_list_is_not_estimable() -> None:
    table = OverlapTable(("politie", "kmar"), (25, 0, 0))
    result = estimate_year(
        table, method="bic", max_order=2, p_threshold=0.02, bootstrap=0, seed=1, ci="profile"
    )
    assert result["status"] == "not_estimable"
    assert "estimate" not in result
    assert [w["code"] for w in result["warnings"]] == ["empty_list", "too_few_lists"]


def test_failed_run_is_stored(analyst: Membership, registrar: Organisation) -> None:
    run = EstimateRun.objects.create(
        organisation=registrar,
        inputs={"tables": {"2024": {"lists": ["a"], "counts": "broken"}}},
        method="bic",
        seed=1,
        ci_method="profile",
        engine_version=ENGINE_VERSION,
    )
    execute_run(run.pk)
    run.refresh_from_db()
    assert run.status == Status.FAILED
    assert run.error != ""
    assert run.result == {}


@pytest.mark.parametrize(
    "role", [Role.SIGNALLER, Role.CONTACT_OFFICER, Role.CARE_COORDINATOR, Role.PRIVACY_OFFICER]
)
def test_roles_without_permission_get_403_and_nothing_is_written(
    role: Role, make_member: Callable[..., Membership], registrar: Organisation, client: Client
) -> None:
    member = make_member(role=role, organisation=registrar)
    login(client, member)
    assert client.get("/schatting/").status_code == 403
    response = client.post(
        "/schatting/starten/",
        {"method": "bic", "max_order": 2, "p_threshold": "0,02", "ci": "profile", "bootstrap": 0},
    )
    assert response.status_code == 403
    assert client.get("/api/v1/estimates/").status_code == 403
    assert EstimateRun.objects.count() == 0
    with pytest.raises(PermissionDenied):
        run_request(actor=actor_of(member))


def test_viewers_may_not_start_runs(
    make_member: Callable[..., Membership], client: Client, registry: Callable[..., None]
) -> None:
    registry()
    member = make_member(role=Role.POLICY_OFFICER)
    login(client, member)
    assert client.get("/schatting/").status_code == 200
    response = client.post(
        "/schatting/starten/",
        {
            "method": "stepwise",
            "max_order": 2,
            "p_threshold": "0,02",
            "ci": "profile",
            "bootstrap": 0,
        },
    )
    assert response.status_code == 403
    assert EstimateRun.objects.count() == 0


def test_organisation_runs_stay_in_their_organisation(
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
    client: Client,
    analyst: Membership,
    registry: Callable[..., None],
) -> None:
    police_a = make_organisation(kind=OrganisationKind.POLICE)
    police_b = make_organisation(kind=OrganisationKind.POLICE)
    add_registrations([("x", 2024, MelderType.POLICE), ("x", 2024, MelderType.NGO)], police_a)
    registry()
    analyst_a = make_member(role=Role.ANALYST, organisation=police_a)
    own = run_request(actor=actor_of(analyst_a), seed=1)
    assert own.national is False
    # organisation A sees only what it reported: one person
    assert own.inputs["tables"]["2024"]["counts"][0b100001 - 1] == 1
    assert sum(own.inputs["tables"]["2024"]["counts"]) == 1
    national = run_request(actor=actor_of(analyst), method="stepwise", seed=1)

    login(client, make_member(role=Role.ANALYST, organisation=police_b))
    assert client.get(f"/schatting/{own.pk}/").status_code == 404
    assert client.get(f"/schatting/{own.pk}/voortgang/").status_code == 404
    assert client.get(f"/api/v1/estimates/{own.pk}/").status_code == 404
    ids = [r["id"] for r in client.get("/api/v1/estimates/").json()["results"]]
    assert ids == [national.pk]
    assert client.get(f"/schatting/{national.pk}/").status_code == 200

    login(client, analyst_a)
    assert client.get(f"/schatting/{own.pk}/").status_code == 200
    ids = sorted(r["id"] for r in client.get("/api/v1/estimates/").json()["results"])
    assert ids == sorted([own.pk, national.pk])


def test_analyst_starts_a_run_and_sees_the_result(
    client: Client, analyst: Membership, registry: Callable[..., None]
) -> None:
    registry()
    login(client, analyst)
    page = client.get("/schatting/")
    assert page.status_code == 200
    assert "Er is nog geen schatting berekend." in page.content.decode()
    response = client.post(
        "/schatting/starten/",
        {
            "method": "stepwise",
            "max_order": "2",
            "p_threshold": "0,02",
            "ci": "profile",
            "bootstrap": "0",
            "seed": "11",
            "form": "",
        },
    )
    run = EstimateRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/schatting/{run.pk}/"
    detail = client.get(response["Location"]).content.decode()
    year = run.result["years"]["2024"]
    assert f"Geregistreerd {year['observed']} — geschat" in detail
    assert "95%-BI" in detail
    progress = client.get(f"/schatting/{run.pk}/voortgang/")
    assert progress["HX-Refresh"] == "true"
    overview = client.get("/schatting/").content.decode()
    assert 'data-testid="overlap-table"' in overview
    api = client.get(f"/api/v1/estimates/{run.pk}/").json()
    assert api["status"] == "done"
    assert api["seed"] == 11
    assert api["result"]["years"]["2024"]["estimate"] == year["estimate"]


def test_form_errors_are_dutch_and_input_is_kept(client: Client, analyst: Membership) -> None:
    login(client, analyst)
    response = client.post(
        "/schatting/starten/",
        {
            "method": "bic",
            "max_order": "2",
            "p_threshold": "0,02",
            "ci": "bca",
            "bootstrap": "5",
            "seed": "-4",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Een bootstrap-interval vraagt minstens 100 herhalingen." in html
    assert "De seed kan niet negatief zijn." in html
    assert 'value="5"' in html
    assert 'value="-4"' in html
    assert EstimateRun.objects.count() == 0


def test_progress_fragment_polls_while_running(
    analyst: Membership, registrar: Organisation, client: Client
) -> None:
    run = EstimateRun.objects.create(
        organisation=registrar, national=True, inputs={"tables": {}}, method="bic", seed=1,
        ci_method="profile", engine_version=ENGINE_VERSION, status=Status.RUNNING, progress=40,
    )  # fmt: skip
    login(client, analyst)
    fragment = client.get(f"/schatting/{run.pk}/voortgang/")
    html = fragment.content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert 'value="40"' in html
    assert "HX-Refresh" not in fragment


def test_nothing_in_scope_gives_a_dutch_error_and_no_run(
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
    client: Client,
    registry: Callable[..., None],
) -> None:
    registry()  # registrations without a reporting organisation: outside a police scope
    member = make_member(
        role=Role.ANALYST, organisation=make_organisation(kind=OrganisationKind.POLICE)
    )
    login(client, member)
    response = client.post(
        "/schatting/starten/",
        {
            "method": "stepwise",
            "max_order": "2",
            "p_threshold": "0,02",
            "ci": "profile",
            "bootstrap": "0",
        },
    )
    assert response.status_code == 400
    assert "Er zijn geen registraties binnen uw bereik" in response.content.decode()
    assert EstimateRun.objects.count() == 0

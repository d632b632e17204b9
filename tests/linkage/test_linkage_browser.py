"""Browser test: the linkage unit creates a project, takes in an encoded list from
outside the platform, links the lists and starts the estimate from them; axe is clean."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.browser.axe import axe_violations
from tests.pprl.support import VARIANTS, people_csv
from tests.support import TEST_PASSWORD, token_for

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.cli import main as cli_main
from bovenwater.estimation.models import EstimateRun, Status
from bovenwater.linkage import services
from bovenwater.linkage.keys import project_secret
from bovenwater.linkage.models import LinkageProject, LinkageRun

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Any, url: str, membership: Membership) -> None:
    page.goto(f"{url}/account/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(membership.user.username)
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Volgende stap").click()
    page.wait_for_url("**/inloggen/code/")
    device = TOTPDevice.objects.get(user=membership.user)
    page.get_by_label("Code uit uw authenticator-app").fill(token_for(device))
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{url}/")


def test_linkage_project_to_an_estimate_from_linked_lists(
    live_server: Any,
    live_database: None,
    page: Any,
    tmp_path: Path,
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
) -> None:
    registrar = make_organisation(
        name="CoMensha koppeltest", kind=OrganisationKind.NATIONAL_REGISTRAR
    )
    police = make_organisation(name="Politie koppeltest", kind=OrganisationKind.POLICE)
    care = make_organisation(name="Zorg koppeltest", kind=OrganisationKind.CARE_COORDINATION)
    analyst = make_member(role=Role.ANALYST, organisation=registrar, username="analist.koppeling")
    officer = make_member(role=Role.INVESTIGATOR, organisation=police)
    coordinator = make_member(role=Role.CARE_COORDINATOR, organisation=care)
    _login(page, live_server.url, analyst)
    nav = page.get_by_role("navigation", name="Hoofdnavigatie")
    nav.get_by_role("link", name="Koppeling").click()
    page.wait_for_url(f"{live_server.url}/koppeling/")
    assert page.get_by_test_id("no-projects").is_visible()
    assert axe_violations(page) == []

    # no legal basis: a Dutch error, the input kept, nothing created
    page.get_by_label("Naam").fill("Overlap koppeltest")
    page.get_by_label("Jaar").fill("2025")
    page.get_by_label("Deelnemende organisaties op het platform").select_option(
        [str(police.pk), str(care.pk)]
    )
    page.get_by_role("button", name="Project aanmaken").click()
    assert page.get_by_text("Leg de grondslag van dit koppelproject vast.").first.is_visible()
    assert page.get_by_label("Naam").input_value() == "Overlap koppeltest"
    assert not LinkageProject.objects.exists()
    assert axe_violations(page) == []
    page.get_by_label("Grondslag").fill("AVG art. 89 (test)")
    page.get_by_label("Deelnemende organisaties op het platform").select_option(
        [str(police.pk), str(care.pk)]
    )
    page.get_by_role("button", name="Project aanmaken").click()
    page.wait_for_url(re.compile(r"/koppeling/\d+/$"))
    project = LinkageProject.objects.get()

    # the participants contribute their lists on the platform
    rows_a = [pair[0] for pair in VARIANTS]
    rows_b = [pair[1] for pair in VARIANTS[:8]]
    for membership, rows, prefix in ((officer, rows_a, "P"), (coordinator, rows_b, "Z")):
        actor = Actor(user=membership.user, membership=membership)
        services.source_upload_people(actor=actor, project=project, text=people_csv(rows, prefix))
    # an organisation outside the platform encodes its list itself, with the project key
    people = tmp_path / "ind.csv"
    people.write_text(people_csv([pair[1] for pair in VARIANTS[4:]], "I"), encoding="utf-8")
    key = tmp_path / "project.key"
    key.write_bytes(project_secret(project.pk))
    encoded = tmp_path / "ind.jsonl"
    assert cli_main(["linkage", "encode", str(people), "--secret-file", str(key),
                     "--out", str(encoded), "--source", "IND"]) == 0  # fmt: skip
    page.reload()
    page.get_by_label("Versleuteld bestand (JSONL)").set_input_files(str(encoded))
    page.get_by_label("Soort organisatie").fill("IND")
    page.get_by_label("Contactroute").last.fill("IND, unit mensenhandel")
    page.get_by_role("button", name="Versleuteld bestand aanleveren").click()
    assert page.get_by_test_id("sources").get_by_text("IND (IND)").is_visible()
    assert axe_violations(page) == []

    page.get_by_test_id("run-start").click()
    page.wait_for_url(re.compile(r"/koppeling/run/\d+/$"))
    run = LinkageRun.objects.get()
    assert run.summary["groups"] == len(VARIANTS)
    assert page.get_by_test_id("persons").inner_text() == str(len(VARIANTS))
    assert page.get_by_test_id("overlap").is_visible()
    assert axe_violations(page) == []

    page.get_by_test_id("estimate-start").click()
    page.wait_for_url(re.compile(r"/schatting/\d+/$"))
    estimate = EstimateRun.objects.get()
    assert estimate.status == Status.DONE
    assert page.get_by_test_id("origin").inner_text() == "Gekoppelde lijsten: Overlap koppeltest"
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/schatting/")
    assert page.get_by_test_id("linked-estimate").is_visible()
    assert axe_violations(page) == []

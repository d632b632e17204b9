"""Browser test: an analyst starts an estimate and reads the result; axe-core is clean."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.browser.axe import axe_violations
from tests.support import TEST_PASSWORD, token_for

from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.estimation.models import EstimateRun, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_starts_an_estimate_and_sees_it_with_its_interval(
    live_server: Any,
    live_database: None,
    page: Any,
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
    registry: Callable[..., None],
) -> None:
    registry()
    registrar = make_organisation(
        name="CoMensha browsertest", kind=OrganisationKind.NATIONAL_REGISTRAR
    )
    analyst = make_member(role=Role.ANALYST, organisation=registrar, username="analist.schatting")
    page.goto(f"{live_server.url}/account/inloggen/")
    page.get_by_label("Gebruikersnaam").fill("analist.schatting")
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Volgende stap").click()
    page.wait_for_url("**/inloggen/code/")
    device = TOTPDevice.objects.get(user=analyst.user)
    page.get_by_label("Code uit uw authenticator-app").fill(token_for(device))
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{live_server.url}/")

    nav = page.get_by_role("navigation", name="Hoofdnavigatie")
    nav.get_by_role("link", name="Verborgen aantal").click()
    page.wait_for_url(f"{live_server.url}/schatting/")
    assert page.get_by_test_id("no-estimate").is_visible()
    assert axe_violations(page) == []

    # a Dutch error next to the field, input kept
    page.get_by_label("Betrouwbaarheidsinterval").select_option("percentile")
    page.get_by_label("Bootstrapherhalingen").fill("10")
    page.get_by_role("button", name="Schatting starten").click()
    assert page.get_by_text("Een bootstrap-interval vraagt minstens 100 herhalingen.").is_visible()
    assert page.get_by_label("Bootstrapherhalingen").input_value() == "10"
    assert EstimateRun.objects.count() == 0
    assert axe_violations(page) == []

    page.get_by_label("Bootstrapherhalingen").fill("200")
    page.locator("#id_seed").fill("5")
    page.get_by_role("button", name="Schatting starten").click()
    page.wait_for_url(re.compile(r"/schatting/\d+/$"))
    run = EstimateRun.objects.get()
    assert run.status == Status.DONE
    year = run.result["years"]["2023"]
    summary = page.get_by_test_id("summary-2023").inner_text()
    low, high = round(year["ci_low"]), round(year["ci_high"])
    assert summary == (
        f"Geregistreerd {year['observed']} — geschat {round(year['estimate'])} (95%-BI {low}–{high})"
    )
    assert axe_violations(page) == []

    page.get_by_role("link", name="Terug naar het verborgen aantal").click()
    assert page.get_by_test_id("estimate-table").is_visible()
    assert page.get_by_test_id("overlap-table").is_visible()
    assert axe_violations(page) == []

    # a run in progress: the page polls every 2 s and shows the result when it is done
    pending = EstimateRun.objects.create(
        organisation=registrar, national=True, inputs=run.inputs, method=run.method,
        max_order=run.max_order, p_threshold=run.p_threshold, bootstrap=run.bootstrap,
        seed=run.seed, ci_method=run.ci_method, engine_version=run.engine_version,
        status=Status.RUNNING, progress=50,
    )  # fmt: skip
    page.goto(f"{live_server.url}/schatting/{pending.pk}/")
    assert page.get_by_test_id("progress").get_by_role("status").inner_text() == (
        "Status: Bezig (50%)"
    )
    assert axe_violations(page) == []
    EstimateRun.objects.filter(pk=pending.pk).update(
        status=Status.DONE, progress=100, result=run.result
    )
    page.get_by_test_id("summary-2023").wait_for()
    assert page.get_by_test_id("summary-2023").inner_text() == summary

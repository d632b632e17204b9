"""Shared fixtures: reference data once per test database, organisations, members, logins."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from playwright.sync_api import expect, sync_playwright
from tests.support import OPTIONAL_BENCH_TOOL, TEST_PASSWORD, TEST_SECRET, login

from bovenwater.accounts import services
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.guards import install_guards, remove_guards
from bovenwater.intake.defaults import ensure_default_rules
from bovenwater.intake.models import RoutingRule
from bovenwater.reference.models import Municipality

# BOVENWATER_CHROMIUM points elsewhere (tests/test_ci_guards.py uses a missing path to
# prove that CI refuses to run without the browser tests).
CHROMIUM = Path(os.environ.get("BOVENWATER_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in the test thread; the ORM calls the browser
# tests make around it are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

_counter = itertools.count(1)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests need Debian's Chromium; without it they are deselected, loudly.

    Under ``CI=true`` a missing Chromium is an error: CI must never drop a category.
    Browser tests carry ``category=browser`` in the JUnit XML, so ``.ci/run`` can count
    that they ran."""
    browser = [item for item in items if item.get_closest_marker("browser")]
    for item in browser:
        item.user_properties.append(("category", "browser"))
    if CHROMIUM.exists() or not browser:
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(
            f"{len(browser)} browser tests cannot run: {CHROMIUM} is missing (CI=true)."
        )
    config.hook.pytest_deselected(items=browser)
    items[:] = [item for item in items if not item.get_closest_marker("browser")]
    print(
        f"\nNOTE: {len(browser)} browser tests deselected: {CHROMIUM} is missing (CI installs it)."
    )


# The kinds of skip CI accepts, each named in the skip's reason:
# - the pass split: a process-level test that starts its own databases runs in CI's SQLite
#   pass and is skipped in the PostgreSQL pass, which would only repeat it; a benchmark's
#   tiny run that needs PostgreSQL runs in the PostgreSQL pass only;
# - a side-by-side benchmark's outside tool that no Debian package provides (R with
#   SparseMSE, anonlink/splink in their own environment, wrk for the load runs): the
#   benchmark itself still runs at a tiny size, only the comparison is left out.
CI_PASS_SPLIT = "runs in the SQLite pass"
CI_ACCEPTED_SKIPS = (CI_PASS_SPLIT, "runs in the PostgreSQL pass", OPTIONAL_BENCH_TOOL)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under ``CI=true`` a skipped test fails: a missing tool (Redis, openssl, PostgreSQL's
    binaries …) must not drop a test silently. Outside CI a skip stays a skip."""
    outcome: Any = yield
    report: pytest.TestReport = outcome.get_result()
    if os.environ.get("CI") != "true" or not report.skipped or hasattr(report, "wasxfail"):
        return
    longrepr = report.longrepr
    reason = str(longrepr[2]) if isinstance(longrepr, tuple) else str(longrepr)
    reason = reason.removeprefix("Skipped: ")
    if any(accepted in reason for accepted in CI_ACCEPTED_SKIPS):
        return
    report.outcome = "failed"
    report.longrepr = f"skipped under CI=true, where every test must run: {reason}"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Tests create many accounts; a fast hasher keeps them quick (production keeps PBKDF2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_shared_cache(request: pytest.FixtureRequest) -> None:
    """Rate-limit and lockout counters live in the shared (database) cache: start empty."""
    for name in ("transactional_db", "db"):
        if name in request.fixturenames:
            request.getfixturevalue(name)

            cache.clear()
            return


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings: None, request: pytest.FixtureRequest
) -> None:
    """With ``--reuse-db`` an SQLite test database lives in a file beside the database
    (``NAME`` + ``-reuse``), so a second run skips the migrations (``make mutation``)."""

    database = settings.DATABASES["default"]
    if request.config.getoption("reuse_db") and database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = f"{database['NAME']}-reuse"


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_setup: None, django_db_blocker: Any, request: pytest.FixtureRequest
) -> None:
    """Reference data once per test database; a database kept with ``--reuse-db`` (the
    mutation runs, ``make mutation``) keeps the data it was given the first time."""
    with django_db_blocker.unblock():
        if request.config.getoption("reuse_db") and Municipality.objects.exists():
            return
        call_command("load_reference_data", verbosity=0)


@pytest.fixture
def live_database(transactional_db: None) -> Iterator[None]:
    """A committed database for tests with a live server (browser tests).

    Reference data is loaded (the flush between transactional tests empties it), the
    processing log's append-only triggers are in place during the test, and removed
    just before pytest-django empties the database again.
    """

    load_reference_data()
    ensure_default_rules(RoutingRule)  # data migrations are emptied by the flush too
    install_guards(connection)
    yield
    remove_guards(connection)


def load_reference_data() -> None:
    """For transactional tests: the flush between them empties the reference tables."""
    if not Municipality.objects.exists():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture
def municipality(db: None) -> Municipality:
    return Municipality.objects.get(code="GM0363")


@pytest.fixture
def other_municipality(db: None) -> Municipality:
    return Municipality.objects.get(code="GM0599")


@pytest.fixture
def make_organisation(db: None) -> Callable[..., Organisation]:
    def make(
        name: str | None = None,
        kind: OrganisationKind = OrganisationKind.MUNICIPALITY,
        municipality_code: str = "GM0363",
    ) -> Organisation:
        return services.organisation_create(
            name=name or f"Testorganisatie {next(_counter)}",
            kind=kind,
            municipality=Municipality.objects.get(code=municipality_code),
        )

    return make


@pytest.fixture
def make_member(
    db: None, make_organisation: Callable[..., Organisation]
) -> Callable[..., Membership]:
    def make(
        role: Role = Role.SIGNALLER,
        organisation: Organisation | None = None,
        username: str | None = None,
        with_device: bool = True,
    ) -> Membership:
        user = services.user_create(
            username=username or f"gebruiker{next(_counter)}",
            password=TEST_PASSWORD,
            first_name="Test",
            last_name="Gebruiker",
        )
        if with_device:
            services.totp_device_set_known_secret(user=user, secret_base32=TEST_SECRET)
        return services.membership_add(
            user=user, organisation=organisation or make_organisation(), role=role
        )

    return make


@pytest.fixture
def login_as(client: Client) -> Callable[[Membership], Client]:
    return lambda membership: login(client, membership)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium per test module (one Playwright instance at a time).

    Per module, not per session: Playwright's sync API keeps an event loop running in
    the test thread while it is open, and the async tests (the chat's consumers) cannot
    run beside it. Closed at the end of each browser module, it is out of their way.
    """

    # Generous waits: a loaded CI machine may take seconds for a page; a real defect
    # still fails, only later.
    expect.set_options(timeout=30_000)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="nl-NL", accept_downloads=True)
    new_page = context.new_page()
    new_page.set_default_timeout(60_000)
    yield new_page
    context.close()

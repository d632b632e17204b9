"""No role of organisation A can see organisation B's records, by any URL or API call.

The test walks every URL pattern the project has (so new pages are covered as they
land), fills each path parameter with the ids of organisation B's objects, and calls
it as every role of organisation A, with GET and POST, with and without filters that
name B. Organisation B's personal data carries unique markers that must never appear.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from functools import partial
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from tests.isolation_world import records_of_b
from tests.support import TEST_PASSWORD, TEST_SECRET

from bovenwater.accounts import services
from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.jobs import chain_pending
from bovenwater.audit.models import Action, ProcessingLogEntry
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.cases import services as cases
from bovenwater.cases.types import VictimDetails
from bovenwater.chat import services as chat
from bovenwater.chat.models import (
    CannedResponse,
    ChatNote,
    Handoff,
    Helper,
    PickupMessage,
    Sender,
    Team,
    Transfer,
)
from bovenwater.kompas.models import Certificate, HelpEntry
from bovenwater.lib.tracing import TraceContext, reset_current, set_current
from bovenwater.linkage.models import (
    HitAnswer,
    HitQuery,
    LinkageProject,
    LinkageRun,
    LinkageSource,
)

pytestmark = pytest.mark.django_db

# Markers of B's personal data. Requests never contain them literally (filters use
# substrings and other fields), so a page that echoes its own query cannot trip them.
B_TRACE = "b5" * 16
MARKERS = ("geheim.gebruiker.b", "Geheimsma", B_TRACE)
SKIP_PREFIXES = ("beheer/",)  # Django admin: staff only, checked separately below
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _patterns(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[str]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route


def _fill(route: str, ids: list[int], strings: tuple[str, ...] = ()) -> list[str]:
    """The route with every id of B's records in its parameters; a route with a text
    parameter also with each of B's references (case and signal numbers)."""
    route = route.lstrip("^").rstrip("$")
    if not PARAM.search(route):
        return ["/" + route]
    texts = any(m.group("converter") not in (None, "int") for m in PARAM.finditer(route))
    urls = []
    for value in ids:
        for text in (*strings, "b-geheim") if texts else ("b-geheim",):
            urls.append("/" + PARAM.sub(partial(_parameter, value=value, text=text), route))
    return sorted(set(urls))


def _parameter(match: re.Match[str], value: object, text: str) -> str:
    """A route parameter filled in: an id for a number, ``text`` for a string."""
    return str(value) if match.group("converter") in (None, "int") else text


def _chat_of_b(organisation: Organisation) -> set[int]:
    """B's chat: a team, a helper-less conversation with a message and a note carrying a
    marker, a pick-up message; their ids join the URL walk (``/chat/hulp/gesprek/<id>/``)."""

    team = Team.objects.create(organisation=organisation, name="Chat B", is_public=False)
    started = chat.conversation_start(team=team, nickname="Geheimsma")
    chat.message_post(
        conversation=started.conversation, body="Geheimsma chatbericht", sender=Sender.YOUTH
    )
    note = ChatNote.objects.create(conversation=started.conversation, text="Geheimsma notitie")
    pickup = PickupMessage.objects.create(
        team=team,
        code_digest="b" * 64,
        text="Geheimsma bericht",
        delete_after=timezone.now() + timedelta(days=1),
    )
    return {team.pk, started.conversation.pk, note.pk, pickup.pk}


@pytest.fixture
def organisation_b(
    make_organisation: Callable[..., Organisation], make_member: Callable[..., Membership]
) -> dict[str, Any]:
    organisation = make_organisation(name="Organisatie B", municipality_code="GM0599")
    member = services.membership_add(
        user=services.user_create(
            username="geheim.gebruiker.b",
            password=TEST_PASSWORD,
            first_name="Bea",
            last_name="Geheimsma",
        ),
        organisation=organisation,
        role=Role.CARE_COORDINATOR,
    )
    services.totp_device_set_known_secret(user=member.user, secret_base32=TEST_SECRET)
    officer = make_member(role=Role.PRIVACY_OFFICER, organisation=organisation)
    actor = Actor(user=member.user, membership=member)
    token = set_current(TraceContext(trace_id=B_TRACE, span_id="b5" * 8))
    try:
        entry = log_processing(
            actor=actor,
            action=Action.VIEW,
            object_type="cases.case",
            object_id="dossier-b-geheim",
            data_subject="betrokkene-b-geheim",
            purpose=Purpose.CARE_COORDINATION,
        )
    finally:
        reset_current(token)
    chain_pending()  # seal it, so its hash is a marker too
    entry.refresh_from_db()
    assert entry.entry_hash is not None
    linkage_ids = _linkage_of_b(organisation, member)
    chat_ids = _chat_of_b(organisation)
    records = records_of_b(organisation, member)
    case_ids = _case_of_b(organisation, actor, make_organisation)
    remaining = _remaining_of_b(organisation, member, make_member)
    return {
        "organisation": organisation,
        "markers": (*MARKERS, entry.entry_hash),
        "ids": sorted(
            {organisation.pk, member.pk, member.user_id, officer.pk, officer.user_id, entry.pk}
            | linkage_ids
            | chat_ids
            | records["ids"]
            | case_ids
            | set(remaining["ids"].values())
        ),
        "strings": tuple(records["strings"]),
        "own_pages": records["own_pages"],
        "own_views": records["own_views"],
        "member": member,
        "officer": officer,
        "remaining": remaining,
    }


def _remaining_of_b(
    organisation: Organisation, member: Membership, make_member: Callable[..., Membership]
) -> dict[str, Any]:
    """B's objects behind the detail routes the records above do not reach: a chat
    transfer between two of B's helpers (the first a supervisor), a canned response and
    an agreed hand-off into B's care (notes
    with markers), an entry of B's region on the sociale kaart (last edited by B's
    user, a marker) and a certificate earned in B. The linkage answer to B is made by
    ``_linkage_of_b``."""

    team = Team.objects.get(organisation=organisation)
    helpers = [
        Helper.objects.create(
            membership=make_member(role=Role.CHAT_HELPER, organisation=organisation),
            team=team,
            display_name=f"Geheimsma {n}",
            is_supervisor=n == 1,
        )
        for n in (1, 2)
    ]
    canned = CannedResponse.objects.create(
        organisation=organisation, title="Geheimsma titel", body="Geheimsma standaardantwoord"
    )
    conversation = chat.conversation_start(team=team, nickname="Geheimsma twee").conversation
    transfer = Transfer.objects.create(
        conversation=conversation,
        from_helper=helpers[0],
        to_helper=helpers[1],
        kind=Transfer.Kind.WARM,
        note="Geheimsma overdrachtsnotitie",
    )
    handoff = Handoff.objects.create(
        conversation=conversation,
        proposed_by=helpers[0],
        receiving_organisation=organisation,
        municipality_code="GM0599",
        consent_version="1",
        summary="Geheimsma samenvatting",
        state=Handoff.State.AGREED,
    )
    municipality = organisation.municipality
    assert municipality is not None
    entry = HelpEntry.objects.create(
        police_unit_id=municipality.police_unit_id,
        municipality=municipality,
        name="Hulppunt regio B",
        category="opvang",
        services="Opvang",
        languages="Nederlands",
        phone="010 - 1",
        opening_hours="altijd",
        referral="Bellen",
        updated_by=member.user,
        updated_by_organisation=organisation,
    )
    certificate = Certificate.objects.create(
        user=member.user,
        organisation=organisation,
        path_slug="beleidsmedewerker",
        path_title="Beleid",
        name="Bea B",
        code="BBBB-CCCC-DDDD",
        issued_on=date(2026, 12, 1),
    )
    return {
        "ids": {
            "transfer": transfer.pk,
            "handoff": handoff.pk,
            "entry": entry.pk,
            "conversation": conversation.pk,
            "canned": canned.pk,
        },
        "code": certificate.code,
    }


def _case_of_b(
    organisation: Organisation, actor: Actor, make_organisation: Callable[..., Organisation]
) -> set[int]:
    """B's case (the victim's name a marker) with an open transfer proposal to the care
    coordination of a third region C; the case and the transfer join the URL walk
    (``/casussen/<id>/overdragen/``, ``/casussen/overdrachten/<id>/``)."""

    case = cases.case_open(
        actor=actor,
        owner=organisation,
        coordinator=actor.user,
        victim=VictimDetails(estimated_age=30, first_name="Bo", last_name="Geheimsma"),
        reason="Casus van B",
    )
    receiver = make_organisation(
        name="Zorgcoördinatie C",
        kind=OrganisationKind.CARE_COORDINATION,
        municipality_code="GM0193",
    )
    transfer = cases.transfer_propose(
        actor=actor,
        case=case,
        to_organisation=receiver,
        reason="Geheimsma verhuist",
        legal_basis="Geheimsma grondslag",
    )
    return {case.pk, transfer.pk}


def _linkage_of_b(organisation: Organisation, member: Membership) -> set[int]:
    """B's linkage project, list, run, hit/no-hit question and contact request."""

    project = LinkageProject.objects.create(
        unit=organisation,
        name="Geheimsma koppeling",
        year=2025,
        purpose="hit_no_hit",
        legal_basis="Geheimsma grondslag",
        key_fingerprint="b5" * 8,
    )
    project.participants.add(organisation)
    source = LinkageSource.objects.create(
        project=project,
        name="Geheimsma",
        kind="external",
        organisation_kind="Geheimsma",
        contact_route="Geheimsma route",
        records=1,
        encodings=b"",
    )
    run = LinkageRun.objects.create(
        project=project,
        sources=["Geheimsma", "Geheimsma2"],
        status="done",
        groups=[[[0, "Geheimsma-1"], [1, "Geheimsma-2"]]],
        summary={"records": 2, "persons": 1, "groups": 1, "patterns": {"3": 1}},
    )
    query = HitQuery.objects.create(
        project=project,
        requester=organisation,
        requested_by=member.user,
        basis="consent",
        reference="Geheimsma-kenmerk",
    )
    answer = HitAnswer.objects.create(
        query=query,
        responder=organisation,
        responder_kind="Geheimsma",
        contact_route="Geheimsma route",
    )
    return {project.pk, source.pk, run.pk, query.pk, answer.pk}


# Pages that show an acting user no personal data: reference lists, the handbook and
# training texts, aggregate statistics, the actor's own account pages and forms. Every
# other page answered 200 to a GET must have written a VIEW entry in the same request.
NO_PERSONAL_DATA = (
    "account/",
    "toegankelijkheid/",
    "gezondheid/",
    "i18n/",
    "referentie/",
    "kompas/",
    "monitor/",
    "open-data/",
    "melden/",
    "api/v1/schema/",
    "api/v1/docs/",  # the API's documentation and its committed OpenAPI file
    "api/v1/openapi.yaml",
    "favicon.ico",
    "verwerkingslogboek/keten/status/",  # the chain check's counts, no entry's content
    "api/v1/reference/",
    "api/v1/monitor/",
    "api/v1/me/",
    "api/v1/organisations/",  # the directory of organisations
    "api/v1/estimates/",  # estimates are aggregate statistics
    "schatting/",
    "signalen/nieuw/",  # empty forms
    "casussen/nieuw/$",  # "$": this page only
    "casussen/noodtoegang/$",
    "registratie/import/",
    "registratie/htcds/",
    "webscan/bronnen/",  # the configured websites, their purpose and legal basis
    "meldingen/",  # notices: the kind of work and a pseudonymous reference, the user's own
    "verwerkingslogboek/keten/status/$",  # the chain check's progress: counts, no entries
    "chat/$",  # the anonymous chat pages of a young person: their own session only
    "chat/weg/$",
    "chat/ophalen/$",
    "chat/api/controle/$",
    "koppeling/vraag/$",  # the empty hit/no-hit form
)


def _request_entries(response: Any) -> list[ProcessingLogEntry]:
    """The processing-log entries written while answering ``response`` (same span)."""
    _version, trace_id, span_id, _flags = response["traceparent"].split("-")
    return list(ProcessingLogEntry.objects.filter(trace_id=trace_id, span_id=span_id))


def _log_gap(response: Any, url: str, method: str) -> str | None:
    """Why this response lacks the processing-log entry it needs, or ``None``."""
    status = response.status_code
    if status in (403, 404):
        if not any(entry.refused for entry in _request_entries(response)):
            return f"{method} {url} answered {status} without a refusal entry"
    elif status == 200 and method == "GET":
        path = url.lstrip("/")
        exempt = any(
            path == entry[:-1] if entry.endswith("$") else path.startswith(entry)
            for entry in NO_PERSONAL_DATA
        )
        personal = path and not exempt  # "" is home: counts only
        if personal and not any(e.action in ("view", "export") for e in _request_entries(response)):
            return f"GET {url} read without a view entry"
    return None


# The declared exception to the strict policy, with the one source it adds (see
# docs/security.md): Swagger UI sets style attributes. The chart pages have none: Vega
# runs its expression interpreter, not eval.
CSP_EXCEPTIONS = {
    "/api/v1/docs/": "style-src 'self' 'unsafe-inline'",
}
STRICT_CSP = (
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "frame-ancestors 'none'",
)


def _security_header_gap(response: Any, url: str) -> str | None:
    """Finding 11: every HTML page carries a strict CSP, a referrer and a permissions policy."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return None
    policy = response.get("Content-Security-Policy", "")
    for prefix, relaxed in CSP_EXCEPTIONS.items():
        if url.startswith(prefix):
            policy = policy.replace(relaxed, relaxed.rsplit(" ", 1)[0])
    if not all(part in policy for part in STRICT_CSP) or "unsafe-" in policy:
        return f"{url}: Content-Security-Policy is {policy!r}"
    if response.get("Referrer-Policy") != "same-origin":
        return f"{url}: Referrer-Policy is {response.get('Referrer-Policy')!r}"
    if "camera=()" not in response.get("Permissions-Policy", ""):
        return f"{url}: Permissions-Policy is {response.get('Permissions-Policy')!r}"
    return None


def _assert_no_marker(response: Any, url: str, role: Role, markers: tuple[str, ...]) -> None:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", errors="replace")
    for marker in markers:
        assert marker not in text, f"{role.value} of organisation A saw {marker!r} at {url}"


# The PostgreSQL pass walks the roles that read personal data; every role is walked in
# the SQLite pass (the walk takes about a minute per role on PostgreSQL, and CI must stay
# well under an hour).
POSTGRESQL_WALK = frozenset(
    {
        Role.CONTACT_OFFICER,
        Role.CARE_COORDINATOR,
        Role.CHAIN_DIRECTOR,
        Role.INVESTIGATOR,
        Role.PRIVACY_OFFICER,
    }
)


@pytest.mark.parametrize("role", list(Role))
def test_no_role_of_a_sees_b_by_any_url(
    role: Role,
    client: Client,
    organisation_b: dict[str, Any],
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
) -> None:
    if connection.vendor == "postgresql" and role not in POSTGRESQL_WALK:
        pytest.skip(f"{role.label}: the walk of every role runs in the SQLite pass")
    member_a = make_member(role=role)
    login_as(member_a)
    ids: list[int] = organisation_b["ids"]
    filters = {
        "organisation": "Organisatie B",
        "actor": "geheim.gebruiker",
        "data_subject": "betrokkene-b-geheim",
        "object_id": "dossier-b-geheim",
        "membership": str(ids[0]),
        "limit": "1000",
    }
    checked = 0
    gaps: list[str] = []
    for route in _patterns():
        if route.startswith(SKIP_PREFIXES):
            continue
        for url in _fill(route, ids, organisation_b["strings"]):
            login_as(member_a)  # some routes (logout) end the session; start each URL logged in
            for method, response in (
                ("GET", client.get(url)),
                ("GET", client.get(url, filters)),
                ("POST", client.post(url, filters)),
            ):
                _assert_no_marker(response, url, role, organisation_b["markers"])
                for gap in (_log_gap(response, url, method), _security_header_gap(response, url)):
                    if gap is not None and gap not in gaps:
                        gaps.append(gap)
                checked += 1
    assert checked > 20
    assert not gaps, f"{role.value}: " + "\n".join(gaps)
    login_as(member_a)
    for membership_id in ids:
        client.post("/account/organisatie-wisselen/", {"membership": membership_id})
    home = client.get("/").content.decode()
    assert member_a.organisation.name in home
    assert "Organisatie B" not in home


def test_b_itself_sees_the_markers_so_the_walk_can_find_them(
    client: Client,
    organisation_b: dict[str, Any],
    login_as: Callable[[Membership], Client],
) -> None:
    """The walk is not vacuous: B's own coordinator gets B's case and signal with markers,
    at URLs the walk also fills for A (B's ids and references)."""
    login_as(organisation_b["member"])
    for url in organisation_b["own_pages"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Geheimsma" in response.content.decode(), url
        route_urls = {
            filled
            for route in _patterns()
            for filled in _fill(route, organisation_b["ids"], organisation_b["strings"])
        }
        assert url in route_urls
    for membership, url in organisation_b["own_views"]:
        login_as(membership)
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Geheimsma" in response.content.decode(), url


def test_b_s_objects_behind_the_remaining_detail_routes_refuse_every_role_of_a(
    client: Client,
    organisation_b: dict[str, Any],
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
) -> None:
    """The detail routes whose objects only ``_remaining_of_b`` gives B (chat transfer,
    hand-off and canned response, linkage answer, sociale-kaart entry, certificate),
    called by every role of A
    with B's real ids and codes and with the data that would act on them: refused (403,
    404, or 405 for a GET of a POST-only page) with a refusal in the log, no marker, and
    B's objects unchanged. Two of them are public by design and only checked for markers:
    a sociale-kaart entry (public contact details of an organisation) and the
    certificate check (``/kompas/verificatie/<code>/``: whoever has the code sees name,
    path and validity). ``/monitor/open-data/<release_id>/...`` is public too: a release
    is a national publication that no organisation owns."""

    b = organisation_b["organisation"]
    ids, code = organisation_b["remaining"]["ids"], organisation_b["remaining"]["code"]
    answer = HitAnswer.objects.get(responder=b)
    answer_status = answer.status
    refused: tuple[tuple[str, str, dict[str, str]], ...] = (
        ("post", f"/chat/hulp/overdracht/{ids['transfer']}/accepteren/", {}),
        ("get", f"/chat/overdrachten/{ids['handoff']}/casus/", {}),
        ("post", f"/chat/overdrachten/{ids['handoff']}/casus/", {"case_number": "b-geheim"}),
        ("post", f"/chat/overdrachten/{ids['handoff']}/meedoen/", {}),
        ("get", f"/chat/hulp/standaardantwoorden/{ids['canned']}/", {}),
        (
            "post",
            f"/chat/hulp/standaardantwoorden/{ids['canned']}/",
            {"title": "Overschreven", "body": "Overschreven"},
        ),
        ("post", f"/chat/hulp/standaardantwoorden/{ids['canned']}/verwijderen/", {}),
        ("post", f"/koppeling/verzoek/{answer.pk}/", {"decision": "accept"}),
        ("get", f"/kompas/sociale-kaart/{ids['entry']}/bewerken/", {}),
        ("post", f"/kompas/sociale-kaart/{ids['entry']}/bewerken/", {"action": "delete"}),
        ("post", f"/kompas/training/team/{code}/intrekken/", {}),
    )
    anonymous = Client().get(f"/kompas/verificatie/{code}/")
    assert anonymous.status_code == 200 and "Bea B" in anonymous.content.decode()
    for role in Role:
        member_a = make_member(role=role)
        if role == Role.CHAT_HELPER:  # a helper of A's own team: refused by scope alone
            Helper.objects.create(
                membership=member_a,
                team=Team.objects.create(organisation=member_a.organisation, name="Chat A"),
                display_name="Helper A",
                is_supervisor=True,
            )
        for method, url, data in refused:
            login_as(member_a)
            response = getattr(client, method)(url, data)
            assert response.status_code in (403, 404, 405), (role, method, url)
            _assert_no_marker(response, url, role, organisation_b["markers"])
            if response.status_code != 405:
                assert any(e.refused for e in _request_entries(response)), (role, method, url)
        login_as(member_a)
        for url, shown in (
            (f"/kompas/sociale-kaart/{ids['entry']}/", "Hulppunt regio B"),
            (f"/kompas/verificatie/{code}/", "Bea B"),
        ):
            response = client.get(url)
            assert response.status_code == 200 and shown in response.content.decode(), url
            _assert_no_marker(response, url, role, organisation_b["markers"])
    assert Transfer.objects.get(pk=ids["transfer"]).state == Transfer.State.PENDING
    handoff = Handoff.objects.get(pk=ids["handoff"])
    assert (handoff.state, handoff.case_number, handoff.added_to_case_at) == (
        Handoff.State.AGREED,
        "",
        None,
    )
    assert HitAnswer.objects.get(pk=answer.pk).status == answer_status
    assert HelpEntry.objects.filter(pk=ids["entry"], name="Hulppunt regio B").exists()
    assert Certificate.objects.get(code=code).revoked_at is None
    assert CannedResponse.objects.get(pk=ids["canned"]).title == "Geheimsma titel"
    # B's privacy officer sees the attempts on B's certificate
    attempts = ProcessingLogEntry.objects.filter(
        object_type="kompas.certificate", object_id=code, owner_organisation_id=b.pk
    )
    assert attempts.count() >= 2 and all(e.refused for e in attempts)
    # ... and those on B's chat transfer, hand-off and canned response, B's contact
    # request and the sociale-kaart entry B maintains, by the roles that reach the
    # object's scope check
    for object_type, object_id in (
        ("chat.transfer", ids["transfer"]),
        ("chat.handoff", ids["handoff"]),
        ("chat.cannedresponse", ids["canned"]),
        ("linkage.hitanswer", answer.pk),
        ("kompas.help_entry", ids["entry"]),
    ):
        seen = ProcessingLogEntry.objects.filter(
            object_type=object_type, object_id=str(object_id), owner_organisation_id=b.pk
        )
        assert seen.exists() and all(e.refused for e in seen), object_type
    # the same requests by B's own people do act: the routes and the data are right
    manager_b = make_member(role=Role.ADMINISTRATOR, organisation=b)
    login_as(manager_b)
    assert client.post(f"/kompas/training/team/{code}/intrekken/").status_code == 302
    assert Certificate.objects.get(code=code).revoked_at is not None
    supervisor_b = Transfer.objects.get(pk=ids["transfer"]).from_helper.membership
    login_as(supervisor_b)
    page = client.get(f"/chat/hulp/standaardantwoorden/{ids['canned']}/")
    assert page.status_code == 200 and "Geheimsma titel" in page.content.decode()
    helper_b = Transfer.objects.get(pk=ids["transfer"]).to_helper.membership
    login_as(helper_b)
    client.post(f"/chat/hulp/overdracht/{ids['transfer']}/accepteren/")
    assert Transfer.objects.get(pk=ids["transfer"]).state == Transfer.State.DONE


def test_admin_is_closed_to_non_staff(
    client: Client,
    organisation_b: dict[str, Any],
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
) -> None:
    login_as(make_member(role=Role.ADMINISTRATOR))
    for route in ("/beheer/", "/beheer/accounts/user/", "/beheer/audit/processinglogentry/"):
        response = client.get(route)
        assert response.status_code == 302
        _assert_no_marker(response, route, Role.ADMINISTRATOR, organisation_b["markers"])


def test_system_token_of_a_sees_nothing_of_b(
    client: Client, organisation_b: dict[str, Any], make_organisation: Callable[..., Organisation]
) -> None:
    organisation_a = make_organisation(name="Organisatie A")
    user = services.user_create(username="systeem.a", password=None, is_system_account=True)
    for role in Role:
        membership = services.membership_add(user=user, organisation=organisation_a, role=role)
        _token, plain = services.api_token_create(membership=membership, label=f"test {role.value}")
        for route in _patterns():
            if not route.startswith("api/"):
                continue
            for url in _fill(route, organisation_b["ids"], organisation_b["strings"]):
                response = client.get(
                    url,
                    {"limit": "1000", "data_subject": "betrokkene-b-geheim"},
                    HTTP_AUTHORIZATION=f"Token {plain}",
                )
                _assert_no_marker(response, url, role, organisation_b["markers"])


def test_every_openapi_path_is_a_route_the_walk_visits() -> None:
    """The walk enumerates the URL resolver; every path of the OpenAPI file is one of its
    routes (filled with an id), so a new API operation is walked without editing the test."""

    spec = yaml.safe_load((settings.BASE_DIR / "api" / "openapi.yaml").read_text())
    walked = {route.lstrip("^").rstrip("$") for route in _patterns()}
    missing = []
    for path in spec["paths"]:
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        try:
            match = resolve(concrete)
        except Resolver404:
            missing.append(path)
            continue
        if match.route not in walked:
            missing.append(f"{path} ({match.route})")
    assert len(spec["paths"]) > 10
    assert not missing, missing

"""Finding 7: a refused attempt on another organisation's object is logged so that the
owning organisation's privacy officer sees it, and the prober's side learns nothing:
its entry looks the same whether the object exists or not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Model
from django.test import Client
from django.utils import timezone
from tests.cases import factories
from tests.webscan.factories import World

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.audit.selectors import LogFilter, processing_log_for_actor
from bovenwater.cases import services as case_services
from bovenwater.cases.selectors import case_get_for_actor
from bovenwater.kompas import services as kompas_services

pytestmark = pytest.mark.django_db

MISSING = 987_654_321


def _officer(make_member: Callable[..., Membership], organisation: Organisation) -> Actor:
    membership = make_member(role=Role.PRIVACY_OFFICER, organisation=organisation)
    return Actor(user=membership.user, membership=membership)


def _refusals(officer: Actor, object_type: str) -> list[ProcessingLogEntry]:
    entries = processing_log_for_actor(
        actor=officer, filters=LogFilter(object_type=object_type, refused=True)
    )
    return list(entries)


def _shape(entry: ProcessingLogEntry) -> dict[str, Any]:
    """What the prober's side of an entry says, without its id, time, trace and object id."""
    content = entry.content()
    for key in ("id", "occurred_at", "trace_id", "span_id", "object_id"):
        content.pop(key)
    content.pop("owner_organisation_id", None)
    return content


@pytest.mark.parametrize("kind", ["case", "meeting", "note", "webscan_source"])
def test_a_probe_on_b_is_seen_by_bs_officer_only_as_an_attempt(
    kind: str,
    client: Client,
    make_organisation: Callable[..., Organisation],
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
) -> None:
    target: Model
    if kind == "webscan_source":
        world_b = World(make_organisation, make_member, "Politie B")
        org_b, target = world_b.organisation, world_b.source()
        org_a = make_organisation(name="Politie A", kind=OrganisationKind.POLICE)
        prober = make_member(role=Role.ADMINISTRATOR, organisation=org_a)
        url, object_type = "/webscan/bronnen/{}/", "webscan.source"
    else:
        kind_of_org = OrganisationKind.CARE_COORDINATION
        org_b = make_organisation(name="Zorgcoördinatie B", kind=kind_of_org)
        org_a = make_organisation(name="Zorgcoördinatie A", kind=kind_of_org)
        coordinator_b = factories.actor(Role.CARE_COORDINATOR, org_b)
        role = Role.CHAIN_DIRECTOR if kind == "meeting" else Role.CARE_COORDINATOR
        prober = make_member(role=role, organisation=org_a)
        if kind == "case":
            target = factories.open_case(coordinator_b)
            url, object_type = "/casussen/{}/", "cases.case"
        elif kind == "meeting":
            director_b = factories.actor(Role.CHAIN_DIRECTOR, org_b)
            target = case_services.meeting_create(
                actor=director_b,
                title="Casusoverleg B",
                held_on=timezone.localdate(),
                attendees=[],
                agenda=[],
            )
            url, object_type = "/casussen/overleg/{}/", "cases.casemeeting"
        else:
            target = kompas_services.note_create(
                actor=coordinator_b,
                kind="section",
                target="bedenktijd-b8#de-drempel-de-geringste-aanwijzing",
                body="Notitie van B",
            )
            url, object_type = "/kompas/notities/{}/", "kompas.note"
    officer_a = _officer(make_member, org_a)
    officer_b = _officer(make_member, org_b)

    login_as(prober)
    assert client.get(url.format(target.pk)).status_code == 404
    assert client.get(url.format(MISSING)).status_code == 404

    seen_by_b = _refusals(officer_b, object_type)
    assert [e.object_id for e in seen_by_b] == [str(target.pk)]
    assert seen_by_b[0].actor_user_id == prober.user_id
    assert seen_by_b[0].organisation_id == org_a.pk
    # A's officer sees both attempts of its own user, alike apart from the id asked for.
    on_existing, on_missing = sorted(
        _refusals(officer_a, object_type), key=lambda e: e.object_id != str(target.pk)
    )
    assert _shape(on_existing) == _shape(on_missing)
    assert on_existing.data_subject == ""
    # ... and A's log page never names B.
    login_as(make_member(role=Role.PRIVACY_OFFICER, organisation=org_a))
    page = client.get("/verwerkingslogboek/", {"refused": "on"}).content.decode()
    assert str(target.pk) in page
    assert org_b.name not in page


def test_a_partners_read_of_a_shared_case_shows_in_the_owners_log(
    make_organisation: Callable[..., Organisation],
    make_member: Callable[..., Membership],
) -> None:
    kind = OrganisationKind.CARE_COORDINATION
    org_b = make_organisation(name="Eigenaar B", kind=kind)
    org_a = make_organisation(name="Partner A", kind=kind)
    owner = factories.actor(Role.CARE_COORDINATOR, org_b)
    case = factories.open_case(owner)
    referral = factories.refer_with_consent(owner, case, org_a)
    partner = factories.actor(Role.CARE_COORDINATOR, org_a)
    case_services.referral_respond(actor=partner, referral=referral, accept=True)

    case_get_for_actor(actor=partner, case_id=case.pk)
    officer_b = _officer(make_member, org_b)
    reads = processing_log_for_actor(
        actor=officer_b, filters=LogFilter(object_type="cases.case", object_id=str(case.pk))
    ).filter(organisation_id=org_a.pk, action="view")
    assert reads.count() == 1

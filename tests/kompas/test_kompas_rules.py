"""Kompas's refusals and owner rules, each checked to raise and to write nothing (issue
#20): notes only by their owner, shares only to and by the right person, a
municipality's self-assessment and actions only in that municipality, the sociale kaart
only by the region's beheerder, training checks and certificates."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import Action, ProcessingLogEntry
from bovenwater.audit.purposes import Purpose
from bovenwater.kompas import (
    assessment,
    learning,
    selectors,
    services,
    socialmap_services,
    training,
    training_services,
)
from bovenwater.kompas.models import (
    ActionItem,
    Certificate,
    HelpEntry,
    Note,
    ScenarioAttempt,
    Share,
    TargetKind,
)

pytestmark = pytest.mark.django_db
PATH = "beleidsmedewerker"
HEADER = "naam;soort;gemeente;diensten;talen;telefoon;openingstijden;doorverwijzen;website"


def actor_of(membership: Membership) -> Actor:
    return Actor(user=membership.user, membership=membership)


def _last(object_type: str, object_id: object) -> ProcessingLogEntry:
    return ProcessingLogEntry.objects.filter(
        object_type=object_type, object_id=str(object_id)
    ).latest("pk")


@pytest.fixture
def org_a(make_organisation: Callable[..., Organisation]) -> Organisation:
    return make_organisation(name="Gemeente Zwolle", municipality_code="GM0193")


@pytest.fixture
def org_b(make_organisation: Callable[..., Organisation]) -> Organisation:
    return make_organisation(name="Gemeente Amsterdam", municipality_code="GM0363")


# -- notes and shares -------------------------------------------------------------------


def test_a_note_is_changed_read_and_deleted_only_by_its_owner(
    make_member: Callable[..., Membership], org_a: Organisation, org_b: Organisation
) -> None:
    owner = actor_of(make_member(organisation=org_a))
    other = actor_of(make_member(organisation=org_b))
    note = services.note_create(actor=owner, kind=TargetKind.CARD, target="vorm-labour", body="A")
    for body, message in (("  ", "Schrijf een notitie."), ("x" * 5001, "hoogstens 5000")):
        with pytest.raises(ValidationError) as error:
            services.note_update(actor=owner, note=note, body=body)
        assert message in str(error.value.message_dict["body"])
    with pytest.raises(PermissionDenied):
        services.note_update(actor=other, note=note, body="overschreven")
    with pytest.raises(PermissionDenied):
        services.note_delete(actor=other, note=note)
    assert Note.objects.get().body == "A"

    services.note_update(actor=owner, note=note, body="  B  ")
    assert Note.objects.get().body == "B"
    assert _last("kompas.note", note.pk).action == Action.UPDATE

    assert (
        selectors.note_get_for_actor(actor=owner, note_id=note.pk, purpose=Purpose.KOMPAS) == note
    )
    read = _last("kompas.note", note.pk)
    assert (read.action, read.refused, read.actor_user_id) == (Action.VIEW, False, owner.user.pk)
    with pytest.raises(Http404):
        selectors.note_get_for_actor(actor=other, note_id=note.pk, purpose=Purpose.KOMPAS)
    refusal = _last("kompas.note", note.pk)
    assert refusal.refused and refusal.actor_user_id == other.user.pk
    assert refusal.owner_organisation_id == org_a.pk  # the owner's officer sees the attempt

    note_id = note.pk
    services.note_delete(actor=owner, note=note)
    assert not Note.objects.exists()
    assert _last("kompas.note", note_id).action == Action.DELETE


def test_a_share_needs_a_short_message_and_an_existing_part_and_only_its_recipient_reads_it(
    make_member: Callable[..., Membership], org_a: Organisation, org_b: Organisation
) -> None:
    sender = actor_of(make_member(organisation=org_a))
    recipient = actor_of(make_member(organisation=org_a))
    with pytest.raises(ValidationError) as error:
        services.share_create(
            actor=sender,
            kind=TargetKind.CARD,
            target="vorm-labour",
            recipient=recipient.user,
            message="x" * 501,
        )
    assert "hoogstens 500" in str(error.value.message_dict["message"])
    with pytest.raises(ValidationError, match="Dit onderdeel bestaat niet"):
        services.share_create(
            actor=sender, kind=TargetKind.CARD, target="bestaat-niet", recipient=recipient.user
        )
    assert not Share.objects.exists()
    share = services.share_create(
        actor=sender, kind=TargetKind.CARD, target="vorm-labour", recipient=recipient.user
    )
    with pytest.raises(PermissionDenied):
        services.share_mark_read(actor=sender, share=share)
    assert Share.objects.get().read_at is None
    services.share_mark_read(actor=recipient, share=share)
    assert Share.objects.get().read_at is not None
    with pytest.raises(Http404):  # the sender does not read it as a received share
        selectors.share_get_for_actor(actor=sender, share_id=share.pk, purpose=Purpose.KOMPAS)
    refusal = _last("kompas.share", share.pk)
    assert refusal.refused and refusal.owner_organisation_id is None  # the same organisation
    stranger = actor_of(make_member(organisation=org_b))
    with pytest.raises(Http404):
        selectors.share_get_for_actor(actor=stranger, share_id=share.pk, purpose=Purpose.KOMPAS)
    assert _last("kompas.share", share.pk).owner_organisation_id == org_a.pk


def test_a_list_of_notes_is_logged_with_its_filter(
    make_member: Callable[..., Membership], org_a: Organisation
) -> None:
    owner = actor_of(make_member(organisation=org_a))
    services.note_create(actor=owner, kind=TargetKind.CARD, target="vorm-labour", body="A")
    notes = selectors.notes_for_actor(
        actor=owner, purpose=Purpose.KOMPAS, kind=TargetKind.CARD, target="vorm-labour"
    )
    assert len(notes) == 1
    entry = _last("kompas.note", f"owner:{owner.user.pk}")
    assert entry.details == {"count": 1, "kind": "card", "target": "vorm-labour"}
    assert selectors.notes_for_actor(actor=owner, purpose=Purpose.KOMPAS, target="ander") == []
    entry = _last("kompas.note", f"owner:{owner.user.pk}")
    assert entry.details == {"count": 0, "kind": "", "target": "ander"}


# -- self-assessment and actions ---------------------------------------------------------


def _answers() -> dict[str, int]:
    return {s.code: 1 for s in assessment.yardstick().statements}


def test_a_self_assessment_is_read_only_in_its_municipality(
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
    org_a: Organisation,
    org_b: Organisation,
) -> None:
    officer_a = actor_of(make_member(role=Role.POLICY_OFFICER, organisation=org_a))
    officer_b = actor_of(make_member(role=Role.POLICY_OFFICER, organisation=org_b))
    item = services.assessment_submit(actor=officer_a, answers=_answers())
    assert selectors.assessments_for_actor(actor=officer_a, purpose=Purpose.KOMPAS) == [item]
    assert selectors.assessments_for_actor(actor=officer_b, purpose=Purpose.KOMPAS) == []
    # the permission alone is not enough: only a municipality has a self-assessment
    # (kinds sorting before and after "municipality")
    for kind in (OrganisationKind.POLICE, OrganisationKind.CARE_COORDINATION):
        other = make_organisation(kind=kind)
        director = actor_of(make_member(role=Role.CHAIN_DIRECTOR, organisation=other))
        with pytest.raises(PermissionDenied):
            selectors.assessments_for_actor(actor=director, purpose=Purpose.KOMPAS)
        with pytest.raises(PermissionDenied):
            selectors.actions_for_actor(actor=director, purpose=Purpose.KOMPAS)


def test_the_region_shows_the_scores_of_the_latest_assessment_and_none_without_one(
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
    org_b: Organisation,
) -> None:
    # GM0362 Amstelveen and GM0437 Ouder-Amstel share the police unit Amsterdam with org_b
    director = actor_of(make_member(role=Role.CHAIN_DIRECTOR, organisation=org_b))
    assessed = make_organisation(name="Gemeente Amstelveen", municipality_code="GM0362")
    officer = actor_of(make_member(role=Role.POLICY_OFFICER, organisation=assessed))
    services.assessment_submit(actor=officer, answers=_answers())
    services.consent_set(actor=officer, share_with_region=True)
    silent = make_organisation(name="Gemeente Ouder-Amstel", municipality_code="GM0437")
    services.consent_set(
        actor=actor_of(make_member(role=Role.POLICY_OFFICER, organisation=silent)),
        share_with_region=True,
    )
    rows = selectors.region_assessments_for_actor(actor=director, purpose=Purpose.KOMPAS)
    assert [r.organisation.name for r in rows] == ["Gemeente Amstelveen", "Gemeente Ouder-Amstel"]
    assert rows[0].scores == assessment.scores(_answers())
    assert (rows[1].latest, rows[1].scores) == (None, None)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"statement_code": "bestaat-niet"}, "statement_code"),
        ({"title": "   "}, "title"),
        ({"owner": "  "}, "owner"),
    ],
)
def test_an_action_item_needs_a_known_statement_a_title_and_an_owner(
    make_member: Callable[..., Membership],
    org_a: Organisation,
    fields: dict[str, Any],
    field: str,
) -> None:
    officer = actor_of(make_member(role=Role.POLICY_OFFICER, organisation=org_a))
    values: dict[str, Any] = {
        "title": "Aandachtsfunctionaris",
        "owner": "Teamleider",
        "deadline": datetime.date(2027, 3, 1),
        "statement_code": "signalering-b2",
        **fields,
    }
    with pytest.raises(ValidationError) as error:
        services.action_create(actor=officer, **values)
    assert list(error.value.message_dict) == [field]
    assert not ActionItem.objects.exists()


def test_an_unknown_action_status_is_refused(
    make_member: Callable[..., Membership], org_a: Organisation
) -> None:
    officer = actor_of(make_member(role=Role.POLICY_OFFICER, organisation=org_a))
    item = services.action_create(
        actor=officer, title="Actie", owner="Wie", deadline=datetime.date(2027, 1, 1)
    )
    with pytest.raises(ValidationError):
        services.action_set_status(actor=officer, item=item, status="klaar-ish")
    assert ActionItem.objects.get().status == "open"
    assert selectors.action_get_for_actor(actor=officer, action_id=item.pk) == item


# -- the sociale kaart ---------------------------------------------------------------------


def _entry(name: str = "Tolk Test", **extra: str) -> dict[str, str]:
    return {
        "naam": name,
        "soort": "tolk",
        "gemeente": "Zwolle",
        "diensten": "Tolken",
        "talen": "Pools",
        "telefoon": "038 - 1",
        "openingstijden": "altijd",
        "doorverwijzen": "Bellen",
        **extra,
    }


def test_the_beheerder_keeps_the_own_regions_entries_and_no_other(
    make_member: Callable[..., Membership], org_a: Organisation, org_b: Organisation
) -> None:
    beheerder = actor_of(make_member(role=Role.ADMINISTRATOR, organisation=org_a))
    elsewhere = actor_of(make_member(role=Role.ADMINISTRATOR, organisation=org_b))
    entry = socialmap_services.entry_save(actor=beheerder, data=_entry())
    assert entry.police_unit is not None
    assert (entry.name, entry.police_unit.name) == ("Tolk Test", "Oost-Nederland")
    assert _last("kompas.help_entry", entry.pk).action == Action.CREATE
    socialmap_services.entry_save(actor=beheerder, data=_entry(telefoon="038 - 2"), entry=entry)
    assert HelpEntry.objects.get().phone == "038 - 2"
    assert _last("kompas.help_entry", entry.pk).action == Action.UPDATE
    with pytest.raises(ValidationError) as error:  # the same name twice in the region
        socialmap_services.entry_save(actor=beheerder, data=_entry("tolk test"))
    assert "staat al op de sociale kaart" in str(error.value.message_dict["naam"])
    with pytest.raises(ValidationError) as error:
        socialmap_services.entry_save(actor=beheerder, data=_entry("Ander", website="geen url"))
    assert "geldig webadres" in str(error.value.message_dict["website"])
    with pytest.raises(PermissionDenied):
        socialmap_services.entry_save(actor=elsewhere, data=_entry("Overgenomen"), entry=entry)
    with pytest.raises(PermissionDenied):
        socialmap_services.entry_delete(actor=elsewhere, entry=entry)
    signaller = actor_of(make_member(role=Role.SIGNALLER, organisation=org_a))
    with pytest.raises(PermissionDenied):
        socialmap_services.entry_delete(actor=signaller, entry=entry)
    assert HelpEntry.objects.get().name == "Tolk Test"
    entry_id = entry.pk
    socialmap_services.entry_delete(actor=beheerder, entry=entry)
    assert not HelpEntry.objects.exists()
    assert _last("kompas.help_entry", entry_id).action == Action.DELETE


def _row(name: str) -> str:
    return f"{name};tolk;Zwolle;Tolken;Pools;038 - 1;altijd;Bellen;https://tolk.example"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("\ufffe".encode("utf-16"), "geen UTF-8-tekst"),
        (b"naam;soort\nA;tolk\n", "Deze kolommen ontbreken: gemeente, diensten"),
        (f"{HEADER}\n".encode(), "Het bestand bevat geen regels."),
        (f"{HEADER}\n{_row('Tolk')}\n{_row('TOLK')}\n".encode(), "Er is niets ingelezen"),
        (f"{HEADER}\n{_row('Een')}\n{_row('Twee')}\n{_row('Drie')}\n".encode(), "Meer dan 2000"),
        (f"{HEADER}\n{_row('Een')}\n".encode() + b" " * 400, "groter dan 2 MB"),
    ],
)
def test_an_import_that_is_refused_writes_nothing(
    make_member: Callable[..., Membership],
    org_a: Organisation,
    monkeypatch: Any,
    data: bytes,
    message: str,
) -> None:
    monkeypatch.setattr(socialmap_services, "MAX_ROWS", 2)
    monkeypatch.setattr(socialmap_services, "MAX_BYTES", len(HEADER) + 4 * len(_row("Tolk")))
    beheerder = actor_of(make_member(role=Role.ADMINISTRATOR, organisation=org_a))
    with pytest.raises(socialmap_services.ImportRefused) as refused:
        socialmap_services.import_csv(actor=beheerder, data=data)
    assert message in refused.value.message
    if "niets ingelezen" in message:
        assert [(r.row, r.name) for r in refused.value.rows] == [(3, "TOLK")]
        assert "twee keer" in refused.value.rows[0].errors["naam"]
    assert not HelpEntry.objects.exists()
    assert socialmap_services.import_csv(
        actor=beheerder, data=f"{HEADER}\n{_row('Een')}\n".encode()
    ) == (1, 0)


# -- training ------------------------------------------------------------------------------


def _path() -> learning.Path:
    item = learning.path(PATH)
    assert item is not None
    return item


def _drawn(item: learning.Path, module: str | None) -> list[learning.Drawn]:
    return learning.draw(
        learning.pool_for(item, module), learning.size_for(item, module), random.Random(3)
    )


def test_a_check_needs_a_module_of_the_path_and_every_answer(
    make_member: Callable[..., Membership],
) -> None:
    learner = actor_of(make_member())
    item = _path()
    other_module = next(m for m in learning.banks() if m not in item.modules)
    with pytest.raises(ValidationError, match="hoort niet bij deze leerroute"):
        training_services.quiz_submit(
            actor=learner, item=item, module=other_module, drawn=[], answers={}
        )
    drawn = _drawn(item, item.modules[0])
    answers: dict[str, int | None] = {d.question.id: 0 for d in drawn}
    answers[drawn[-1].question.id] = None
    with pytest.raises(ValidationError) as error:
        training_services.quiz_submit(
            actor=learner, item=item, module=item.modules[0], drawn=drawn, answers=answers
        )
    assert list(error.value.message_dict) == [drawn[-1].question.id]
    assert selectors.progress_of_actor(actor=learner)[0].modules == {}
    assert selectors.path_progress(learner.user.pk, item).next_module == item.modules[0]


def test_an_unfinished_scenario_is_not_stored_and_the_best_attempt_counts(
    make_member: Callable[..., Membership],
) -> None:
    learner = actor_of(make_member())
    scenario = training.scenarios()[0]
    with pytest.raises(ValidationError, match="nog niet af"):
        training_services.scenario_finish(actor=learner, run=training.replay(scenario, []))
    assert not ScenarioAttempt.objects.exists()
    paths = sorted(training.all_paths(scenario), key=lambda p: training.replay(scenario, p).points)
    worst, best = training.replay(scenario, paths[0]), training.replay(scenario, paths[-1])
    assert worst.points < best.points
    for run in (worst, best, worst):
        training_services.scenario_finish(actor=learner, run=run)
    kept = selectors.best_attempts_of_actor(actor=learner)
    assert list(kept) == [scenario.slug]
    assert kept[scenario.slug].points == best.points


def test_a_certificate_is_revoked_only_by_a_manager_of_its_organisation_and_not_reissued(
    make_member: Callable[..., Membership], org_a: Organisation, org_b: Organisation
) -> None:
    learner = actor_of(make_member(organisation=org_a))
    certificate = Certificate.objects.create(
        user=learner.user,
        organisation=org_a,
        path_slug=PATH,
        path_title="Beleid",
        name="Test Gebruiker",
        code="ABCD-EFGH-JKLM",
        issued_on=datetime.date(2026, 12, 1),
    )
    colleague = actor_of(make_member(role=Role.SIGNALLER, organisation=org_a))
    other_manager = actor_of(make_member(role=Role.ADMINISTRATOR, organisation=org_b))
    with pytest.raises(Http404):  # another organisation's manager does not find it
        selectors.certificate_get_for_manager(
            actor=other_manager, code=certificate.code, purpose=Purpose.KOMPAS
        )
    refusal = _last("kompas.certificate", certificate.code)
    assert refusal.refused and refusal.owner_organisation_id == org_a.pk
    with pytest.raises(PermissionDenied):
        selectors.certificate_get_for_manager(
            actor=colleague, code=certificate.code, purpose=Purpose.KOMPAS
        )
    # the public check is logged without an actor, in the certificate's organisation
    assert (
        selectors.certificate_verify(code="abcd-efgh-jklm", purpose=Purpose.KOMPAS) == certificate
    )
    check = _last("kompas.certificate", certificate.pk)
    assert (check.actor_user_id, check.organisation_id) == (None, org_a.pk)
    assert check.details == {"public_verification": True}
    assert selectors.certificate_verify(code="ZZZZ-ZZZZ-ZZZZ", purpose=Purpose.KOMPAS) is None
    for actor in (colleague, other_manager):
        with pytest.raises(PermissionDenied):
            training_services.certificate_revoke(actor=actor, certificate=certificate)
    assert Certificate.objects.get().revoked_at is None
    manager = actor_of(make_member(role=Role.ADMINISTRATOR, organisation=org_a))
    training_services.certificate_revoke(actor=manager, certificate=certificate)
    assert Certificate.objects.get().revoked_at is not None
    with pytest.raises(ValidationError, match="ingetrokken"):
        training_services.certificate_issue(actor=learner, item=_path())
    assert Certificate.objects.count() == 1

"""Notes are private, shares reach only colleagues, the self-assessment stays in its
municipality, and every read of personal data is logged."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import Action, ProcessingLogEntry
from bovenwater.audit.purposes import Purpose
from bovenwater.kompas import assessment, selectors, services
from bovenwater.kompas.models import ActionItem, Note, SelfAssessment, Share, TargetKind

pytestmark = pytest.mark.django_db
SECTION = "bedenktijd-b8#de-drempel-de-geringste-aanwijzing"


def actor_of(membership: Membership) -> Actor:
    return Actor(user=membership.user, membership=membership)


@pytest.fixture
def org_a(make_organisation: Callable[..., Organisation]) -> Organisation:
    return make_organisation(name="Gemeente A")


@pytest.fixture
def org_b(make_organisation: Callable[..., Organisation]) -> Organisation:
    return make_organisation(name="Gemeente B", municipality_code="GM0599")


def test_note_is_private_to_its_owner_and_reads_are_logged(
    make_member: Callable[..., Membership], org_a: Organisation
) -> None:
    owner = actor_of(make_member(organisation=org_a))
    colleague = actor_of(make_member(organisation=org_a))
    note = services.note_create(
        actor=owner, kind=TargetKind.SECTION, target=SECTION, body="Bespreken in teamoverleg"
    )
    assert [n.pk for n in selectors.notes_for_actor(actor=owner, purpose=Purpose.KOMPAS)] == [
        note.pk
    ]
    assert selectors.notes_for_actor(actor=colleague, purpose=Purpose.KOMPAS) == []
    with pytest.raises(Http404):
        selectors.note_get_for_actor(actor=colleague, note_id=note.pk, purpose=Purpose.KOMPAS)
    logged = ProcessingLogEntry.objects.filter(
        object_type="kompas.note", action=Action.VIEW, actor_user_id=owner.user.pk
    )
    assert logged.count() == 1
    assert logged.get().data_subject == f"user:{owner.user.pk}"


def test_colleague_cannot_edit_or_delete_someone_elses_note(
    make_member: Callable[..., Membership], org_a: Organisation
) -> None:
    owner = actor_of(make_member(organisation=org_a))
    other = actor_of(make_member(organisation=org_a))
    note = services.note_create(
        actor=owner, kind=TargetKind.SCENARIO, target="nagelstudio", body="x"
    )
    with pytest.raises(PermissionDenied):
        services.note_update(actor=other, note=note, body="overschreven")
    with pytest.raises(PermissionDenied):
        services.note_delete(actor=other, note=note)
    note.refresh_from_db()
    assert note.body == "x"


def test_note_on_unknown_target_is_refused_and_not_written(
    make_member: Callable[..., Membership],
) -> None:
    owner = actor_of(make_member())
    with pytest.raises(ValidationError):
        services.note_create(actor=owner, kind=TargetKind.SECTION, target="bestaat#niet", body="x")
    with pytest.raises(ValidationError):
        services.note_create(actor=owner, kind=TargetKind.CARD, target="vorm-onbekend", body="x")
    assert Note.objects.count() == 0


def test_share_reaches_the_colleague_with_mail_and_never_carries_notes(
    make_member: Callable[..., Membership],
    org_a: Organisation,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]],
) -> None:
    sender = actor_of(make_member(organisation=org_a))
    recipient_membership = make_member(organisation=org_a)
    recipient_membership.user.email = "collega@example.org"
    recipient_membership.user.save()
    services.note_create(actor=sender, kind=TargetKind.CARD, target="vorm-labour", body="GEHEIM")
    with django_capture_on_commit_callbacks(execute=True):
        share = services.share_create(
            actor=sender,
            kind=TargetKind.CARD,
            target="vorm-labour",
            recipient=recipient_membership.user,
            message="Handig voor de controle",
        )
    recipient = actor_of(recipient_membership)
    received = selectors.shares_received_for_actor(actor=recipient, purpose=Purpose.KOMPAS)
    assert [s.pk for s in received] == [share.pk]
    assert selectors.unread_share_count(actor=recipient) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["collega@example.org"]
    assert "Handig voor de controle" in mail.outbox[0].body
    assert "GEHEIM" not in mail.outbox[0].body
    assert selectors.notes_for_actor(actor=recipient, purpose=Purpose.KOMPAS) == []
    services.share_mark_read(actor=recipient, share=share)
    assert selectors.unread_share_count(actor=recipient) == 0
    with pytest.raises(Http404):
        selectors.share_get_for_actor(actor=sender, share_id=share.pk, purpose=Purpose.KOMPAS)


def test_share_outside_the_organisation_is_refused_and_not_written(
    make_member: Callable[..., Membership], org_a: Organisation, org_b: Organisation
) -> None:
    sender = actor_of(make_member(organisation=org_a))
    stranger = make_member(organisation=org_b)
    with pytest.raises(PermissionDenied):
        services.share_create(
            actor=sender, kind=TargetKind.SCENARIO, target="loverboy", recipient=stranger.user
        )
    with pytest.raises(ValidationError):
        services.share_create(
            actor=sender, kind=TargetKind.SCENARIO, target="loverboy", recipient=sender.user
        )
    assert Share.objects.count() == 0
    recipients = selectors.share_recipients_for_actor(actor=sender, purpose=Purpose.KOMPAS)
    assert stranger.pk not in {m.pk for m in recipients}


def _answers(value: int = 2) -> dict[str, int]:
    return {s.code: value for s in assessment.yardstick().statements}


def test_self_assessment_only_for_a_municipality_role_with_permission(
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
    org_a: Organisation,
) -> None:
    signaller = actor_of(make_member(role=Role.SIGNALLER, organisation=org_a))
    with pytest.raises(PermissionDenied):
        services.assessment_submit(actor=signaller, answers=_answers())
    police = make_organisation(kind=OrganisationKind.POLICE)
    director_at_police = actor_of(make_member(role=Role.CHAIN_DIRECTOR, organisation=police))
    with pytest.raises(PermissionDenied):
        services.assessment_submit(actor=director_at_police, answers=_answers())
    officer = actor_of(make_member(role=Role.POLICY_OFFICER, organisation=org_a))
    incomplete = _answers()
    del incomplete["beleid-b1"]
    with pytest.raises(ValidationError):
        services.assessment_submit(actor=officer, answers=incomplete)
    assert SelfAssessment.objects.count() == 0
    services.assessment_submit(actor=officer, answers=_answers(1))
    assert SelfAssessment.objects.get().organisation == org_a


def test_action_items_stay_in_their_municipality(
    make_member: Callable[..., Membership], org_a: Organisation, org_b: Organisation
) -> None:
    officer_a = actor_of(make_member(role=Role.POLICY_OFFICER, organisation=org_a))
    officer_b = actor_of(make_member(role=Role.POLICY_OFFICER, organisation=org_b))
    item = services.action_create(
        actor=officer_a,
        title="Aandachtsfunctionaris aanwijzen",
        owner="Teamleider OOV",
        deadline=datetime.date(2027, 3, 1),
        statement_code="signalering-b2",
    )
    assert [
        a.pk for a in selectors.actions_for_actor(actor=officer_b, purpose=Purpose.KOMPAS)
    ] == []
    with pytest.raises(Http404):
        selectors.action_get_for_actor(actor=officer_b, action_id=item.pk)
    with pytest.raises(PermissionDenied):
        services.action_set_status(actor=officer_b, item=item, status="done")
    item.refresh_from_db()
    assert item.status == "open"
    services.action_set_status(actor=officer_a, item=item, status="done")
    assert ActionItem.objects.get().status == "done"


def test_chain_director_sees_region_municipalities_only_with_consent(
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
) -> None:
    # GM0363 Amsterdam and GM0362 Amstelveen share the police unit Amsterdam.
    home = make_organisation(name="Gemeente Thuis", municipality_code="GM0363")
    neighbour = make_organisation(name="Gemeente Buur", municipality_code="GM0362")
    far = make_organisation(name="Gemeente Ver", municipality_code="GM0599")
    director = actor_of(make_member(role=Role.CHAIN_DIRECTOR, organisation=home))
    for organisation in (neighbour, far):
        officer = actor_of(make_member(role=Role.POLICY_OFFICER, organisation=organisation))
        services.assessment_submit(actor=officer, answers=_answers())
        services.consent_set(actor=officer, share_with_region=True)
    rows = selectors.region_assessments_for_actor(actor=director, purpose=Purpose.KOMPAS)
    assert [r.organisation.name for r in rows] == ["Gemeente Buur"]
    neighbour_officer = actor_of(make_member(role=Role.POLICY_OFFICER, organisation=neighbour))
    services.consent_set(actor=neighbour_officer, share_with_region=False)
    assert selectors.region_assessments_for_actor(actor=director, purpose=Purpose.KOMPAS) == []
    officer = actor_of(make_member(role=Role.POLICY_OFFICER, organisation=home))
    with pytest.raises(PermissionDenied):
        selectors.region_assessments_for_actor(actor=officer, purpose=Purpose.KOMPAS)

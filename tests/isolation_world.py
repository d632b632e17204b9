"""Organisation B's real records for the isolation walk (tests/test_access_isolation.py).

Every record is made through the services, as B's own staff would, and every personal-data
field carries a marker starting with ``Geheimsma``, so a page or API answer that shows any
of it to organisation A trips the walk. Returned: the ids (for ``<int:…>`` parameters) and
the string references (case and signal numbers, for ``<str:…>`` parameters).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from tests.cases import factories

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.cases import services as cases
from bovenwater.cases.models import SharedPart
from bovenwater.cases.types import VictimDetails
from bovenwater.intake import services as intake
from bovenwater.kompas import services as kompas
from bovenwater.kompas.models import TargetKind
from bovenwater.reference.models import ExploitationForm, Municipality, Nationality

PDF = b"%PDF-1.4\n% Geheimsma bijlage\n%%EOF\n"


def _actor(role: Role, organisation: Organisation) -> Actor:
    membership: Membership = factories.member(role, organisation)
    return Actor(user=membership.user, membership=membership)


def records_of_b(organisation: Organisation, coordinator: Membership) -> dict[str, Any]:
    """A signal with attachment, a case with victim, consent, accepted referral (to a
    third organisation), note, task, meeting with decision and measure, and Kompas notes,
    a share and a self-assessment, all B's."""
    rotterdam = Municipality.objects.get(code="GM0599")
    signaller = _actor(Role.SIGNALLER, organisation)
    signal = intake.signal_submit(
        actor=signaller,
        data=intake.SignalInput(
            description="Geheimsma signaal: vier mannen in de opslag",
            municipality=rotterdam,
            forms=[ExploitationForm.objects.get(code="LABOUR")],
            victim=intake.PersonInput(
                name="Geheimsma Slachtoffer", alias="Geheimsma-alias", estimated_age=30
            ),
            address="Geheimsmastraat 1",
        ),
        attachments=[
            SimpleUploadedFile("geheimsma.pdf", PDF, content_type="application/pdf"),
        ],
    )
    owner = Actor(user=coordinator.user, membership=coordinator)
    case = cases.case_open(
        actor=owner,
        owner=organisation,
        coordinator=owner.user,
        victim=VictimDetails(
            estimated_age=24,
            gender="female",
            nationality=Nationality.objects.get(code="RO"),
            language="Geheimsma-taal",
            first_name="Geheimsma",
            last_name="Geheimsma-achternaam",
        ),
        crime_municipality=rotterdam,
        origin_signal_reference=signal.reference,
        reason="Geheimsma reden",
    )
    cases.case_note_add(actor=owner, case=case, text="Geheimsma casusnotitie")
    task = cases.task_create(
        actor=owner,
        case=case,
        title="Geheimsma taak",
        deadline=timezone.localdate() + datetime.timedelta(days=3),
        assignee=owner.user,
    )
    police = factories.organisation(OrganisationKind.POLICE, "GM0599", name="Politie C")
    consent = cases.consent_record(
        actor=owner,
        case=case,
        subject_matter="Geheimsma toestemming",
        recipient=police,
        purpose="Geheimsma doel",
        given_on=timezone.localdate(),
        given_by="Geheimsma zelf",
    )
    referral = cases.referral_send(
        actor=owner,
        case=case,
        to_organisation=police,
        kind="police_report",
        shared_parts=[SharedPart.SUMMARY, SharedPart.VICTIM],
        consent=consent,
        note="Geheimsma verwijzing",
    )
    cases.referral_respond(actor=_actor(Role.INVESTIGATOR, police), referral=referral, accept=True)
    meeting = cases.meeting_create(
        actor=owner,
        title="Geheimsma overleg",
        held_on=timezone.localdate() + datetime.timedelta(days=7),
        attendees=[organisation],
        agenda=[case],
    )
    decision = cases.meeting_decision_add(
        actor=owner,
        meeting=meeting,
        case=case,
        text="Geheimsma besluit",
        owner_organisation=organisation,
        deadline=timezone.localdate() + datetime.timedelta(days=14),
    )
    measure = cases.measure_create(
        actor=_actor(Role.CONTACT_OFFICER, organisation),
        kind="closure",
        target="Geheimsma-pand",
        legal_ground="Gemeentewet art. 174a (Geheimsma)",
        started_on=timezone.localdate(),
        case=case,
    )
    reader = _actor(Role.CARE_COORDINATOR, organisation)
    note = kompas.note_create(
        actor=owner, kind=TargetKind.CARD, target="vorm-labour", body="Geheimsma kompasnotitie"
    )
    share = kompas.share_create(
        actor=owner,
        kind=TargetKind.CARD,
        target="vorm-labour",
        recipient=reader.user,
        message="Geheimsma gedeeld",
    )
    ids = {
        signal.pk,
        case.pk,
        task.pk,
        consent.pk,
        referral.pk,
        meeting.pk,
        decision.pk,
        measure.pk,
        note.pk,
        share.pk,
        *signal.attachments.values_list("pk", flat=True),
    }
    return {
        "ids": ids,
        "strings": [case.number, signal.reference],
        "own_pages": [f"/casussen/{case.pk}/", f"/signalen/{signal.reference}/"],
    }

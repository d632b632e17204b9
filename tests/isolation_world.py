"""Organisation B's real records for the isolation walk (tests/test_access_isolation.py).

Every record is made through the services, as B's own staff would, and every personal-data
field carries a marker starting with ``Geheimsma``, so a page or API answer that shows any
of it to organisation A trips the walk. Returned: the ids (for ``<int:…>`` parameters) and
the string references (case and signal numbers, for ``<str:…>`` parameters).
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from tests.cases import factories

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.adscan.generate import generate
from bovenwater.cases import services as cases
from bovenwater.cases.models import SharedPart, Shelter, ShelterCapacity, ShelterCategory
from bovenwater.cases.types import VictimDetails
from bovenwater.estimation import services as estimation
from bovenwater.intake import services as intake
from bovenwater.kompas import assessment as kompas_assessment
from bovenwater.kompas import services as kompas
from bovenwater.kompas.models import TargetKind
from bovenwater.reference.models import ExploitationForm, Municipality, Nationality
from bovenwater.registry.models import Registration
from bovenwater.webscan import services as webscan
from bovenwater.webscan.models import Ad, DecisionKind, Network, SourceKind

PDF = b"%PDF-1.4\n% Geheimsma bijlage\n%%EOF\n"


def _actor(role: Role, organisation: Organisation, can_login: bool = False) -> Actor:
    membership: Membership = factories.member(role, organisation, can_login=can_login)
    return Actor(user=membership.user, membership=membership)


def records_of_b(organisation: Organisation, coordinator: Membership) -> dict[str, Any]:
    """A signal with attachment, a case with victim, consent, accepted referral (to a
    third organisation), note, task, meeting with decision and measure, a placement and a
    waiting placement request, a registration with the national registrar, an estimate
    run, a self-assessment with an action, Kompas notes and a share, all B's; and the web
    screening of B's police team (source, scan, networks with a decision, ads)."""
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
    webscan_ids, webscan_page = _webscan_of_b(organisation)
    placement_ids = _placements_of_b(owner, case)
    registration = _registration_of_b(owner, case)
    analyst = _actor(Role.ANALYST, organisation, can_login=True)
    estimate = estimation.run_request_from_overlap(
        actor=analyst,
        year="2025",
        lists=("Geheimsma-lijst-1", "Geheimsma-lijst-2"),
        counts=(7, 5, 2),
        origin_label="Geheimsma koppeling",
        origin_id=1,
        enqueue=False,
    )
    officer = _actor(Role.POLICY_OFFICER, organisation, can_login=True)
    assessment = kompas.assessment_submit(
        actor=officer, answers={s.code: 1 for s in kompas_assessment.yardstick().statements}
    )
    action = kompas.action_create(
        actor=officer,
        title="Geheimsma actie",
        owner="Geheimsma eigenaar",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )
    ids = {
        *placement_ids,
        registration.pk,
        estimate,
        assessment.pk,
        action.pk,
        *webscan_ids,
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
        # Pages of B's other kinds, with the member of B (or of B's police team) who may
        # open them: the markers are on them, so the walk could find them there.
        "own_views": [
            (analyst.membership, f"/schatting/{estimate}/"),
            (officer.membership, "/kompas/zelfevaluatie/"),
            webscan_page,
        ],
    }


def _placements_of_b(owner: Actor, case: Any) -> set[int]:
    """A placement of B's case in a shelter (with its request) and a second request
    still waiting: ``/casussen/plaatsingen/<id>/``, ``/casussen/opvang/verzoek/<id>/``."""
    region = case.crime_municipality.police_unit
    shelter = Shelter.objects.create(
        name="Opvang B",
        organisation=factories.organisation(OrganisationKind.SHELTER),
        region=region,
        municipality=case.crime_municipality,
    )
    ShelterCapacity.objects.create(shelter=shelter, category=ShelterCategory.WOMEN, places=2)
    request = cases.placement_request_create(
        actor=owner, case=case, category=ShelterCategory.WOMEN, region=region, note="Geheimsma"
    )
    placement = cases.placement_create(actor=owner, request=request, shelter=shelter)
    waiting = cases.placement_request_create(
        actor=owner,
        case=case,
        category=ShelterCategory.OMM,
        region=region,
        note="Geheimsma wachtlijst",
    )
    return {request.pk, placement.pk, waiting.pk}


def _registration_of_b(owner: Actor, case: Any) -> Registration:
    """B registers its case's victim with the national registrar, with consent."""
    registrar = factories.organisation(OrganisationKind.NATIONAL_REGISTRAR, name="Registratie C")
    cases.consent_record(
        actor=owner,
        case=case,
        subject_matter="Geheimsma registratie",
        recipient=registrar,
        purpose="Geheimsma landelijke registratie",
        given_on=timezone.localdate(),
        given_by="Geheimsma zelf",
    )
    return cases.case_register(actor=owner, case=case, basis="consent")


def _webscan_of_b(organisation: Organisation) -> tuple[set[int], tuple[Membership, str]]:
    """B's side of the web screening (a municipality may not screen, so B's police team
    in the same region owns it): a source, a scan of advertisements carrying markers, the
    networks found (one with a decision) and their ads."""
    police = factories.organisation(OrganisationKind.POLICE, "GM0599", name="Politie B")
    admin = _actor(Role.ADMINISTRATOR, police)
    analyst = _actor(Role.ANALYST, police, can_login=True)
    source = webscan.source_create(
        actor=admin,
        data=webscan.SourceInput(
            name="Geheimsma advertentiesite",
            kind=SourceKind.FILE,
            purpose="Opsporen van signalen van seksuele uitbuiting (Geheimsma)",
            legal_basis="Wet politiegegevens art. 3",
            authoriser_name="Geheimsma opdrachtgever",
            authoriser_function="Teamchef",
            authorised_on=datetime.date(2026, 1, 1),
            valid_until=None,
            base_url="",
            retention_days=None,
        ),
    )
    lines = []
    for record in generate(40, seed=11):
        record.pop("network_id", None)
        record["body"] = f"Geheimsma {record['body']}"
        lines.append(json.dumps(record, ensure_ascii=False))
    upload = SimpleUploadedFile("ads.jsonl", ("\n".join(lines) + "\n").encode("utf-8"))
    run = webscan.run_request(actor=analyst, source=source, upload=upload)
    networks = list(Network.objects.filter(run=run).order_by("pk"))
    assert networks, "the scan of B's advertisements found no network"
    webscan.network_decide(
        actor=analyst, network=networks[0], kind=DecisionKind.WATCH, reason="Geheimsma volgen"
    )
    ads = Ad.objects.filter(run=run).values_list("pk", flat=True)[:3]
    page = (analyst.membership, f"/webscan/netwerken/{networks[0].pk}/")
    return {source.pk, run.pk, *(n.pk for n in networks[:3]), *ads}, page

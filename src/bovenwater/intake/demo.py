"""Demo signals across the demo region, in every triage state (idempotent).

Reports are written through the real services (routing, history, processing log),
then back-dated so the lists show realistic ages and some overdue signals.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.intake import routing, services
from bovenwater.intake.counts import count_signal
from bovenwater.intake.deadlines import due_date
from bovenwater.intake.models import Signal, SignalKind, SignalState, Urgency
from bovenwater.lib import idempotency
from bovenwater.reference.models import (
    ExploitationForm,
    Indicator,
    Municipality,
    Nationality,
    Sector,
)

if TYPE_CHECKING:
    from bovenwater.core.demo import SeedReport

SIGNALS_PER_REGION = 60
POLICE_UNITS = ("Oost-Nederland", "Rotterdam", "Amsterdam", "Limburg")

STORIES: dict[str, list[str]] = {
    "LABOUR": [
        "Op een boerderij woont een man in een vervallen caravan zonder stromend water. Hij werkt zeven dagen per week.",
        "In de achterkeuken van een restaurant liggen slaapzakken; het personeel lijkt daar te overnachten.",
        "Uitzendkrachten worden elke ochtend om vijf uur met een busje opgehaald en komen pas laat in de avond terug.",
        "Een schoonmaakster vertelt dat haar werkgever haar paspoort 'bewaart' en dat zij nog een schuld moet afbetalen.",
        "Op een bouwplaats werken mannen zonder veiligheidsmiddelen; zij zeggen geen loon te krijgen tot het project af is.",
    ],
    "SEXUAL": [
        "In een nagelstudio komen de medewerksters nooit buiten; 's avonds gaat het licht achter uit en stopt er een auto.",
        "Een jonge vrouw wordt steeds door dezelfde man naar een hotel gebracht en weer opgehaald.",
        "Via een advertentie wordt een meisje aangeboden dat 'nieuw in de stad' is en 24 uur per dag beschikbaar zou zijn.",
        "Een leerling heeft een veel oudere vriend, draagt opeens dure kleding en verzuimt vaak op maandag.",
    ],
    "CRIMINAL": [
        "Een tiener loopt opeens in een heel dure jas en heeft twee telefoons; hij komt 's nachts laat thuis.",
        "Jongeren worden bij de snackbar aangesproken om 'een pakketje weg te brengen' tegen betaling.",
        "Een jongen met een licht verstandelijke beperking leent zijn bankpas uit aan 'vrienden' die hem daarvoor betalen.",
    ],
}
PUBLIC_STORIES = [
    "In het pand naast ons komen en gaan 's nachts steeds andere vrouwen. De ramen zijn afgeplakt.",
    "Bij de groentekwekerij wonen veel mensen in één kleine woning. Ze worden elke dag met een busje gehaald.",
    "Mijn buurjongen van vijftien heeft opeens veel geld en een nieuwe scooter. Er staan vaak auto's voor de deur.",
    "In de autowasstraat werken mannen die geen Nederlands spreken; ze slapen volgens mij in de loods.",
]
STATE_MIX = (
    [SignalState.NEW] * 5
    + [SignalState.ASSESSING] * 4
    + [SignalState.NO_ACTION] * 3
    + [SignalState.FORWARDED] * 3
    + [SignalState.CASE_OPENED] * 4
    + [SignalState.LINKED] * 1
)


def _actor(username: str, kind: OrganisationKind | None = None) -> Actor | None:
    memberships = Membership.objects.select_related("user", "organisation").filter(
        user__username=username
    )
    if kind is not None:
        memberships = memberships.filter(organisation__kind=kind)
    membership = memberships.first()
    return Actor(user=membership.user, membership=membership) if membership else None


def _recipient_actor(signal: Signal, role: Role) -> Actor | None:
    membership = (
        Membership.objects.select_related("user", "organisation")
        .filter(organisation__received_signals__signal=signal, role=role, is_active=True)
        .first()
    )
    return Actor(user=membership.user, membership=membership) if membership else None


@transaction.atomic
def seed(report: SeedReport) -> None:
    rng = random.Random(20261122)
    forms = {form.code: form for form in ExploitationForm.objects.all()}
    indicators = {code: list(Indicator.objects.filter(forms__code=code)) for code in STORIES}
    nationalities = list(
        Nationality.objects.filter(
            code__in=["NL", "PL", "RO", "BG", "NG", "UA", "VN", "MA", "ER", "BR"]
        )
    )
    sectors = list(Sector.objects.all())
    created = 0
    for unit_index, unit in enumerate(POLICE_UNITS):
        slug = ("oost", "rotterdam", "amsterdam", "limburg")[unit_index]
        municipalities = list(Municipality.objects.filter(police_unit__name=unit).order_by("code"))
        reporters = [
            a for a in (_actor(f"demo.signaleerder.{slug}"), _actor(f"demo.opsporing.{slug}")) if a
        ]
        if not municipalities or not reporters:
            continue
        for index in range(SIGNALS_PER_REGION):
            key = f"demo-{slug}-{index}"
            if idempotency.used(key=key, scopes=("intake.public", "intake.signal")):
                continue
            municipality = rng.choice(municipalities)
            if index % 5 == 0:
                signal, _code = services.public_report_submit(
                    data=services.PublicReportInput(
                        description=rng.choice(PUBLIC_STORIES),
                        municipality=municipality,
                        involves_minor=rng.random() < 0.15,
                        observed_when=rng.choice(["gisteravond", "vorige week", "al maanden"]),
                    ),
                    idempotency_key=key,
                )
            else:
                code = rng.choice(list(STORIES))
                minor = rng.random() < (0.35 if code == "CRIMINAL" else 0.1)
                chosen = rng.sample(indicators[code], k=min(3, len(indicators[code])))
                signal = services.signal_submit(
                    actor=rng.choice(reporters),
                    data=services.SignalInput(
                        description=rng.choice(STORIES[code]),
                        municipality=municipality,
                        forms=[forms[code]],
                        sector=rng.choice(sectors) if code == "LABOUR" and sectors else None,
                        indicators=[(indicator, "") for indicator in chosen],
                        victim=services.PersonInput(
                            estimated_age=rng.randint(14, 17) if minor else rng.randint(18, 55),
                            is_minor=minor,
                            gender=rng.choice(["female", "male"]),
                            nationality=rng.choice(nationalities) if nationalities else None,
                        ),
                        urgency=rng.choice(
                            [Urgency.NORMAL, Urgency.NORMAL, Urgency.HIGH, Urgency.LOW]
                        ),
                    ),
                    idempotency_key=key,
                )
            created += 1
            _advance(signal, rng.choice(STATE_MIX))
            received = timezone.now() - timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 23))
            # Back-date the signal; its count moves with its response date.
            signal.refresh_from_db(fields=["state", "due_date"])
            count_signal(signal=signal, delta=-1)
            signal.due_date = due_date(
                SignalKind(signal.kind), Urgency(signal.urgency), received.date()
            )
            Signal.objects.filter(pk=signal.pk).update(
                created_at=received, due_date=signal.due_date
            )
            count_signal(signal=signal, delta=1)
    report.extra["signals"] = report.extra.get("signals", 0) + created


def _advance(signal: Signal, target: SignalState) -> None:
    if target == SignalState.NEW:
        return
    contact = _recipient_actor(signal, Role.CONTACT_OFFICER)
    if contact is None:
        return
    services.signal_transition(
        actor=contact,
        signal=signal,
        to_state=SignalState.ASSESSING,
        reason="In behandeling genomen.",
    )
    if target == SignalState.ASSESSING:
        return
    if target == SignalState.NO_ACTION:
        services.signal_transition(
            actor=contact,
            signal=signal,
            to_state=target,
            reason="Na gesprek geen aanwijzingen voor uitbuiting.",
        )
    elif target == SignalState.FORWARDED:
        police = routing.organisation_for(OrganisationKind.POLICE, signal.crime_municipality)
        if police is not None:
            services.signal_transition(
                actor=contact,
                signal=signal,
                to_state=target,
                reason="Aanwijzingen voor strafbare feiten.",
                forward_to=police,
            )
    elif target == SignalState.LINKED:
        earlier = (
            Signal.objects.filter(
                state=SignalState.CASE_OPENED,
                recipients__organisation__kind=OrganisationKind.CARE_COORDINATION,
                recipients__organisation__in=signal.recipients.values("organisation"),
            )
            .exclude(pk=signal.pk)
            .first()
        )
        coordinator = _recipient_actor(signal, Role.CARE_COORDINATOR)
        if earlier is not None and coordinator is not None:
            services.signal_link_case(
                actor=coordinator,
                signal=signal,
                case_number=earlier.case_reference,
                reason="Zelfde persoon als eerder signaal.",
            )
        else:
            services.signal_open_case(
                actor=contact, signal=signal, reason="Zorgcoördinatie gestart."
            )
    elif target == SignalState.CASE_OPENED:
        services.signal_open_case(actor=contact, signal=signal, reason="Zorgcoördinatie gestart.")

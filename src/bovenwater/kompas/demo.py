"""Demo data for Kompas: a filled self-assessment with action items for each demo
municipality, consent to share with the region, and some training progress."""

from __future__ import annotations

import datetime
import random

import yaml
from django.utils import timezone

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.core.demo import REGIONS, SeedReport, demo_username
from bovenwater.kompas import assessment, learning, services, training, training_services
from bovenwater.kompas.content import CONTENT_DIR
from bovenwater.kompas.models import (
    ActionItem,
    HelpEntry,
    QuizAttempt,
    ScenarioAttempt,
    SelfAssessment,
)
from bovenwater.kompas.socialmap_services import clean_entry
from bovenwater.reference.models import PoliceUnit

# Answers per demo region: (statement code prefix or code -> answer); everything else "ja".
PARTIAL: dict[str, dict[str, int]] = {
    "oost": {"beleid-v1": 1, "beleid-v2": 0, "bewustwording-v1": 1, "opvang-v2": 0},
    "rotterdam": {"signalering-v1": 1, "samenwerking-v2": 1, "opvang-v1": 1},
    "amsterdam": {"beleid-v2": 1, "bewustwording-b1": 1, "opvang-v2": 1, "basisniveau-3": 1},
    "limburg": {
        "beleid-b1": 1,
        "beleid-v1": 0,
        "beleid-v2": 0,
        "signalering-b2": 1,
        "signalering-v1": 0,
        "basisniveau-2": 1,
    },
}
ACTIONS = (
    ("Aandachtsfunctionaris mensenhandel aanwijzen en bekendmaken", "Teamleider OOV", 60),
    ("Training signalen voor balie en wijkteams (Kompas-casussen)", "Beleidsmedewerker", 120),
    ("Werkafspraken opvang buiten kantoortijden vastleggen", "Ketenregisseur", 180),
)


def _actor(username: str) -> Actor | None:
    membership = (
        Membership.objects.select_related("user", "organisation", "organisation__municipality")
        .filter(user__username=username, organisation__kind=OrganisationKind.MUNICIPALITY)
        .first()
    )
    return Actor(user=membership.user, membership=membership) if membership else None


def _seed_social_map() -> int:
    """Fictional sociale-kaart entries for the four demo regions and three national
    numbers; written once (an existing name in the region is left alone)."""

    data = yaml.safe_load((CONTENT_DIR / "socialmap_demo.yaml").read_text(encoding="utf-8"))
    created = 0
    for raw in data["entries"]:
        unit = None
        if raw["regio"] != "landelijk":
            unit = PoliceUnit.objects.current().get(name=raw["regio"])
        if HelpEntry.objects.filter(police_unit=unit, name=raw["naam"]).exists():
            continue
        row = {k: "" if v is None else str(v) for k, v in raw.items()}
        if unit is None:
            HelpEntry.objects.create(
                police_unit=None,
                name=row["naam"],
                category=row["soort"],
                services=row["diensten"],
                target_groups=[g for g in row.get("doelgroepen", "").split(";") if g],
                languages=row["talen"],
                phone=row["telefoon"],
                website=row.get("website", ""),
                opening_hours=row["openingstijden"],
                always_open=row.get("dag_en_nacht") == "ja",
                referral=row["doorverwijzen"],
                fictional=row.get("fictief") == "ja",
            )
        else:
            clean = clean_entry(row, unit)
            HelpEntry.objects.create(**clean, fictional=row.get("fictief") == "ja")
        created += 1
    return created


def seed(report: SeedReport) -> None:
    assessments = actions = progress = 0
    today = timezone.localdate()
    for region in REGIONS:
        officer = _actor(demo_username(region, Role.POLICY_OFFICER))
        if officer is None:
            continue
        if not SelfAssessment.objects.filter(organisation=officer.organisation).exists():
            answers = {s.code: 2 for s in assessment.yardstick().statements}
            answers.update(PARTIAL.get(region.slug, {}))
            services.assessment_submit(actor=officer, answers=answers)
            services.consent_set(actor=officer, share_with_region=True)
            assessments += 1
        if not ActionItem.objects.filter(organisation=officer.organisation).exists():
            latest = SelfAssessment.objects.filter(organisation=officer.organisation).first()
            gaps = assessment.scores(latest.answers).gaps if latest else ()
            for index, (title, owner, days) in enumerate(ACTIONS):
                item = services.action_create(
                    actor=officer,
                    title=title,
                    owner=owner,
                    deadline=today + datetime.timedelta(days=days),
                    statement_code=gaps[index].code if index < len(gaps) else "",
                )
                if index == 0:
                    services.action_set_status(actor=officer, item=item, status="in_progress")
                actions += 1
        learner = _actor(demo_username(region, Role.SIGNALLER))
        if learner is not None and not QuizAttempt.objects.filter(user=learner.user).exists():
            # the first two modules of the balie path, passed with every answer right
            path = learning.paths()[0]
            rng = random.Random(f"demo-{region.slug}")
            for module in path.modules[:2]:
                drawn = learning.draw(learning.pool_for(path, module), learning.CHECK_SIZE, rng)
                training_services.quiz_submit(
                    actor=learner,
                    item=path,
                    module=module,
                    drawn=drawn,
                    answers={d.question.id: 0 for d in drawn},
                )
                progress += 1
        if learner is not None and not ScenarioAttempt.objects.filter(user=learner.user).exists():
            first = training.scenarios()[0]
            good = next(
                p
                for p in training.all_paths(first)
                if all(s.option.verdict == "goed" for s in training.replay(first, p).steps)
            )
            training_services.scenario_finish(actor=learner, run=training.replay(first, good))
            progress += 1
    report.extra["kompas_help_entries"] = _seed_social_map()
    report.extra["kompas_assessments"] = assessments
    report.extra["kompas_actions"] = actions
    report.extra["kompas_training_steps"] = progress

"""Demo webscan: a lawful source at a police team, a scanned synthetic corpus, networks
waiting in the review queue.

The corpus comes from the engine's generator (1,500 ads, fixed seed): invented texts,
phone numbers and names, with planted networks. The source belongs to the Amsterdam
police team's demo organisation; its investigator (``demo.opsporing.amsterdam``) reviews
the networks. A second source at the Amsterdam RIEC serves the demo analyst. Idempotent:
a second seed finds the sources and writes nothing.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import OrganisationKind
from bovenwater.adscan import ENGINE_VERSION
from bovenwater.adscan.generate import generate
from bovenwater.adscan.indicators import RULESET_VERSION
from bovenwater.webscan.jobs import execute_run
from bovenwater.webscan.models import ScanRun, Source, SourceKind

if TYPE_CHECKING:
    from bovenwater.core.demo import SeedReport

DEMO_ADS = 1500
DEMO_SEED = 2026
DEMO_NAME = "Demo: advertentiesite (synthetisch)"
HOMES = (
    ("Politie Amsterdam — team mensenhandel", OrganisationKind.POLICE, DEMO_SEED),
    ("RIEC Amsterdam", OrganisationKind.RIEC, DEMO_SEED + 1),
)


def seed(report: SeedReport) -> None:
    created = 0
    for name, kind, corpus_seed in HOMES:
        organisation = Organisation.objects.filter(name=name, kind=kind).first()
        if (
            organisation is None
            or Source.objects.filter(organisation=organisation, name=DEMO_NAME).exists()
        ):
            continue
        source = Source.objects.create(
            organisation=organisation,
            name=DEMO_NAME,
            kind=SourceKind.FILE,
            purpose=(
                "Opsporen van signalen van seksuele uitbuiting in online sekswerkadvertenties "
                "(demo met verzonnen advertenties)."
            ),
            legal_basis="Wet politiegegevens art. 3 (uitvoering van de politietaak)",
            authoriser_name="M. Voorbeeld",
            authoriser_function="Teamchef mensenhandel (demo)",
            authorised_on=date(2026, 1, 1),
            valid_until=date(2026, 12, 31),
            retention_days=int(settings.WEBSCAN_RETENTION_DAYS),
        )
        directory = Path(settings.PRIVATE_MEDIA_ROOT) / "webscan"
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", suffix=".jsonl", dir=directory, delete=False, encoding="utf-8"
        ) as handle:
            for record in generate(DEMO_ADS, seed=corpus_seed):
                record.pop("network_id", None)  # ground truth stays out of the platform
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        run = ScanRun.objects.create(
            source=source,
            organisation=organisation,
            file_name="demo-advertenties.jsonl",
            upload_path=Path(handle.name).name,
            engine_version=ENGINE_VERSION,
            ruleset_version=RULESET_VERSION,
        )
        execute_run(run.pk)
        created += 1
    if created:
        report.extra["webscan_runs"] = created

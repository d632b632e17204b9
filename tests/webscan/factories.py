"""Helpers for the webscan platform tests: organisations, members, sources, scans."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.adscan.generate import generate
from bovenwater.webscan import services
from bovenwater.webscan.models import ScanRun, Source, SourceKind


def actor_of(membership: Membership) -> Actor:
    return Actor(user=membership.user, membership=membership)


def source_input(**overrides: Any) -> services.SourceInput:
    values: dict[str, Any] = {
        "name": "Advertentiesite X",
        "kind": SourceKind.FILE,
        "purpose": "Opsporen van signalen van seksuele uitbuiting",
        "legal_basis": "Wet politiegegevens art. 3",
        "authoriser_name": "A. Opdracht",
        "authoriser_function": "Teamchef",
        "authorised_on": date(2026, 1, 1),
        "valid_until": None,
        "base_url": "",
        "retention_days": None,
    }
    values.update(overrides)
    return services.SourceInput(**values)


def corpus_lines(n: int = 200, seed: int = 7) -> list[str]:
    lines = []
    for record in generate(n, seed=seed):
        record.pop("network_id", None)
        lines.append(json.dumps(record, ensure_ascii=False))
    return lines


def upload(lines: list[str], name: str = "ads.jsonl") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode("utf-8"))


class World:
    """An organisation (police) with an administrator, an analyst and a scanned source."""

    def __init__(
        self,
        make_organisation: Callable[..., Organisation],
        make_member: Callable[..., Membership],
        name: str,
        municipality_code: str = "GM0363",
    ) -> None:
        self.organisation = make_organisation(
            name=name, kind=OrganisationKind.POLICE, municipality_code=municipality_code
        )
        self.admin = make_member(role=Role.ADMINISTRATOR, organisation=self.organisation)
        self.analyst = make_member(role=Role.ANALYST, organisation=self.organisation)

    def source(self, **overrides: Any) -> Source:
        return services.source_create(actor=actor_of(self.admin), data=source_input(**overrides))

    def scan(self, lines: list[str], source: Source | None = None) -> ScanRun:
        run = services.run_request(
            actor=actor_of(self.analyst), source=source or self.source(), upload=upload(lines)
        )
        run.refresh_from_db()
        return run

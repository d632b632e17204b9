"""Counts of the national registration by linked person instead of exact pseudonym.

A de-duplication project links the registration's own list (record ids are the
registry's pseudonyms): one person whose name was written two ways got two pseudonyms,
and the run's groups join them again. The count table per year then gives the
registrations, the persons by exact pseudonym (what the registry counted so far) and the
persons after linkage; only counts leave this module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.linkage.models import LinkageRun, ProjectPurpose, RunStatus
from bovenwater.linkage.units import is_unit
from bovenwater.registry.selectors import NATIONAL_KINDS, registrations_for_export


@dataclass(frozen=True)
class YearCount:
    year: int
    registrations: int
    exact_persons: int  # distinct pseudonyms
    linked_persons: int  # distinct persons after linkage

    @property
    def merged(self) -> int:
        return self.exact_persons - self.linked_persons


def person_of_record(run: LinkageRun) -> dict[str, int]:
    """Record id (pseudonym, lower case) -> the run's group number."""
    linked: dict[str, int] = {}
    for number, members in enumerate(run.groups):
        for _source, record_id in members:
            linked[str(record_id).strip().lower()] = number
    return linked


def linked_registry_counts(*, actor: Actor, run: LinkageRun) -> list[YearCount]:
    """Per registration year: registrations, persons by pseudonym and linked persons.

    For the linkage unit of a finished de-duplication run, with the registry's export
    permission (the read of the registrations is logged by the registry's selector).
    """
    project = run.project
    if (
        project.purpose != ProjectPurpose.DEDUPLICATION
        or not is_unit(actor)
        or project.unit_id != actor.organisation_id
        or not actor.has(Permission.EXCHANGE_HTCDS)
    ):
        raise PermissionDenied
    if run.status != RunStatus.DONE:
        return []
    linked = person_of_record(run)
    rows = (
        registrations_for_export(actor=actor, purpose=Purpose.LINKAGE)
        .prefetch_related(None)
        .select_related(None)
        .values_list("registration_date__year", "person__pseudonym")
    )
    registrations: defaultdict[int, int] = defaultdict(int)
    exact: defaultdict[int, set[str]] = defaultdict(set)
    persons: defaultdict[int, set[str | int]] = defaultdict(set)
    for year, pseudonym in rows:
        registrations[year] += 1
        exact[year].add(pseudonym)
        group = linked.get(pseudonym.lower())
        persons[year].add(pseudonym if group is None else group)
    return [
        YearCount(year, registrations[year], len(exact[year]), len(persons[year]))
        for year in sorted(registrations, reverse=True)
    ]


@dataclass(frozen=True)
class LinkedPeople:
    """The people of a selection of registrations, by exact pseudonym and linked."""

    exact_persons: int
    linked_persons: int
    run: LinkageRun


def latest_deduplication_run(actor: Actor) -> LinkageRun | None:
    """The linkage unit's latest finished de-duplication run (None for anyone else)."""
    if not is_unit(actor) or not actor.has(Permission.EXCHANGE_HTCDS):
        return None
    return (
        LinkageRun.objects.filter(
            project__unit_id=actor.organisation_id,
            project__purpose=ProjectPurpose.DEDUPLICATION,
            status=RunStatus.DONE,
        )
        .select_related("project")
        .order_by("-finished_at", "-pk")
        .first()
    )


def linked_people(*, actor: Actor, pseudonyms: Iterable[str]) -> LinkedPeople | None:
    """How many people the registrations with ``pseudonyms`` concern after the unit's
    latest de-duplication run: two pseudonyms the run linked count as one person.

    None when there is no such run (the registry then counts by pseudonym). Only the
    count leaves this function; the use of the run is logged.
    """
    run = latest_deduplication_run(actor)
    if run is None:
        return None
    linked = person_of_record(run)
    distinct = {p.strip().lower() for p in pseudonyms}
    persons: set[str | int] = {linked.get(p, p) for p in distinct}
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="linkage.run",
        object_id=run.pk,
        purpose=Purpose.LINKAGE,
        details={"use": "registry_count", "registrations_people": len(distinct)},
    )
    return LinkedPeople(exact_persons=len(distinct), linked_persons=len(persons), run=run)


def registry_deduplication_run(actor: Actor) -> LinkageRun | None:
    """The de-duplication run whose groups count the registry's people for ``actor``.

    The linkage unit uses its own latest finished run; the other national bodies (the
    registry is one national list) the latest finished run of any linkage unit; anyone
    else none (they count by pseudonym).
    """
    runs = LinkageRun.objects.filter(
        project__purpose=ProjectPurpose.DEDUPLICATION, status=RunStatus.DONE
    )
    if is_unit(actor):
        runs = runs.filter(project__unit_id=actor.organisation_id)
    elif actor.organisation.kind not in NATIONAL_KINDS:
        return None
    return runs.select_related("project").order_by("-finished_at", "-pk").first()


@dataclass(frozen=True)
class PersonKeys:
    """Pseudonym -> the linked person's key: the first (sorted) pseudonym of the run's
    group, or the pseudonym itself when the run did not link it."""

    run: LinkageRun
    representative: dict[str, str]

    def key(self, pseudonym: str) -> str:
        return self.representative.get(pseudonym.strip().lower(), pseudonym)


def person_keys(*, actor: Actor, use: str) -> PersonKeys | None:
    """The keys that count the registry by linked person for ``use`` (a word for the
    processing log: "estimate_overlap", "htcds_export"); None without a run. The use of
    the run is logged; the groups themselves never leave the linkage app."""
    run = registry_deduplication_run(actor)
    if run is None:
        return None
    representative: dict[str, str] = {}
    for members in run.groups:
        pseudonyms = sorted(str(record_id).strip() for _source, record_id in members)
        for pseudonym in pseudonyms:
            representative[pseudonym.lower()] = pseudonyms[0]
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="linkage.run",
        object_id=run.pk,
        purpose=Purpose.LINKAGE,
        details={"use": use},
    )
    return PersonKeys(run=run, representative=representative)

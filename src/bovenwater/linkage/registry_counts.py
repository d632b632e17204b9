"""Counts of the national registration by linked person instead of exact pseudonym.

A de-duplication project links the registration's own list (record ids are the
registry's pseudonyms): one person whose name was written two ways got two pseudonyms,
and the run's groups join them again. The count table per year then gives the
registrations, the persons by exact pseudonym (what the registry counted so far) and the
persons after linkage; only counts leave this module.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.audit.purposes import Purpose
from bovenwater.linkage.models import LinkageRun, ProjectPurpose, RunStatus
from bovenwater.linkage.services import is_unit
from bovenwater.registry.selectors import registrations_for_export


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

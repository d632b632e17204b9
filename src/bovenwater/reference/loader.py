"""Load the versioned reference data files into the database, idempotently.

``load_reference_data()`` works in two phases:

1. **Read and validate** every file named in ``data/manifest.yaml``. Nothing touches the
   database yet; all problems are collected and raised together as one
   :class:`ReferenceDataError` that names file, row or line, and reason.
2. **Synchronise** each model inside one transaction (all or nothing). Entries are
   matched on their stable ``code``:

   * a new code is created with the data set's ``valid_from`` and ``version``;
   * an existing code whose content differs is updated in place, and its
     ``data_version`` becomes the version that changed it;
   * an existing code with identical content is left alone (no write at all);
   * a code that is no longer in the file is *closed*: ``valid_to`` becomes the day
     before the data set's ``valid_from`` (never earlier than the entry's own
     ``valid_from``). Rows are never deleted, so old records keep their meaning;
   * a closed code that comes back is reopened (``valid_to`` cleared) and counts as
     updated.

Running the loader twice in a row therefore reports only ``unchanged`` counts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.dispatch import Signal

from bovenwater.reference.datasets import read_reference_data
from bovenwater.reference.models import (
    ReferenceEntry,
)
from bovenwater.reference.reading import (
    DATA_DIR,
    Batch,
    FkRef,
    ReferenceDataError,
    ReferenceModel,
)

__all__ = [
    "DATA_DIR",
    "Batch",
    "Counts",
    "LoadReport",
    "ReferenceDataError",
    "ReferenceModel",
    "load_reference_data",
    "read_reference_data",
]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.closed


@dataclass
class LoadReport:
    """What a load did, per model (keyed by model class name, e.g. ``"Municipality"``)."""

    counts: dict[str, Counts]
    versions: dict[str, str]
    seconds: float
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return any(counts.changed for counts in self.counts.values())


@dataclass(frozen=True)
class _M2M:
    """How a many-to-many field is stored: its through model and column names."""

    through: type[models.Model]
    source: str
    target: str
    target_model: ReferenceModel

    @classmethod
    def of(cls, model: ReferenceModel, name: str) -> _M2M:
        m2m_field = model._meta.get_field(name)
        assert isinstance(m2m_field, models.ManyToManyField)
        through = m2m_field.remote_field.through
        assert isinstance(through, type)
        assert issubclass(through, models.Model)
        target_model = m2m_field.related_model
        assert isinstance(target_model, type)
        assert issubclass(target_model, ReferenceEntry)
        return cls(
            through,
            _attname(through, m2m_field.m2m_field_name()),
            _attname(through, m2m_field.m2m_reverse_field_name()),
            target_model,
        )

    def current(self) -> dict[int, set[int]]:
        links: dict[int, set[int]] = {}
        rows = self.through._default_manager.values_list(self.source, self.target)
        for source_pk, target_pk in rows:
            links.setdefault(source_pk, set()).add(target_pk)
        return links

    def replace(self, wanted: dict[int, set[int]]) -> None:
        """Give each source pk in ``wanted`` exactly the listed targets."""
        manager = self.through._default_manager
        manager.filter(**{f"{self.source}__in": list(wanted)}).delete()
        manager.bulk_create(
            [
                self.through(**{self.source: source_pk, self.target: target_pk})
                for source_pk, targets in sorted(wanted.items())
                for target_pk in sorted(targets)
            ]
        )


def _attname(model: type[models.Model], name: str) -> str:
    model_field = model._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    return model_field.attname


def _sync(batch: Batch, pks: dict[ReferenceModel, dict[str, int]]) -> Counts:
    """Bring the table of ``batch.model`` in line with ``batch.entries``."""
    model, dataset = batch.model, batch.dataset
    counts = Counts()
    manager = model._default_manager
    existing: dict[str, Any] = {obj.code: obj for obj in manager.all()}
    relations = {
        name: _M2M.of(model, name) for name in sorted({n for e in batch.entries for n in e.m2m})
    }
    current_links = {name: relation.current() for name, relation in relations.items()}

    to_create: list[Any] = []
    to_update: list[Any] = []
    update_fields: set[str] = set()
    # field name -> entry code -> wanted target pks, for entries whose links must be written
    link_writes: dict[str, dict[str, set[int]]] = {name: {} for name in relations}
    for entry in batch.entries:
        values: dict[str, object] = {}
        for name, value in entry.values.items():
            if isinstance(value, FkRef):
                values[_attname(model, name)] = pks[value.model][value.code]
            else:
                values[name] = value
        wanted = {
            name: {pks[relations[name].target_model][code] for code in codes}
            for name, codes in entry.m2m.items()
        }
        obj = existing.get(entry.code)
        if obj is None:
            to_create.append(
                model(
                    code=entry.code,
                    valid_from=dataset.valid_from,
                    valid_to=None,
                    data_version=dataset.version,
                    **values,
                )
            )
            for name, targets in wanted.items():
                link_writes[name][entry.code] = targets
            continue
        diff = {name: value for name, value in values.items() if getattr(obj, name) != value}
        stale = {
            name: targets
            for name, targets in wanted.items()
            if current_links[name].get(obj.pk, set()) != targets
        }
        if not diff and not stale and obj.valid_to is None:
            counts.unchanged += 1
            continue
        for name, value in diff.items():
            setattr(obj, name, value)
        obj.valid_to = None
        obj.data_version = dataset.version
        update_fields.update(diff)
        to_update.append(obj)
        for name, targets in stale.items():
            link_writes[name][entry.code] = targets
        counts.updated += 1

    present = {entry.code for entry in batch.entries}
    closing_day = dataset.valid_from - timedelta(days=1)
    to_close = [
        obj for code, obj in existing.items() if code not in present and obj.valid_to is None
    ]
    for obj in to_close:
        obj.valid_to = max(closing_day, obj.valid_from)
    counts.closed = len(to_close)

    if to_create:
        manager.bulk_create(to_create)
        counts.created = len(to_create)
    if to_update:
        manager.bulk_update(to_update, sorted(update_fields | {"valid_to", "data_version"}))
    if to_close:
        manager.bulk_update(to_close, ["valid_to"])
    pks[model] = dict(manager.values_list("code", "pk"))

    for name, relation in relations.items():
        if link_writes[name]:
            relation.replace({pks[model][code]: t for code, t in link_writes[name].items()})
    return counts


# Sent inside the loading transaction after the data is in place, so rooms whose
# defaults refer to reference entries (intake's routing rules by form) can add them.
reference_data_loaded = Signal()


def load_reference_data(data_dir: Path | None = None, *, dry_run: bool = False) -> LoadReport:
    """Validate all data files, then load them in one transaction.

    Raises :class:`ReferenceDataError` (and writes nothing) when a file is invalid. With
    ``dry_run`` the changes are computed and counted, then rolled back.
    """
    started = time.perf_counter()
    batches = read_reference_data(data_dir)
    counts: dict[str, Counts] = {}
    pks: dict[ReferenceModel, dict[str, int]] = {}
    with transaction.atomic():
        for batch in batches:
            counts[batch.model.__name__] = _sync(batch, pks)
        if dry_run:
            transaction.set_rollback(True)
        else:
            reference_data_loaded.send(sender=load_reference_data)
    versions = {batch.dataset.name: batch.dataset.version for batch in batches}
    return LoadReport(counts, versions, time.perf_counter() - started, dry_run)

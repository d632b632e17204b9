"""A REST framework field for a reference-data code (``api`` documents it as an enum).

``ReferenceCodeField(Municipality)`` accepts the code of a current entry (one the data
files still define) and returns the model instance. The OpenAPI schema lists exactly
those codes (``api.schema.ReferenceCodeFieldExtension`` reads them from the data files),
so the schema and the validation agree.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from bovenwater.reference.datasets import read_reference_data
from bovenwater.reference.models import ReferenceEntry


class ReferenceCodeField(serializers.SlugRelatedField[Any]):
    def __init__(self, model: type[ReferenceEntry], **kwargs: Any) -> None:
        self.reference_model = model
        kwargs.setdefault("slug_field", "code")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", model._default_manager.all())
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        # current entries only: the ones the data files still define
        return self.reference_model._default_manager.filter(valid_to__isnull=True)


def current_codes(model: type[ReferenceEntry]) -> list[str]:
    """The codes of ``model`` the reference data files define (the current entries)."""
    return sorted(
        entry.code for batch in _batches() if batch.model is model for entry in batch.entries
    )


_CACHE: list[Any] = []


def _batches() -> list[Any]:
    if not _CACHE:
        _CACHE.extend(read_reference_data())
    return _CACHE

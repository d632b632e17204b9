"""The processing-log hash covers every stored field of an entry.

The field list comes from the model (``_meta.concrete_fields``), so a field added later
fails here until ``ProcessingLogEntry.content()`` hashes it (or it is listed below with
its reason). Only two stored fields are outside the hashed content, by design of the
chain (see the model's docstring and ``audit/verify.py``):

- ``entry_hash``: the hash itself.
- ``seq``: the chain position. It is checked by ``verify_chain`` walking the positions
  1, 2, 3, … (a changed or missing position is reported as "entry N is missing", see
  tests/audit/test_processing_log.py), and reordering entries breaks the ``prev_hash``
  links, which are hashed.

``prev_hash`` is covered as the prefix of the hashed payload.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import models

from bovenwater.audit.models import Action, ProcessingLogEntry

NOT_HASHED = {"entry_hash", "seq"}

BASE: dict[str, Any] = {
    "id": 41,
    "occurred_at": datetime(2026, 12, 7, 10, 30, 15, 123456, tzinfo=UTC),
    "actor_user_id": 7,
    "actor_username": "j.jansen",
    "organisation_id": 3,
    "organisation_name": "Gemeente Amsterdam",
    "owner_organisation_id": 5,
    "role": "coordinator",
    "action": Action.VIEW.value,
    "object_type": "cases.case",
    "object_id": "12",
    "data_subject": "case:12",
    "purpose": "case_coordination",
    "legal_basis": "Wmo 2015 art. 2.3.1",
    "trace_id": "0af7651916cd43dd8448eb211c80319c",
    "span_id": "b7ad6b7169203331",
    "details": {"refused": False, "fields": ["name"]},
    "seq": 9,
    "prev_hash": "a" * 64,
    "entry_hash": "b" * 64,
}


def _changed(field: models.Field[Any, Any], value: Any) -> Any:
    """Another valid value of the same kind; an unknown kind of field fails the test."""
    if isinstance(field, models.DateTimeField):
        return value + timedelta(microseconds=1)
    if isinstance(field, models.BigIntegerField | models.AutoField | models.BigAutoField):
        return value + 1
    if isinstance(field, models.CharField):
        return value + "x"
    if isinstance(field, models.JSONField):
        return {**value, "added": 1}
    raise AssertionError(f"no changed value for {type(field).__name__} {field.name}: add one")


def _entry(**overrides: Any) -> ProcessingLogEntry:
    return ProcessingLogEntry(**{**BASE, **overrides})


FIELDS = list(ProcessingLogEntry._meta.concrete_fields)


def test_the_fixture_sets_every_stored_field() -> None:
    assert {field.attname for field in FIELDS} == set(BASE)
    assert set(BASE) >= NOT_HASHED


@pytest.mark.parametrize("field", FIELDS, ids=[field.name for field in FIELDS])
def test_changing_a_stored_field_changes_the_hash(field: models.Field[Any, Any]) -> None:
    original = _entry().compute_hash()
    changed = _entry(**{field.attname: _changed(field, BASE[field.attname])}).compute_hash()
    if field.attname in NOT_HASHED:
        assert changed == original, f"{field.name} is documented as not hashed"
    else:
        assert changed != original, f"{field.name} is not covered by compute_hash()"


def test_a_change_inside_details_changes_the_hash() -> None:
    original = _entry().compute_hash()
    nested = {**BASE["details"], "fields": ["name", "birth_date"]}
    assert _entry(details=nested).compute_hash() != original
    assert _entry(details={**BASE["details"], "refused": True}).compute_hash() != original


def test_owner_organisation_is_hashed_once_set() -> None:
    """Hashed only when set (entries sealed before the field existed keep their hash),
    so setting it on an entry sealed without it is still detected."""
    assert _entry(owner_organisation_id=None).compute_hash() != _entry().compute_hash()


def test_the_hashed_content_is_every_field_but_the_chain_fields() -> None:
    hashed = set(_entry().content())
    assert hashed == {field.attname for field in FIELDS} - NOT_HASHED - {"prev_hash"}


# The hash of a sealed entry may never change: `verify_processing_log` recomputes it for
# every entry sealed since the start. So the hashed text is fixed here, character for
# character: keys sorted, no spaces, non-ASCII characters as themselves (UTF-8), the
# previous hash in front; `owner_organisation_id` only when set.
PAYLOAD = (
    '{"action":"view","actor_user_id":7,"actor_username":"j.jansen",'
    '"data_subject":"case:12","details":{"fields":["name"],"refused":false},'
    '"id":41,"legal_basis":"Wmo 2015 art. 2.3.1","object_id":"12",'
    '"object_type":"cases.case","occurred_at":"2026-12-07T10:30:15.123456+00:00",'
    '"organisation_id":3,"organisation_name":"Gemeente Súdwest-Fryslân",'
    '"owner_organisation_id":5,"purpose":"case_coordination","role":"coordinator",'
    '"span_id":"b7ad6b7169203331","trace_id":"0af7651916cd43dd8448eb211c80319c"}'
)


def test_the_hashed_text_is_fixed() -> None:
    entry = _entry(organisation_name="Gemeente Súdwest-Fryslân")
    expected = hashlib.sha256(("a" * 64 + PAYLOAD).encode("utf-8")).hexdigest()
    assert entry.compute_hash() == expected
    assert expected == "ca6fb479dfcceb2347d0b296655d0e94ef360d7bf16ed6909b4a638c4b02747d"
    # Without an owner organisation (entries sealed before the field existed) the key is
    # left out, not hashed as null.
    unowned = _entry(organisation_name="Gemeente Súdwest-Fryslân", owner_organisation_id=None)
    without = PAYLOAD.replace('"owner_organisation_id":5,', "")
    assert "owner_organisation_id" not in unowned.content()
    assert unowned.compute_hash() == hashlib.sha256(("a" * 64 + without).encode()).hexdigest()


def test_the_hash_does_not_depend_on_the_order_of_the_details_keys() -> None:
    """PostgreSQL's jsonb gives the keys back in its own order: the hash sorts them."""
    one = _entry(details={"refused": True, "fields": ["name"], "reason": "out_of_scope"})
    other = _entry(details={"reason": "out_of_scope", "fields": ["name"], "refused": True})
    assert one.compute_hash() == other.compute_hash()


@pytest.mark.parametrize(
    ("details", "refused"),
    [
        ({"refused": True}, True),
        ({"refused": 1}, True),
        ({"refused": False}, False),
        ({}, False),
        ([], False),
        (["refused"], False),
        ("refused", False),
        (None, False),
    ],
)
def test_an_entry_is_refused_only_when_its_details_say_so(details: Any, refused: bool) -> None:
    assert _entry(details=details).refused is refused

"""The one idempotency mechanism (``lib.idempotency``) and the migration that carried the
keys of the former cases and intake tables over to it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from bovenwater.lib import idempotency
from bovenwater.lib.models import IdempotencyRecord

pytestmark = pytest.mark.django_db


class Made:
    """A stand-in for a created model: ``once`` only reads its ``pk``."""

    def __init__(self, pk: int) -> None:
        self.pk = pk


def _counter() -> Any:
    made: list[int] = []

    def create() -> Any:
        made.append(len(made) + 100)
        return Made(made[-1])

    return made, create


def test_once_creates_once_per_key_and_caller() -> None:
    made, create = _counter()
    first = idempotency.once(scope="t.x", key="k", user_id=1, organisation_id=2, create=create)
    again = idempotency.once(scope="t.x", key=" k ", user_id=1, organisation_id=2, create=create)
    assert first == (100, True) and again == (100, False)
    # Another user, organisation or scope is another key.
    assert idempotency.once(scope="t.x", key="k", user_id=3, organisation_id=2, create=create)[1]
    assert idempotency.once(scope="t.x", key="k", user_id=1, organisation_id=4, create=create)[1]
    assert idempotency.once(scope="t.y", key="k", user_id=1, organisation_id=2, create=create)[1]
    assert len(made) == 4
    assert IdempotencyRecord.objects.count() == 4


def test_without_a_key_every_call_creates() -> None:
    _made, create = _counter()
    assert idempotency.once(scope="t.x", key="  ", create=create) == (100, True)
    assert idempotency.once(scope="t.x", key="", create=create) == (101, True)
    assert idempotency.existing(scope="t.x", key="") is None
    assert IdempotencyRecord.objects.count() == 0


def test_a_lost_race_rolls_back_and_returns_the_winner() -> None:
    idempotency.remember(scope="t.x", key="k", object_id=7)  # the winner, committed first
    with transaction.atomic():
        sid = transaction.savepoint()
        standing = idempotency.remember(scope="t.x", key="k", object_id=8)
        assert standing == 7
        assert transaction.get_rollback()  # the loser's own writes are undone
        transaction.set_rollback(False)
        transaction.savepoint_rollback(sid)
    assert list(IdempotencyRecord.objects.values_list("object_id", flat=True)) == [7]


def test_forget_frees_a_key_and_used_finds_one() -> None:
    idempotency.remember(scope="intake.public", key="demo-1", object_id=5)
    assert idempotency.used(key="demo-1", scopes=["intake.public", "intake.signal"])
    assert not idempotency.used(key="demo-1", scopes=["cases.case"])
    idempotency.forget(scope="intake.public", key="demo-1")
    assert idempotency.existing(scope="intake.public", key="demo-1") is None


@pytest.mark.usefixtures("live_database")  # committed; guards off before the flush
def test_the_migration_carries_the_keys_of_cases_and_intake_over() -> None:
    before = [
        ("lib", "0001_idempotency_record"),
        ("cases", "0002_case_count"),
        ("intake", "0002_default_routing_rules"),
    ]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        user = old.get_model("accounts", "User").objects.create(username="k")
        municipality = old.get_model("reference", "Municipality").objects.order_by("pk").first()
        organisation = old.get_model("accounts", "Organisation").objects.create(
            name="O", kind="police", municipality=municipality
        )
        old.get_model("cases", "IdempotencyRecord").objects.create(
            key="api-1", user=user, organisation=organisation, scope="placement", object_id=42
        )
        signal = old.get_model("intake", "Signal").objects.create(
            reference="S-1",
            kind="public",
            due_date="2026-01-02",
            description="x",
            crime_municipality=municipality,
        )
        old.get_model("intake", "IdempotencyRecord").objects.create(
            scope="public", key="form-1", user_id=0, signal=signal
        )
    finally:
        MigrationExecutor(connection).migrate(latest)
    rows = set(
        IdempotencyRecord.objects.values_list(
            "scope", "key", "user_id", "organisation_id", "object_id"
        )
    )
    assert rows == {
        ("cases.placement", "api-1", user.pk, organisation.pk, 42),
        ("intake.public", "form-1", 0, 0, signal.pk),
    }

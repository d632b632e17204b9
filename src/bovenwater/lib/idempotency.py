"""One idempotency mechanism for the API's ``Idempotency-Key`` and web forms' one-time token.

A create made under a key (per scope, user and organisation) is recorded with the id of
the object it made; a repeat with the same key gets that object back and writes nothing.
Two repeats racing each other are settled by the table's unique constraint: the loser's
transaction is rolled back and it returns the winner's object.

- ``once(create=…)`` wraps a whole create (the case API);
- ``existing`` before and ``remember`` after a create, in the caller's transaction, when
  the caller needs to answer early (intake: the anonymous report's receipt).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import IntegrityError, models, transaction

from bovenwater.lib.models import IdempotencyRecord

MAX_KEY = 200


def normalise(key: str) -> str:
    return key.strip()[:MAX_KEY]


def _records(
    scope: str, key: str, user_id: int, organisation_id: int
) -> models.QuerySet[IdempotencyRecord]:
    return IdempotencyRecord.objects.filter(
        scope=scope, key=key, user_id=user_id, organisation_id=organisation_id
    )


def existing(*, scope: str, key: str, user_id: int = 0, organisation_id: int = 0) -> int | None:
    """The id of the object made earlier under this key, or None (also without a key)."""
    key = normalise(key)
    if not key:
        return None
    return (
        _records(scope, key, user_id, organisation_id).values_list("object_id", flat=True).first()
    )


def remember(
    *, scope: str, key: str, object_id: int, user_id: int = 0, organisation_id: int = 0
) -> int:
    """Record that the key made ``object_id``; returns the id that stands.

    Inside the caller's transaction. When a concurrent request recorded the key first,
    the caller's transaction is marked for rollback and the winner's id is returned.
    """
    key = normalise(key)
    if not key:
        return object_id
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(
                scope=scope,
                key=key,
                user_id=user_id,
                organisation_id=organisation_id,
                object_id=object_id,
            )
    except IntegrityError:
        winner = existing(scope=scope, key=key, user_id=user_id, organisation_id=organisation_id)
        if winner is None:
            raise
        transaction.set_rollback(True)
        return winner
    return object_id


def forget(*, scope: str, key: str, user_id: int = 0, organisation_id: int = 0) -> None:
    """Drop the record of a key whose object no longer exists (it was removed)."""
    _records(scope, normalise(key), user_id, organisation_id).delete()


def once(
    *,
    scope: str,
    key: str,
    create: Callable[[], models.Model],
    user_id: int = 0,
    organisation_id: int = 0,
) -> tuple[int, bool]:
    """Run ``create`` once per key; returns (object id, whether it was created now)."""
    if not normalise(key):
        return create().pk, True
    with transaction.atomic():
        found = existing(scope=scope, key=key, user_id=user_id, organisation_id=organisation_id)
        if found is not None:
            return found, False
        made = create().pk
        standing = remember(
            scope=scope, key=key, object_id=made, user_id=user_id, organisation_id=organisation_id
        )
        return standing, standing == made


def used(*, key: str, scopes: Iterable[str]) -> bool:
    """Whether the key was used in any of ``scopes`` by anyone (demo seeding)."""
    return IdempotencyRecord.objects.filter(key=normalise(key), scope__in=list(scopes)).exists()

"""``CompiledQuery``: compiled once, the same rows as the ORM, parameters checked."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bovenwater.accounts import services as account_services
from bovenwater.accounts.models import User
from bovenwater.lib.compiled import CompiledQuery

pytestmark = pytest.mark.django_db


def _users(pk: int, name: str, now: datetime.datetime):  # type: ignore[no-untyped-def]
    return (
        User.objects.filter(pk__gte=pk, username__gte=name, date_joined__lte=now)
        .order_by("pk")
        .values_list("pk", "username", "date_joined", "is_active")
    )


def test_rows_equal_the_orm_and_the_sql_is_built_once() -> None:
    for name in ("compiled-a", "compiled-b", "other-c"):
        account_services.user_create(username=name, password=None)
    built: list[dict[str, object]] = []

    def build(**params):  # type: ignore[no-untyped-def]
        built.append(params)
        return _users(**params)

    query = CompiledQuery("test.users", build, {"pk": int, "name": str, "now": datetime.datetime})
    first = User.objects.order_by("pk").values_list("pk", flat=True).first()
    assert first is not None
    now = timezone.now()
    for pk, name in ((first, "compiled"), (first, "other"), (first + 1, "compiled"), (0, "x")):
        with CaptureQueriesContext(connection) as queries:
            rows = query.rows(pk=pk, name=name, now=now)
        assert rows == list(_users(pk, name, now))
        assert len(queries) == 1
    assert len(built) == 1  # compiled once for this connection
    by_name = {row[1]: row for row in query.rows(pk=first, name="compiled-b", now=now)}
    assert "compiled-a" not in by_name and "other-c" in by_name
    _, _, joined, active = by_name["compiled-b"]
    assert active is True
    assert joined.tzinfo is not None  # Django's converters ran (aware on SQLite too)
    assert query.rows(pk=first, name="compiled", now=joined - datetime.timedelta(days=1)) == []


def test_a_lookup_that_rewrites_its_value_is_refused() -> None:
    # startswith sends "value%" to the database, so the sentinel cannot be found: the
    # query must be refused rather than run with the pattern of the first call.
    query = CompiledQuery(
        "test.startswith",
        lambda name: User.objects.filter(username__startswith=name).values_list("pk"),
        {"name": str},
    )
    with pytest.raises(ValueError, match=r"\['name'\] not in the SQL"):
        query.rows(name="compiled")


def test_a_parameter_missing_from_the_sql_is_refused() -> None:
    query = CompiledQuery(
        "test.unused",
        lambda pk, name: User.objects.filter(pk=pk).values_list("pk"),
        {"pk": int, "name": str},
    )
    with pytest.raises(ValueError, match=r"\['name'\] not in the SQL"):
        query.rows(pk=1, name="x")


def test_wrong_parameter_names_are_refused() -> None:
    query = CompiledQuery(
        "test.names", lambda pk: User.objects.filter(pk=pk).values_list("pk"), {"pk": int}
    )
    with pytest.raises(TypeError, match="expected"):
        query.rows(id=1)
    with pytest.raises(TypeError, match="expected"):
        query.rows(pk=1, extra=2)

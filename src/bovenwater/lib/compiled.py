"""Queries compiled to SQL once, for the read paths that run on every page view.

Django builds a queryset's SQL anew each time it is evaluated. For a page that runs the
same few queries on every request that is most of its cost: building the case list's
query for shared cases took 1.3 ms of CPU, running it 0.1 ms. A ``CompiledQuery`` keeps
the ORM as the definition of the query. ``build`` returns the queryset and is called
once with sentinel values in place of the per-request parameters; the SQL is compiled
once per database connection wrapper (so per thread), and later runs with the real
values, through Django's own result converters (aware datetimes, dates on SQLite).

Only parameters named in ``params`` vary; everything else the queryset holds (state
lists, limits, orderings) is fixed at compile time. A parameter the compiled SQL does not
contain, or a fixed value equal to a sentinel, is an error at compile time.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

Param = int | str | datetime.datetime
_CACHE_ATTRIBUTE = "_bovenwater_compiled_queries"


class _Slot:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


@dataclass(frozen=True)
class _Plan:
    sql: str
    params: tuple[object, ...]  # fixed values, or a _Slot for a per-call value
    compiler: SQLCompiler
    converters: dict[int, Any]


def _sentinel(kind: type, index: int) -> Param:
    if kind is int:
        return -(7_300_000_000_000 + index)
    if kind is str:
        return f"\x1fbovenwater-sentinel-{index}\x1f"
    if kind is datetime.datetime:
        return datetime.datetime(1901, 1, 1 + index, 3, 4, 5, 678_901, tzinfo=datetime.UTC)
    raise TypeError(f"Unsupported parameter type {kind!r}")


def _adapt(value: Param, connection: BaseDatabaseWrapper) -> object:
    """The value as Django passes it to the driver (datetimes differ per backend)."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


class CompiledQuery:
    """A queryset of fixed shape, compiled to SQL once and run with new parameters.

    ``build`` takes the parameters named in ``params`` (name -> type: int, str or
    datetime) as keyword arguments and returns a queryset, typically a ``values_list``.
    ``rows(**values)`` returns its rows as tuples.
    """

    def __init__(
        self, name: str, build: Callable[..., QuerySet[Any, Any]], params: dict[str, type]
    ) -> None:
        self.name = name
        self._build = build
        self._kinds = dict(params)

    def _compile(self, connection: BaseDatabaseWrapper) -> _Plan:
        sentinels = {
            name: _sentinel(kind, index) for index, (name, kind) in enumerate(self._kinds.items())
        }
        queryset = self._build(**sentinels)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, raw_params = compiler.as_sql()
        adapted = {name: _adapt(value, connection) for name, value in sentinels.items()}
        params: list[object] = []
        seen: set[str] = set()
        for value in raw_params:
            names = [
                name
                for name, sentinel in adapted.items()
                if type(value) is type(sentinel) and value == sentinel
            ]
            if names:
                params.append(_Slot(names[0]))
                seen.add(names[0])
            else:
                params.append(value)
        missing = set(sentinels) - seen
        if missing:
            raise ValueError(f"{self.name}: parameters {sorted(missing)} not in the SQL")
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        return _Plan(
            sql=sql,
            params=tuple(params),
            compiler=compiler,
            converters=compiler.get_converters(fields),
        )

    def _plan(self, connection: BaseDatabaseWrapper) -> _Plan:
        cache: dict[str, _Plan] | None = getattr(connection, _CACHE_ATTRIBUTE, None)
        if cache is None:
            cache = {}
            setattr(connection, _CACHE_ATTRIBUTE, cache)
        plan = cache.get(self.name)
        if plan is None:
            plan = cache[self.name] = self._compile(connection)
        return plan

    def rows(self, **values: Param) -> list[tuple[Any, ...]]:
        """The query's rows for these parameter values, on the default database."""
        if values.keys() != self._kinds.keys():
            raise TypeError(f"{self.name}: expected {sorted(self._kinds)}, got {sorted(values)}")
        connection = connections[DEFAULT_DB_ALIAS]
        plan = self._plan(connection)
        params: list[Any] = [
            _adapt(values[item.name], connection) if isinstance(item, _Slot) else item
            for item in plan.params
        ]
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            fetched: Sequence[Sequence[Any]] = cursor.fetchall()
        if plan.converters:
            return [tuple(row) for row in plan.compiler.apply_converters(fetched, plan.converters)]
        return [tuple(row) for row in fetched]

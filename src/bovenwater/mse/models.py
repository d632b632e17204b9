"""Hierarchical log-linear models for capture-recapture tables.

Every model contains the intercept and all main effects; it differs from the
independence model by a set of *interaction terms*. A term is a set of at least two
lists, encoded as a bit mask like the capture patterns. A model is *hierarchical*:
with a term it contains every sub-term of at least two lists (Bishop, Fienberg &
Holland 1975, ch. 2).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations

from bovenwater.mse.errors import MSEInputError


def popcount(mask: int) -> int:
    """Number of lists in a term or pattern."""
    return int(mask).bit_count()


def term_key(mask: int) -> tuple[int, tuple[int, ...]]:
    """Sort key: by order, then by the indices of the lists involved."""
    return popcount(mask), tuple(i for i in range(mask.bit_length()) if mask >> i & 1)


def term_name(mask: int, lists: Sequence[str]) -> str:
    """A term written with the list names joined by ``:``, e.g. ``"A:C"``."""
    return ":".join(name for i, name in enumerate(lists) if mask >> i & 1)


def subterms(mask: int) -> Iterator[int]:
    """All sub-terms of ``mask`` with at least two lists, excluding ``mask``."""
    bits = [1 << i for i in range(mask.bit_length()) if mask >> i & 1]
    for size in range(2, len(bits)):
        for combo in combinations(bits, size):
            yield sum(combo)


@dataclass(frozen=True)
class Model:
    """A hierarchical log-linear model: the interaction terms besides main effects."""

    terms: tuple[int, ...] = ()

    @classmethod
    def of(cls, terms: Iterable[int]) -> Model:
        """The smallest hierarchical model containing ``terms``."""
        closed: set[int] = set()
        for term in terms:
            if popcount(term) < 2:
                raise MSEInputError("an interaction term needs at least two different lists")
            closed.add(term)
            closed.update(subterms(term))
        return cls(tuple(sorted(closed, key=term_key)))

    @property
    def max_order(self) -> int:
        """Highest interaction order in the model (1 for the independence model)."""
        return max((popcount(t) for t in self.terms), default=1)

    def with_term(self, term: int) -> Model:
        """This model with one more term (and its sub-terms)."""
        return Model.of((*self.terms, term))

    def names(self, lists: Sequence[str]) -> list[str]:
        """Interaction terms written with list names, e.g. ``["A:B", "A:C"]``."""
        return [term_name(t, lists) for t in self.terms]

    def label(self, lists: Sequence[str]) -> str:
        """Compact description, ``"main effects"`` when there are no interactions."""
        return ", ".join(self.names(lists)) or "main effects"


def parse_model(spec: str, lists: Sequence[str]) -> Model:
    """Parse ``"A:B,A:C"`` (names from ``lists``) into a hierarchical model.

    An empty specification is the independence (main effects) model. Lower-order
    terms implied by a higher-order term are added.
    """
    index = {name: i for i, name in enumerate(lists)}
    terms: list[int] = []
    for raw in spec.split(","):
        item = raw.strip()
        if not item:
            continue
        mask = 0
        for part in item.split(":"):
            name = part.strip()
            if name not in index:
                known = ", ".join(lists)
                raise MSEInputError(
                    f"unknown list {name!r} in model term {item!r} (lists: {known})"
                )
            if mask >> index[name] & 1:
                raise MSEInputError(f"list {name!r} appears twice in model term {item!r}")
            mask |= 1 << index[name]
        if popcount(mask) < 2:
            raise MSEInputError(f"model term {item!r} must join at least two lists with ':'")
        if popcount(mask) == len(lists):
            raise MSEInputError(
                f"model term {item!r} involves all lists: the saturated model cannot "
                "estimate the unobserved count"
            )
        terms.append(mask)
    return Model.of(terms)


def all_terms(k: int, max_order: int) -> list[int]:
    """Every interaction term over ``k`` lists of order 2 .. ``max_order``."""
    terms: list[int] = []
    for size in range(2, max_order + 1):
        for combo in combinations(range(k), size):
            terms.append(sum(1 << i for i in combo))
    return terms


def check_max_order(k: int, max_order: int) -> None:
    """Validate a maximum interaction order for ``k`` lists."""
    if not 1 <= max_order <= k - 1:
        raise MSEInputError(
            f"the maximum interaction order must be between 1 and {k - 1} for {k} lists, "
            f"got {max_order}"
        )


@functools.lru_cache(maxsize=32)
def enumerate_models(k: int, max_order: int) -> tuple[Model, ...]:
    """All hierarchical models over ``k`` lists with interactions up to ``max_order``.

    Built order by order: the terms of order ``r`` that may be added are those whose
    sub-terms of order ``r - 1`` are all present (for ``r = 2``: every pair). For
    ``k = 5`` there are 1,024 models up to order 2 and 6,212 up to order 3; for
    ``k = 6`` there are 32,768 up to order 2.
    """
    check_max_order(k, max_order)
    models: list[Model] = []

    def extend(current: tuple[int, ...], order: int) -> None:
        if order > max_order:
            models.append(Model(tuple(sorted(current, key=term_key))))
            return
        present = set(current)
        candidates = [
            term
            for term in all_terms(k, order)
            if popcount(term) == order
            and all(sub in present for sub in subterms(term) if popcount(sub) == order - 1)
        ]
        for size in range(len(candidates) + 1):
            for chosen in combinations(candidates, size):
                extend((*current, *chosen), order + 1)

    extend((), 2)
    models.sort(key=lambda m: (len(m.terms), [term_key(t) for t in m.terms]))
    return tuple(models)

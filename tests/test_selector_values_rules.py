"""What a selector hands out is a value: every dataclass a selectors module (or the
cases selectors package) defines is frozen, so a view or template cannot change a row,
a filter or an access decision on its way to the page (issue #20: `make mutation` turns
``frozen=True`` into ``frozen=False``; this is the test that notices)."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from pathlib import Path

import pytest

import bovenwater

SRC = Path(bovenwater.__file__).parent


def _selector_modules() -> list[str]:
    names = [f"bovenwater.{path.parent.name}.selectors" for path in SRC.glob("*/selectors.py")]
    package = importlib.import_module("bovenwater.cases.selectors")
    names += [
        f"bovenwater.cases.selectors.{info.name}" for info in pkgutil.iter_modules(package.__path__)
    ]
    return sorted(names)


def _dataclasses(name: str) -> list[type]:
    module = importlib.import_module(name)
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and dataclasses.is_dataclass(value)
        and value.__module__ == module.__name__
    ]


def test_the_walk_finds_the_selectors_and_their_values() -> None:
    modules = _selector_modules()
    assert "bovenwater.cases.selectors.placement" in modules
    assert "bovenwater.chat.selectors" in modules
    assert sum(len(_dataclasses(name)) for name in modules) >= 20


@pytest.mark.parametrize("name", _selector_modules())
def test_every_value_a_selector_hands_out_is_frozen(name: str) -> None:
    for value in _dataclasses(name):
        params = value.__dataclass_params__  # type: ignore[attr-defined]
        assert params.frozen, f"{name}.{value.__name__} is not frozen"

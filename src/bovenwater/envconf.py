"""Read settings from the environment, and remember what each one means.

Every setting is read through :func:`env` with a safe default and a one-line help
text. The registry of read values is what ``python -m bovenwater.envdoc`` turns into
``docs/configuration.md`` (a test fails when that file is stale).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal, overload

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class EnvSetting:
    name: str
    default: str
    help: str
    kind: str
    group: str


REGISTRY: dict[str, EnvSetting] = {}


def _register(name: str, default: object, help: str, kind: str, group: str) -> None:
    shown = ",".join(str(v) for v in default) if isinstance(default, list) else str(default)
    if isinstance(default, bool):
        shown = "true" if default else "false"
    REGISTRY[name] = EnvSetting(name=name, default=shown, help=help, kind=kind, group=group)


@overload
def env(name: str, *, default: bool, help: str, group: str = ...) -> bool: ...
@overload
def env(name: str, *, default: int, help: str, group: str = ...) -> int: ...
@overload
def env(name: str, *, default: list[str], help: str, group: str = ...) -> list[str]: ...
@overload
def env(name: str, *, default: str, help: str, group: str = ...) -> str: ...


def env(
    name: str,
    *,
    default: bool | int | list[str] | str,
    help: str,
    group: str = "General",
) -> bool | int | list[str] | str:
    """Return the environment variable ``name`` cast to the type of ``default``."""
    raw = os.environ.get(name)
    if isinstance(default, bool):
        _register(name, default, help, "boolean", group)
        if raw is None:
            return default
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ValueError(f"Environment variable {name} must be true or false, not {raw!r}.")
    if isinstance(default, int):
        _register(name, default, help, "integer", group)
        if raw is None or raw.strip() == "":
            return default
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"Environment variable {name} must be a whole number.") from None
    if isinstance(default, list):
        _register(name, default, help, "comma-separated list", group)
        if raw is None:
            return list(default)
        return [item.strip() for item in raw.split(",") if item.strip()]
    _register(name, default, help, "string", group)
    return default if raw is None else raw


def is_set(name: str) -> bool:
    """Whether ``name`` is set to a non-empty value in the environment."""
    return bool(os.environ.get(name, "").strip())


Kind = Literal["boolean", "integer", "comma-separated list", "string"]

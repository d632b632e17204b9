"""adscan: the pure ad-screening engine, screening online advertisements for trafficking
signals.

Pure Python (no Django import anywhere in this package). The platform's Django app is
``bovenwater.webscan`` (app label ``webscan``); the command line is ``bovenwater webscan``. The engine is a pipeline of small,
separately testable steps:

``ingest`` (files, polite crawler) -> ``normalise`` -> ``extract`` (phones, e-mail,
handles, age, city, prices, languages) -> ``indicators`` (versioned, explainable rule
set and risk score) -> ``sketch`` (MinHash) -> ``cluster`` (near-duplicate text fused
with shared contact details into networks) -> ``templates`` (MDL template per
network). ``generate`` writes a synthetic corpus with planted networks and ground
truth for tests, demo and benchmarks.

Compiled build: ``make install`` (and ``make webscan-native``) compiles the hot modules
(the same source, with mypyc) into ``native/`` next to this file when a C compiler is
there. They are used only while the ``native/SOURCES`` stamp matches the current source
files, so an edited module (or a machine without the build) falls back to the
pure-Python modules; the results are the same either way. ``BOVENWATER_WEBSCAN_PURE=1``
in the environment runs the pure-Python modules even with a build (the test suite
does, so that coverage sees the source).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = ["ENGINE_VERSION", "NATIVE"]

ENGINE_VERSION = "1.1"  # 1.1: a two-token ad's signature no longer depends on its batch

# The modules ``make webscan-native`` compiles (the engine's hot path).
NATIVE_MODULES = (
    "normalise",
    "tokens",
    "phones",
    "extract",
    "indicators",
    "model",
    "pipeline",
    "run",
)
NATIVE_STAMP = "SOURCES"
PURE_ENV = "BOVENWATER_WEBSCAN_PURE"  # "1": pure Python even with a compiled build


def source_stamp(package: Path) -> str:
    """One line per compiled module: its name and the SHA-256 of its source."""
    return "".join(
        f"{name} {hashlib.sha256((package / f'{name}.py').read_bytes()).hexdigest()}\n"
        for name in NATIVE_MODULES
    )


def native_directory(package: Path) -> Path | None:
    """``package/native`` when it holds a build of exactly the current sources."""
    native = package / "native"
    try:
        stamp = (native / NATIVE_STAMP).read_text(encoding="ascii")
        current = source_stamp(package)
    except (OSError, UnicodeDecodeError):
        return None
    return native if stamp == current else None


def _use_native() -> bool:
    if os.environ.get(PURE_ENV) == "1":
        return False
    native = native_directory(Path(__file__).resolve().parent)
    if native is None:
        return False
    # searched before this package's own directory: a compiled module wins over its
    # source; a module that was not compiled is found in the package as before
    __path__.insert(0, str(native))
    return True


NATIVE = _use_native()  # whether the compiled modules are in use

"""Webscan engine: screening online advertisements for trafficking signals.

Pure Python (no Django import anywhere in this package, apart from an optional
``app`` subpackage added by the platform). The engine is a pipeline of small,
separately testable steps:

``ingest`` (files, polite crawler) -> ``normalise`` -> ``extract`` (phones, e-mail,
handles, age, city, prices, languages) -> ``indicators`` (versioned, explainable rule
set and risk score) -> ``sketch`` (MinHash) -> ``cluster`` (near-duplicate text fused
with shared contact details into networks) -> ``templates`` (MDL template per
network). ``generate`` writes a synthetic corpus with planted networks and ground
truth for tests, demo and benchmarks.
"""

from __future__ import annotations

__all__ = ["ENGINE_VERSION"]

ENGINE_VERSION = "1.1"  # 1.1: a two-token ad's signature no longer depends on its batch

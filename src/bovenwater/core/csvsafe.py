"""Moved to ``bovenwater.lib.csvsafe`` (the kernel); kept only for ``kompas.views``, whose
owner switches its import. Remove this module and its import-linter exception then."""

from __future__ import annotations

from bovenwater.lib.csvsafe import FORMULA_STARTS, SafeWriter, safe_cell, writer

__all__ = ["FORMULA_STARTS", "SafeWriter", "safe_cell", "writer"]

"""The one exception to the strict Content-Security-Policy: pages that draw Vega charts.

Vega compiles its chart expressions to JavaScript functions at run time, which needs
``'unsafe-eval'`` in ``script-src``. Only the views decorated with ``charts_page``
get it; no page gets ``'unsafe-inline'``. The way out is Vega's expression interpreter
(``vega-interpreter``), which ships only as an ES module and needs a bundling step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from csp.decorators import csp_update

_V = TypeVar("_V", bound=Callable[..., Any])

VEGA_EVAL = {"script-src": ["'unsafe-eval'"]}


def charts_page(view: _V) -> _V:
    """Allow Vega's generated expression code (``'unsafe-eval'``) on this view only."""
    return cast(_V, csp_update(VEGA_EVAL)(view))

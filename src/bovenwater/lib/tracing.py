"""W3C Trace Context for requests: the trace id travels into the processing log."""

from __future__ import annotations

import re
import secrets
from contextvars import ContextVar
from dataclasses import dataclass

TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


@dataclass(frozen=True)
class TraceContext:
    trace_id: str
    span_id: str

    @property
    def traceparent(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-01"


_current: ContextVar[TraceContext | None] = ContextVar("bovenwater_trace", default=None)


def new_span(traceparent: str | None) -> TraceContext:
    """Continue the caller's trace (valid ``traceparent`` header) or start a new one."""
    match = TRACEPARENT.match((traceparent or "").strip().lower())
    trace_id = match.group(1) if match and match.group(1) != "0" * 32 else secrets.token_hex(16)
    return TraceContext(trace_id=trace_id, span_id=secrets.token_hex(8))


def current_trace() -> TraceContext | None:
    return _current.get()


def set_current(context: TraceContext | None) -> object:
    return _current.set(context)


def reset_current(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]

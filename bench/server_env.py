"""Shared settings of the load benchmarks that start the platform under gunicorn.

The web benchmarks (`cases_bench.py`, `intake_bench.py`) run the server with the same
environment: production-like settings, throttles lifted so the load tool measures the
page and not the rate limit.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {
    **os.environ,
    "DEBUG": "false",
    "DEMO_MODE": "true",
    "SECRET_KEY": "bench-only-secret-key-0123456789-0123456789-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_COOKIES": "false",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
    "PSEUDONYM_KEY": "bench",
    "PUBLIC_REPORT_RATE_LIMIT": "100000000",
    "PUBLIC_REPORT_API_RATE": "100000000/second",
    "LOG_LEVEL": "WARNING",
}
PY = str(ROOT / ".venv" / "bin" / "python")

"""gunicorn settings shared by ``make run`` and the documented production setup.

Use as ``gunicorn -c python:bovenwater.gunicorn_conf bovenwater.asgi:application
--worker-class uvicorn.workers.UvicornWorker`` (or ``bovenwater.wsgi`` without the
worker class). No log line names a person's address or browser: anonymous reporters
are promised that neither is stored anywhere, and a log file is somewhere.

- gunicorn's own access log (WSGI workers) leaves out the client address (``%(h)s``),
  the user agent (``%(a)s``), the referrer (``%(f)s``) and the query string (``%(U)s``
  is the path alone).
- uvicorn's access log (ASGI workers) always starts with the client address, so it is
  switched off in every worker (``post_worker_init``).
- No proxy header is believed here (``forwarded_allow_ips`` empty): which proxies are
  trusted is decided in one place, the ``TRUSTED_PROXIES`` setting.
"""

from __future__ import annotations

import logging
from typing import Any

accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
loglevel = "warning"
forwarded_allow_ips = ""


def post_worker_init(worker: Any) -> None:
    logging.getLogger("uvicorn.access").disabled = True

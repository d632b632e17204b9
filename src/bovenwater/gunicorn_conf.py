"""gunicorn settings shared by ``make run`` and the documented production setup.

Use as ``gunicorn -c python:bovenwater.gunicorn_conf bovenwater.wsgi``. The access log
leaves out what identifies a person: no client address (``%(h)s``), no user agent
(``%(a)s``), no referrer (``%(f)s``) and no query string (``%(U)s`` is the path alone).
Anonymous reporters are promised that neither their address nor their browser is
stored anywhere, and a log file is somewhere.
"""

from __future__ import annotations

accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
loglevel = "warning"

"""Django settings for Bovenwater: one settings package, every value from the environment.

Each value is read with :func:`bovenwater.envconf.env`, which records a safe default
and a one-line meaning; ``make envdoc`` writes them to ``docs/configuration.md``.
Safe means: production-safe. ``DEBUG`` is off unless switched on, and with ``DEBUG``
off the application refuses to start without ``SECRET_KEY``, ``ALLOWED_HOSTS`` and
``DATABASE_URL``. ``make run`` sets the few values a local demo over http needs.

The values are grouped by concern in the modules below, read in this order (a later
module imports by name what it needs from an earlier one; the order is also the order
of ``docs/configuration.md``). There are no per-environment settings files: every
difference between a laptop and production is an environment variable.
"""

from __future__ import annotations

import django_stubs_ext

django_stubs_ext.monkeypatch()

# The order below is the order the values are read in.
# isort: off
from bovenwater.settings.base import *  # noqa: E402, F403
from bovenwater.settings.accounts import *  # noqa: E402, F403
from bovenwater.settings.security import *  # noqa: E402, F403
from bovenwater.settings.platform import *  # noqa: E402, F403
from bovenwater.settings.services import *  # noqa: E402, F403
# isort: on

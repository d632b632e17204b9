"""Domain exceptions the services raise; the entry points answer them the same way.

``NotFound``: the object is absent or outside the actor's scope, which the actor must not
be able to tell apart. It is an ``Http404``, so Django's views answer it with the 404
page and ``api.problems`` with a ``not_found`` problem; services raise ``NotFound`` and
import nothing of ``django.http``.
"""

from __future__ import annotations

from django.http import Http404


class NotFound(Http404):
    """Absent or out of scope (the two look the same to the actor)."""

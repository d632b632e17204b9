"""Fixed code lists of the reference app that are not loaded from data files."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

#: Work domains (werkvelden) in which an indicator can be seen, in display order.
DOMAIN_LABELS: dict[str, Promise] = {
    "balie": _("Balie (gemeente)"),
    "wijkteam": _("Wijkteam"),
    "onderwijs": _("Onderwijs"),
    "toezicht_handhaving": _("Toezicht en handhaving"),
    "zorg": _("Zorg"),
    "politie": _("Politie"),
    "online": _("Online"),
}
DOMAINS: tuple[str, ...] = tuple(DOMAIN_LABELS)

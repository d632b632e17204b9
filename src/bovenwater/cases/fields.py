"""Labels of the correctable fields of a case and its victim, and how a value is shown
in the history (used by the services that write it and the selectors that read it)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from bovenwater.cases.corrections import CameIntoView, CaseUrgency, FieldPart
from bovenwater.cases.models import (
    CaseState,
    Gender,
)
from bovenwater.reference.models import Nationality, Sector


def _display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("ja") if value else _("nee"))
    if isinstance(value, datetime.date):
        return formats.date_format(value, "j F Y")
    if isinstance(value, Nationality):
        return value.name_nl
    return str(value)


# field -> (label, how the value is shown); the order is the order on the form
CASE_FIELDS: dict[str, tuple[str, Callable[[Any], str]]] = {}
VICTIM_FIELDS: dict[str, tuple[str, Callable[[Any], str]]] = {}


def _labels() -> None:
    """The field labels (translated when called, so the active language applies)."""

    def choice(choices: list[tuple[Any, Any]]) -> Callable[[Any], str]:
        return lambda v: str(dict(choices).get(v, v)) if v else "—"

    CASE_FIELDS.clear()
    CASE_FIELDS.update(
        {
            "forms": (_("Vormen van uitbuiting"), lambda v: v or "—"),
            "sector": (_("Sector"), lambda v: _sector_name(v)),
            "crime_municipality": (_("Plaats delict"), lambda v: v.name if v else "—"),
            "came_into_view": (_("Hoe in beeld gekomen"), choice(CameIntoView.choices)),
            "urgency": (_("Urgentie"), choice(CaseUrgency.choices)),
            "state": (_("Status"), choice(CaseState.choices)),
            "coordinator": (_("Zorgcoördinator"), _display),
            "owner": (_("Eigenaar"), _display),
        }
    )
    VICTIM_FIELDS.clear()
    VICTIM_FIELDS.update(
        {
            "first_name": (_("Voornaam"), _display),
            "last_name": (_("Achternaam"), _display),
            "alias": (_("Roepnaam of alias"), _display),
            "date_of_birth": (_("Geboortedatum"), _display),
            "estimated_age": (_("Geschatte leeftijd"), _display),
            "is_minor": (_("Minderjarig"), _display),
            "gender": (_("Gender"), choice(Gender.choices)),
            "nationality": (_("Nationaliteit"), lambda v: v.name_nl if v else "—"),
            "language": (_("Talen"), _display),
            "interpreter_needed": (_("Tolk nodig"), _display),
            "contact_route": (_("Contactroute"), _display),
            "safety_notes": (_("Veiligheid"), _display),
        }
    )


def _sector_name(sector: Sector | None) -> str:
    return sector.name_nl if sector is not None else "—"


def field_label(part: str, field: str) -> str:
    _labels()
    table = CASE_FIELDS if part == FieldPart.CASE else VICTIM_FIELDS
    return table[field][0] if field in table else field

"""The default routing rules, installed by migration 0002 (and by tests after a flush).

The municipality's contact officer leads; the regional care coordination joins when
a (possible) victim is involved; youth care when it concerns a minor.
"""

from __future__ import annotations

from typing import Any

DEFAULT_RULES: tuple[tuple[int, str, str, bool, bool, bool], ...] = (
    (
        10,
        "Aandachtsfunctionaris van de gemeente van de plaats delict",
        "municipal_contact",
        False,
        False,
        True,
    ),
    (
        20,
        "Regionale zorgcoördinatie bij een (mogelijk) slachtoffer",
        "care_coordination",
        True,
        False,
        False,
    ),
    (30, "Jeugdzorg / Veilig Thuis bij een minderjarige", "youth_care", False, True, False),
)


def ensure_default_rules(rule_model: Any) -> None:
    """Create the default rules that are missing (by name); never touches edited ones."""
    for priority, name, target, requires_victim, requires_minor, lead in DEFAULT_RULES:
        rule_model.objects.get_or_create(
            name=name,
            defaults={
                "priority": priority,
                "target": target,
                "requires_victim": requires_victim,
                "requires_minor": requires_minor,
                "makes_lead": lead,
            },
        )

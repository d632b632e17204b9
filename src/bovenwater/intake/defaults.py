"""The default routing rules, installed by migration 0002 (and by tests after a flush).

The municipality's contact officer leads; the regional care coordination joins when
a (possible) victim is involved; youth care when it concerns a minor. Rules by form of
exploitation (``FORM_RULES``, reasons in docs/routing.md) refer to reference entries,
so they are added when the reference data is loaded (``reference_data_loaded``) and by
migration 0003 when the forms are already there.
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


# (priority, name, target, form code, requires_minor)
FORM_RULES: tuple[tuple[int, str, str, str, bool], ...] = (
    (
        40,
        "Arbeidsinspectie van de regio bij arbeidsuitbuiting",
        "labour_inspectorate",
        "LABOUR",
        False,
    ),
    (
        41,
        "Jeugdzorg / Veilig Thuis bij criminele uitbuiting van een minderjarige",
        "youth_care",
        "CRIMINAL",
        True,
    ),
    (
        42,
        "Politie-eenheid (specialisten mensenhandel) bij seksuele uitbuiting",
        "police",
        "SEXUAL",
        False,
    ),
)


def ensure_form_rules(rule_model: Any, form_model: Any) -> None:
    """Create the missing rules by form (by name) when their form exists."""
    for priority, name, target, code, requires_minor in FORM_RULES:
        form = form_model.objects.filter(code=code).first()
        if form is None:
            continue
        rule_model.objects.get_or_create(
            name=name,
            defaults={
                "priority": priority,
                "target": target,
                "form": form,
                "requires_minor": requires_minor,
                "makes_lead": False,
            },
        )


def ensure_default_rules(rule_model: Any, form_model: Any = None) -> None:
    """Create the default rules that are missing (by name); never touches edited ones.
    With ``form_model`` also the rules by form (of the forms that exist)."""
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
    if form_model is not None:
        ensure_form_rules(rule_model, form_model)

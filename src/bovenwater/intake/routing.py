"""Route a signal to the organisations that must act on it, by the rules in the database.

The rules (``RoutingRule``) are evaluated in priority order; every matching rule
adds its target organisation as a recipient, and a rule with ``stop`` ends the walk.
Targets are found from the municipality of the plaats delict: the organisation of
that kind whose home municipality or service area covers it, else one in the same
safety region, else one in the same police unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import OrganisationKind
from bovenwater.intake.models import RoutingRule, SignalKind
from bovenwater.reference.models import ExploitationForm, Municipality

TARGET_KINDS: dict[str, OrganisationKind] = {
    RoutingRule.Target.MUNICIPAL_CONTACT: OrganisationKind.MUNICIPALITY,
    RoutingRule.Target.CARE_COORDINATION: OrganisationKind.CARE_COORDINATION,
    RoutingRule.Target.YOUTH_CARE: OrganisationKind.YOUTH_CARE,
    RoutingRule.Target.POLICE: OrganisationKind.POLICE,
    RoutingRule.Target.LABOUR_INSPECTORATE: OrganisationKind.LABOUR_INSPECTORATE,
}


@dataclass(frozen=True)
class RoutingInput:
    kind: SignalKind
    municipality: Municipality
    involves_victim: bool
    involves_minor: bool
    forms: frozenset[str]  # ExploitationForm codes


@dataclass(frozen=True)
class RoutingDecision:
    organisation: Organisation
    rule_name: str
    is_lead: bool


def organisation_for(kind: OrganisationKind, municipality: Municipality) -> Organisation | None:
    """The nearest active organisation of ``kind`` for ``municipality``."""
    active = Organisation.objects.filter(kind=kind, is_active=True).select_related("municipality")
    for scope in (
        active.filter(municipality=municipality),
        active.filter(service_area=municipality),
        active.filter(municipality__safety_region_id=municipality.safety_region_id),
        active.filter(municipality__police_unit_id=municipality.police_unit_id),
    ):
        found = scope.order_by("name").first()
        if found is not None:
            return found
    return None


def _matches(rule: RoutingRule, data: RoutingInput, form_codes: dict[int, str]) -> bool:
    if rule.kind and rule.kind != data.kind:
        return False
    if rule.requires_victim and not data.involves_victim:
        return False
    if rule.requires_minor and not data.involves_minor:
        return False
    return not (rule.form_id is not None and form_codes.get(rule.form_id) not in data.forms)


def route(data: RoutingInput) -> list[RoutingDecision]:
    rules = list(RoutingRule.objects.filter(is_active=True).order_by("priority", "id"))
    form_codes = dict(
        ExploitationForm.objects.filter(pk__in=[r.form_id for r in rules if r.form_id]).values_list(
            "pk", "code"
        )
    )
    decisions: list[RoutingDecision] = []
    seen: set[int] = set()
    for rule in rules:
        if not _matches(rule, data, form_codes):
            continue
        if rule.target == RoutingRule.Target.FIXED:
            organisation = rule.fixed_organisation
        else:
            organisation = organisation_for(TARGET_KINDS[rule.target], data.municipality)
        if organisation is not None and organisation.pk not in seen:
            seen.add(organisation.pk)
            has_lead = any(d.is_lead for d in decisions)
            decisions.append(
                RoutingDecision(organisation, rule.name, rule.makes_lead and not has_lead)
            )
        if rule.stop:
            break
    if decisions and not any(d.is_lead for d in decisions):
        first = decisions[0]
        decisions[0] = RoutingDecision(first.organisation, first.rule_name, True)
    return decisions

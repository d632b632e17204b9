"""The hand-off of a case to the national registration (registry app)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import OrganisationKind, Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.cases.models import (
    Case,
    CaseEvent,
    Consent,
    EventKind,
    PermitStatus,
    VictimProfile,
)
from bovenwater.cases.selectors import (
    case_access,
)
from bovenwater.cases.selectors.access import AccessPath
from bovenwater.cases.services.common import record
from bovenwater.lib.errors import NotFound
from bovenwater.registry.choices import B8Status, Source
from bovenwater.registry.pseudonym import Identity, pseudonym_for
from bovenwater.registry.services import RegistrationInput, registration_create

if TYPE_CHECKING:
    from bovenwater.registry.models import Registration


class RegistrationBasis(models.TextChoices):
    CONSENT = "consent", _l("Met toestemming van betrokkene")
    OBLIGATION = "obligation", _l("Meldplicht (politie, KMar, Arbeidsinspectie)")


OBLIGED_KINDS = frozenset(
    {OrganisationKind.POLICE, OrganisationKind.KMAR, OrganisationKind.LABOUR_INSPECTORATE}
)


def _b8_status(case: Case) -> str:
    if case.permit_status == PermitStatus.GRANTED:
        return B8Status.RESIDENCE_PERMIT
    if case.permit_status == PermitStatus.REFUSED:
        return B8Status.REFUSED
    if case.reflection_started_on is not None:
        return B8Status.REFLECTION
    if not case.b8_applicable:
        return B8Status.NOT_APPLICABLE
    return B8Status.UNKNOWN


def _case_pseudonym(case: Case, victim: VictimProfile | None) -> str:
    """Without surname and date of birth the registry cannot derive a person pseudonym;
    then the case number is the identity, so the case's reporters still share a person."""
    if victim is not None and victim.last_name and victim.date_of_birth is not None:
        return ""
    return pseudonym_for(Identity(first_names="case", last_name=case.number, date_of_birth=None))


@transaction.atomic
def case_register(*, actor: Actor, case: Case, basis: str) -> Registration:
    """Register the case's (possible) victim with the national registration.

    With consent: the owning organisation's case worker, when an active consent to the
    national registrar (CoMensha) is recorded. By obligation: police, KMar or labour
    inspectorate with access to the case. Idempotent per case and reporting organisation;
    the registry keeps only a pseudonym of the identifying fields.
    """
    locked = Case.objects.select_for_update().get(pk=case.pk)
    access = case_access(actor=actor, case=locked)
    if access is None:
        raise NotFound
    if basis == RegistrationBasis.CONSENT:
        if access.via != AccessPath.OWNER or not actor.has(Permission.MANAGE_CASES):
            raise PermissionDenied
        has_consent = Consent.objects.filter(
            case=locked,
            withdrawn_at__isnull=True,
            recipient__kind=OrganisationKind.NATIONAL_REGISTRAR,
        ).exists()
        if not has_consent:
            raise ValidationError(
                {
                    "basis": _(
                        "Leg eerst de toestemming van betrokkene vast voor de landelijke "
                        "registratie (CoMensha)."
                    )
                }
            )
    elif basis == RegistrationBasis.OBLIGATION:
        if actor.organisation.kind not in OBLIGED_KINDS:
            raise ValidationError(
                {"basis": _("Alleen politie, KMar en Arbeidsinspectie hebben een meldplicht.")}
            )
    else:
        raise ValidationError({"basis": _("Kies een grondslag voor de registratie.")})
    done = (
        CaseEvent.objects.filter(
            case=locked,
            kind=EventKind.REGISTRATION,
            actor_organisation_id=actor.organisation_id,
        )
        .order_by("created_at")
        .first()
    )
    if done is not None:  # a second press: nothing is handed off twice
        raise ValidationError(
            _("Deze casus is al aangemeld bij de landelijke registratie, op %(date)s.")
            % {"date": formats.date_format(timezone.localtime(done.created_at), "j F Y")},
            code="already_registered",
        )
    victim = VictimProfile.objects.select_related("nationality").filter(case=locked).first()
    data = RegistrationInput(
        registration_date=timezone.localdate(),
        first_names=victim.first_name if victim else "",
        last_name=victim.last_name if victim else "",
        date_of_birth=victim.date_of_birth if victim else None,
        reporting_organisation=actor.organisation,
        crime_municipality_codes=[locked.crime_municipality.code]
        if locked.crime_municipality
        else [],
        form_codes=[f.code for f in locked.forms.all()],
        gender=victim.gender if victim else "unknown",
        age_at_registration=None
        if victim is None or victim.date_of_birth is not None
        else victim.estimated_age,
        nationality_code=victim.nationality.code if victim and victim.nationality else "",
        b8_status=_b8_status(locked),
        pseudonym=_case_pseudonym(locked, victim),
    )
    registration = registration_create(
        actor=actor,
        data=data,
        source=Source.CASES,
        source_reference=f"{locked.number}:{actor.organisation_id}",
    )
    record(
        actor=actor,
        case=locked,
        action=Action.SHARE,
        event=EventKind.REGISTRATION,
        text=_("Aangemeld bij de landelijke registratie door %(org)s (%(basis)s).")
        % {"org": actor.organisation.name, "basis": RegistrationBasis(basis).label},
        purpose=Purpose.REGISTRATION,
        details={"registration": registration.pk, "basis": basis},
    )
    return registration

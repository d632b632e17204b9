"""Forms of the case pages: input validation only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.accounts.selectors import users_in_roles
from bovenwater.cases.corrections import CameIntoView, CaseUrgency
from bovenwater.cases.models import (
    Case,
    CaseState,
    Consent,
    CooperationDecision,
    Gender,
    MeasureKind,
    MeasureStatus,
    PermitStatus,
    ReferralKind,
    SharedPart,
    Shelter,
    ShelterCategory,
)
from bovenwater.reference.models import (
    ExploitationForm,
    Municipality,
    Nationality,
    PoliceUnit,
    Sector,
)

DATE = forms.DateInput(attrs={"type": "date"})


def _organisations() -> Any:
    return Organisation.objects.filter(is_active=True).order_by("name")


RECIPIENT_SEARCH = _("Zoek een organisatie op naam, regio of soort")
RECIPIENT_FOUND = _("{n} organisaties gevonden")


def _use_recipient_picker(field: forms.Field, own_id: int | None) -> None:
    """Organisations grouped by region (police unit) and kind, without the sender's own,
    with a search box (``picker.js``); the field still validates against its queryset."""
    organisations = _organisations().select_related("municipality__police_unit")
    if own_id is not None:
        organisations = organisations.exclude(pk=own_id)
        field.queryset = organisations  # type: ignore[attr-defined]
    groups: dict[str, list[tuple[int, str]]] = {}
    for organisation in organisations:
        unit = organisation.municipality.police_unit if organisation.municipality else None
        region = unit.name if unit is not None else str(_("landelijk"))
        label = f"{region} · {organisation.get_kind_display()}"
        groups.setdefault(label, []).append((organisation.pk, organisation.name))
    field.widget.choices = [("", "---------"), *sorted(groups.items())]
    field.widget.attrs.update(
        {"data-picker": RECIPIENT_SEARCH, "data-picker-count": RECIPIENT_FOUND}
    )


class CaseOpenForm(forms.Form):
    estimated_age = forms.IntegerField(
        label=_("Geschatte leeftijd"), min_value=0, max_value=120, required=False
    )
    date_of_birth = forms.DateField(label=_("Geboortedatum"), required=False, widget=DATE)
    is_minor = forms.BooleanField(label=_("Minderjarig"), required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN)
    nationality = forms.ModelChoiceField(
        label=_("Nationaliteit"),
        queryset=Nationality.objects.order_by("name_nl"),
        required=False,
        empty_label=_("Onbekend"),
    )
    language = forms.CharField(label=_("Taal"), max_length=60, required=False)
    first_name = forms.CharField(
        label=_("Voornaam"),
        max_length=100,
        required=False,
        help_text=_("Alleen als dat voor de zorg nodig is."),
    )
    last_name = forms.CharField(label=_("Achternaam"), max_length=100, required=False)
    exploitation_forms = forms.ModelMultipleChoiceField(
        label=_("Vormen van uitbuiting"),
        queryset=ExploitationForm.objects.order_by("position", "code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    crime_municipality = forms.ModelChoiceField(
        label=_("Plaats delict (gemeente)"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
        empty_label=_("Onbekend"),
    )
    reason = forms.CharField(
        label=_("Aanleiding"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("estimated_age") is None and data.get("date_of_birth") is None:
            self.add_error(
                "estimated_age", _("Vul een geschatte leeftijd of een geboortedatum in.")
            )
        return data


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(label=_("Nieuwe status"), choices=CaseState.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    reason = forms.CharField(
        label=_("Reden"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Verplicht bij afsluiten, uitval, aanhouden en heropenen."),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, Any]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if choices is not None:
            self.fields["to_state"].choices = choices  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Notitie"), widget=forms.Textarea(attrs={"rows": 3}))


class B8Form(forms.Form):
    reflection_started_on = forms.DateField(
        label=_("Start bedenktijd"), required=False, widget=DATE
    )
    dublin_claimant = forms.BooleanField(
        label=_("Dublinclaimant (bedenktijd 30 dagen)"), required=False
    )
    cooperation_decision = forms.ChoiceField(
        label=_("Aangifte of medewerking"), choices=CooperationDecision.choices
    )
    permit_status = forms.ChoiceField(label=_("Verblijfsvergunning"), choices=PermitStatus.choices)


class ConsentForm(forms.Form):
    subject_matter = forms.CharField(label=_("Waarvoor (welke gegevens)"), max_length=300)
    recipient = forms.ModelChoiceField(label=_("Aan wie"), queryset=Organisation.objects.none())
    purpose = forms.CharField(label=_("Doel"), max_length=300)
    given_on = forms.DateField(label=_("Datum"), widget=DATE)
    given_by = forms.CharField(
        label=_("Gegeven door"),
        max_length=200,
        help_text=_("Bijvoorbeeld: betrokkene zelf, of wettelijk vertegenwoordiger."),
    )

    def __init__(self, *args: Any, own: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = _organisations()  # type: ignore[attr-defined]
        _use_recipient_picker(self.fields["recipient"], own)


class ReferralForm(forms.Form):
    to_organisation = forms.ModelChoiceField(
        label=_("Naar organisatie"), queryset=Organisation.objects.none()
    )
    kind = forms.ChoiceField(label=_("Soort verwijzing"), choices=ReferralKind.choices)
    consent = forms.ModelChoiceField(
        label=_("Toestemming"),
        queryset=Consent.objects.none(),
        required=False,
        empty_label=_("Geen (wettelijke grondslag)"),
    )
    legal_basis = forms.CharField(
        label=_("Wettelijke grondslag"),
        max_length=300,
        required=False,
        help_text=_("Alleen invullen als er geen toestemming is."),
    )
    shared_parts = forms.MultipleChoiceField(
        label=_("Gedeelde onderdelen"),
        choices=SharedPart.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Toelichting"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(
        self, *args: Any, consents: Any = None, own: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = _organisations()  # type: ignore[attr-defined]
        _use_recipient_picker(self.fields["to_organisation"], own)
        self.fields["consent"].queryset = consents  # type: ignore[attr-defined]
        self.fields["consent"].label_from_instance = lambda c: (  # type: ignore[attr-defined]
            f"{c.subject_matter} → {c.recipient.name} ({c.given_on:%d-%m-%Y})"
        )


class RespondForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden of toelichting"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Verplicht bij afwijzen."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reden"), widget=forms.Textarea(attrs={"rows": 2}))


class PlacementRequestForm(forms.Form):
    category = forms.ChoiceField(label=_("Categorie opvang"), choices=ShelterCategory.choices)
    region = forms.ModelChoiceField(label=_("Regio"), queryset=PoliceUnit.objects.order_by("name"))
    note = forms.CharField(
        label=_("Toelichting"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class PlaceForm(forms.Form):
    shelter = forms.ModelChoiceField(label=_("Opvanglocatie"), queryset=Shelter.objects.none())

    def __init__(
        self,
        *args: Any,
        shelters: Any = None,
        shelter_choices: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if shelters is not None:
            self.fields["shelter"].queryset = shelters  # type: ignore[attr-defined]
        if shelter_choices is not None:
            # Read beforehand for a whole list of forms; rendering asks the database nothing.
            field = self.fields["shelter"]
            field.choices = [("", field.empty_label), *shelter_choices]  # type: ignore[attr-defined]


class DepartForm(forms.Form):
    departed_on = forms.DateField(label=_("Datum vertrek"), widget=DATE)
    reason = forms.CharField(label=_("Reden vertrek"), max_length=300)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Taak"), max_length=300)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)


class EmergencyAccessForm(forms.Form):
    number = forms.CharField(
        label=_("Casusnummer"), max_length=20, help_text=_("Bijvoorbeeld C-2026-00042.")
    )
    reason = forms.CharField(
        label=_("Waarom heeft u nu toegang nodig?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Uw reden wordt vastgelegd en gemeld aan de functionaris gegevensbescherming."),
    )


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    held_on = forms.DateField(label=_("Datum"), widget=DATE)
    attendees = forms.ModelMultipleChoiceField(
        label=_("Deelnemende organisaties"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    agenda = forms.ModelMultipleChoiceField(
        label=_("Casussen op de agenda"),
        queryset=Case.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, cases: Any = None, attendees: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["agenda"].queryset = cases.order_by("number")  # type: ignore[attr-defined]
        self.fields["agenda"].picker = _("Zoek een casus op nummer of status")  # type: ignore[attr-defined]
        self.fields["agenda"].label_from_instance = lambda c: (  # type: ignore[attr-defined]
            f"{c.number} ({c.get_state_display()})"
        )
        self.fields["attendees"].queryset = attendees  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    case = forms.ModelChoiceField(label=_("Casus"), queryset=Case.objects.none())
    text = forms.CharField(label=_("Besluit of actie"), widget=forms.Textarea(attrs={"rows": 2}))
    owner_organisation = forms.ModelChoiceField(
        label=_("Eigenaar"), queryset=Organisation.objects.none()
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE)

    def __init__(self, *args: Any, cases: Any = None, owners: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases  # type: ignore[attr-defined]
        self.fields["case"].label_from_instance = lambda c: c.number  # type: ignore[attr-defined]
        self.fields["owner_organisation"].queryset = owners  # type: ignore[attr-defined]


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort maatregel"), choices=MeasureKind.choices)
    target = forms.CharField(label=_("Tegen (locatie of persoon)"), max_length=300)
    legal_ground = forms.CharField(
        label=_("Wettelijke grondslag"),
        max_length=300,
        help_text=_("Bijvoorbeeld: Gemeentewet art. 174a, Wet Bibob, APV."),
    )
    started_on = forms.DateField(label=_("Startdatum"), widget=DATE)
    case_number = forms.CharField(label=_("Casusnummer"), max_length=20, required=False)
    signal_reference = forms.CharField(label=_("Signaalnummer"), max_length=40, required=False)


class MeasureStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)
    ended_on = forms.DateField(label=_("Einddatum"), required=False, widget=DATE)


class CaseFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Alle lopende casussen")), *CaseState.choices],
        required=False,
    )
    mine = forms.BooleanField(label=_("Alleen mijn casussen"), required=False)


class RegisterForm(forms.Form):
    basis = forms.ChoiceField(
        label=_("Grondslag"),
        choices=[
            ("consent", _("Met toestemming van betrokkene")),
            ("obligation", _("Meldplicht (politie, KMar, Arbeidsinspectie)")),
        ],
    )


class VersionedForm(forms.Form):
    """A form of a case change: carries the case version it was loaded with."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class TakeForm(VersionedForm):
    pass


class AssignForm(VersionedForm):
    coordinator: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Zorgcoördinator"),
        queryset=None,
        empty_label=_("Kies een collega"),
        error_messages={"required": _("Kies aan wie u de casus toewijst.")},
    )
    reason = forms.CharField(
        label=_("Reden"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Geef een reden voor de toewijzing.")},
    )

    def __init__(self, *args: Any, owner: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        self.fields["coordinator"].queryset = users_in_roles(  # type: ignore[attr-defined]
            organisation_id=owner.pk, roles=[Role.CARE_COORDINATOR]
        )
        self.fields["coordinator"].label_from_instance = lambda u: u.display_name  # type: ignore[attr-defined]


class CaseCoreForm(VersionedForm):
    exploitation_forms = forms.ModelMultipleChoiceField(
        label=_("Vormen van uitbuiting"),
        queryset=ExploitationForm.objects.order_by("position", "code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.order_by("name_nl"),
        required=False,
        empty_label=_("Onbekend"),
    )
    crime_municipality = forms.ModelChoiceField(
        label=_("Plaats delict (gemeente)"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
        empty_label=_("Onbekend"),
    )
    came_into_view = forms.ChoiceField(
        label=_("Hoe in beeld gekomen"), choices=CameIntoView.choices, required=False
    )
    urgency = forms.ChoiceField(label=_("Urgentie"), choices=CaseUrgency.choices)


class VictimForm(VersionedForm):
    first_name = forms.CharField(label=_("Voornaam"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Achternaam"), max_length=100, required=False)
    alias = forms.CharField(
        label=_("Roepnaam of alias"),
        max_length=100,
        required=False,
        help_text=_("De naam waarmee u over betrokkene spreekt, als die anders is."),
    )
    date_of_birth = forms.DateField(
        label=_("Geboortedatum"),
        required=False,
        widget=DATE,
        error_messages={"invalid": _("Vul een geldige datum in, bijvoorbeeld 14-03-2001.")},
    )
    estimated_age = forms.IntegerField(
        label=_("Geschatte leeftijd"),
        min_value=0,
        max_value=120,
        required=False,
        error_messages={
            "invalid": _("Vul een leeftijd in jaren in."),
            "min_value": _("Een leeftijd is 0 of meer."),
            "max_value": _("Een leeftijd is hooguit 120."),
        },
    )
    is_minor = forms.BooleanField(label=_("Minderjarig"), required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    nationality = forms.ModelChoiceField(
        label=_("Nationaliteit"),
        queryset=Nationality.objects.order_by("name_nl"),
        required=False,
        empty_label=_("Onbekend"),
    )
    language = forms.CharField(
        label=_("Talen"),
        max_length=120,
        required=False,
        help_text=_("De talen die betrokkene spreekt, bijvoorbeeld: Roemeens, Engels."),
    )
    interpreter_needed = forms.BooleanField(label=_("Tolk nodig"), required=False)
    contact_route = forms.CharField(
        label=_("Contactroute"),
        max_length=300,
        required=False,
        help_text=_("Hoe en via wie betrokkene veilig te bereiken is."),
    )
    safety_notes = forms.CharField(
        label=_("Veiligheid"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Risico's en afspraken voor de veiligheid van betrokkene."),
    )


class TransferForm(VersionedForm):
    """Propose the transfer of a case to another region's care coordination."""

    to_organisation = forms.ModelChoiceField(
        label=_("Naar zorgcoördinatie"),
        queryset=Organisation.objects.none(),
        empty_label=_("Kies een zorgcoördinatie"),
        error_messages={"required": _("Kies de zorgcoördinatie die de casus overneemt.")},
    )
    reason = forms.CharField(
        label=_("Reden"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bijvoorbeeld: het slachtoffer verhuist naar deze regio."),
        error_messages={"required": _("Geef een reden voor de overdracht.")},
    )
    consent = forms.ModelChoiceField(
        label=_("Toestemming"),
        queryset=Consent.objects.none(),
        required=False,
        empty_label=_("Geen (wettelijke grondslag)"),
    )
    legal_basis = forms.CharField(
        label=_("Wettelijke grondslag"),
        max_length=300,
        required=False,
        help_text=_("Alleen invullen als er geen toestemming is."),
    )

    def __init__(self, *args: Any, consents: Any, owner: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        region = owner.municipality.police_unit_id if owner.municipality else None
        coordination = (
            _organisations()
            .filter(kind=OrganisationKind.CARE_COORDINATION)
            .exclude(pk=owner.pk)
            .exclude(municipality__police_unit_id=region)
            .select_related("municipality__police_unit")
        )
        field = self.fields["to_organisation"]
        field.queryset = coordination  # type: ignore[attr-defined]
        field.label_from_instance = lambda o: (  # type: ignore[attr-defined]
            f"{o.name} ({o.municipality.police_unit.name})" if o.municipality else o.name
        )
        self.fields["consent"].queryset = consents.select_related("recipient")  # type: ignore[attr-defined]
        self.fields["consent"].label_from_instance = lambda c: (  # type: ignore[attr-defined]
            f"{c.subject_matter} → {c.recipient.name} ({c.given_on:%d-%m-%Y})"
        )


class TransferAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Antwoord"),
        choices=[],
        error_messages={"required": _("Kies uw antwoord.")},
    )
    reason = forms.CharField(
        label=_("Reden of toelichting"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Verplicht bij afwijzen of intrekken."),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answer"].choices = [("", _("Kies uw antwoord")), *choices]  # type: ignore[attr-defined]

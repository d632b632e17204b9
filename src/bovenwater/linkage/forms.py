"""Forms of linkage: input validation only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bovenwater.accounts.models import Organisation
from bovenwater.linkage.models import HitBasis, LinkageProject, ProjectPurpose

SELECT = {"class": "utrecht-select utrecht-select--html-select"}
TEXT = {"class": "utrecht-textbox utrecht-textbox--html-input"}
AREA = {"class": "utrecht-textarea", "rows": "3"}
FILE = {"class": "utrecht-textbox utrecht-textbox--html-input"}
MAX_UPLOAD = 50 * 1024 * 1024


class ProjectForm(forms.Form):
    name = forms.CharField(
        label=_("Naam"),
        max_length=120,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": _("Geef het project een naam.")},
    )
    year = forms.IntegerField(
        label=_("Jaar"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={**TEXT, "inputmode": "numeric"}),
        error_messages={
            "required": _("Vul het jaar in."),
            "invalid": _("Vul een jaartal in, bijvoorbeeld 2025."),
            "min_value": _("Vul een jaartal vanaf 2000 in."),
            "max_value": _("Vul een jaartal tot 2100 in."),
        },
    )
    purpose = forms.ChoiceField(
        label=_("Doel"), choices=ProjectPurpose.choices, widget=forms.Select(attrs=SELECT)
    )
    legal_basis = forms.CharField(
        label=_("Grondslag"),
        widget=forms.Textarea(attrs=AREA),
        help_text=_("Wettelijke grondslag en, waar nodig, het convenant of de DPIA."),
        error_messages={"required": _("Leg de grondslag van dit koppelproject vast.")},
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Deelnemende organisaties op het platform"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={**SELECT, "size": "8"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["participants"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Organisation.objects.order_by("name")


class PeopleUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Personenlijst (CSV)"),
        widget=forms.ClearableFileInput(attrs={**FILE, "accept": ".csv,text/csv"}),
        help_text=_(
            "UTF-8 met een kopregel met record_id, first_names, surname, date_of_birth en "
            "eventueel sex, nationality, place_of_birth. Het platform versleutelt de lijst "
            "direct en bewaart geen namen."
        ),
        error_messages={"required": _("Kies een CSV-bestand.")},
    )
    contact_route = forms.CharField(
        label=_("Contactroute voor hit/no-hit"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=TEXT),
        help_text=_("Bijvoorbeeld het algemene nummer of mailadres van uw team."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Het bestand is groter dan 50 MB."))
        return upload


class EncodedUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Versleuteld bestand (JSONL)"),
        widget=forms.ClearableFileInput(attrs={**FILE, "accept": ".jsonl,application/json"}),
        help_text=_("Gemaakt met ‘bovenwater linkage encode’ en de sleutel van dit project."),
        error_messages={"required": _("Kies een versleuteld bestand.")},
    )
    organisation_kind = forms.CharField(
        label=_("Soort organisatie"),
        max_length=40,
        widget=forms.TextInput(attrs=TEXT),
        help_text=_("Bijvoorbeeld: IND, Veilig Thuis, politie (eigen systeem)."),
        error_messages={"required": _("Vul de soort organisatie in.")},
    )
    contact_route = forms.CharField(
        label=_("Contactroute"),
        max_length=200,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": _("Vul een contactroute in.")},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Het bestand is groter dan 50 MB."))
        return upload


class HitQueryForm(forms.Form):
    project: forms.ModelChoiceField[LinkageProject] = forms.ModelChoiceField(
        label=_("Samenwerkingsverband"),
        queryset=LinkageProject.objects.none(),
        widget=forms.Select(attrs=SELECT),
        error_messages={"required": _("Kies het samenwerkingsverband.")},
    )
    basis = forms.ChoiceField(
        label=_("Grondslag"),
        choices=[("", "—"), *HitBasis.choices],
        widget=forms.Select(attrs=SELECT),
        error_messages={"required": _("Kies de grondslag van deze vraag.")},
    )
    reference = forms.CharField(
        label=_("Kenmerk van de casus of het signaal"),
        max_length=60,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": _("Vul het kenmerk van de casus of het signaal in.")},
    )
    first_names = forms.CharField(
        label=_("Voornamen"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    surname = forms.CharField(
        label=_("Achternaam"),
        max_length=200,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": _("Vul een achternaam in.")},
    )
    date_of_birth = forms.CharField(
        label=_("Geboortedatum"),
        max_length=40,
        widget=forms.TextInput(attrs=TEXT),
        help_text=_("Bijvoorbeeld 14-03-1990; een onbekende dag als 00-03-1990."),
        error_messages={"required": _("Vul de geboortedatum in.")},
    )
    sex = forms.ChoiceField(
        label=_("Geslacht"),
        required=False,
        choices=[("", _("Onbekend")), ("v", _("Vrouw")), ("m", _("Man"))],
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["project"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = projects

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from bovenwater.accounts.models import Organisation
from bovenwater.intake import questions
from bovenwater.intake.models import SignalPerson, SignalState, Urgency
from bovenwater.intake.services import FORWARD_KINDS
from bovenwater.reference.models import (
    ExploitationForm,
    Municipality,
    Nationality,
    Sector,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Vul een geldige datum in, bijvoorbeeld 2026-01-31.")}
YES_NO_UNKNOWN = [("unknown", _("Weet ik niet")), ("yes", _("Ja")), ("no", _("Nee"))]
SNIFFERS: tuple[tuple[str, bytes], ...] = (
    ("application/pdf", b"%PDF-"),
    ("image/png", b"\x89PNG\r\n\x1a\n"),
    ("image/jpeg", b"\xff\xd8\xff"),
)


def municipalities() -> Any:
    return Municipality.objects.current().order_by("name")


class PublicReportForm(forms.Form):
    description = forms.CharField(
        label=_("Wat heeft u gezien of gehoord?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Beschrijf zo precies mogelijk wat u opviel. U hoeft geen namen te noemen."),
        error_messages={"required": _("Beschrijf wat u heeft gezien of gehoord.")},
    )
    municipality = forms.ModelChoiceField(
        label=_("In welke gemeente was dit?"),
        queryset=Municipality.objects.none(),
        empty_label=_("Kies een gemeente"),
        widget=forms.Select(
            attrs={
                "data-picker": _("Zoek een gemeente op naam"),
                "data-picker-count": _("{n} gemeenten gevonden"),
            }
        ),
        error_messages={
            "required": _("Kies de gemeente waar het gebeurde."),
            "invalid_choice": _("Kies een gemeente uit de lijst."),
        },
    )
    place_description = forms.CharField(
        label=_("Waar precies?"),
        required=False,
        max_length=300,
        help_text=_("Bijvoorbeeld een straat, een bedrijf of een omschrijving van de plek."),
    )
    observed_on = forms.DateField(
        label=_("Wanneer was dit?"), required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    observed_when = forms.CharField(
        label=_("Of omschrijf wanneer"),
        required=False,
        max_length=200,
        help_text=_("Bijvoorbeeld: elke avond na tienen."),
    )
    persons_description = forms.CharField(
        label=_("Wie waren erbij?"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Beschrijf uiterlijk, geschatte leeftijd, kleding, voertuigen. Namen zijn niet nodig."
        ),
    )
    minor = forms.ChoiceField(
        label=_("Lijkt het te gaan om iemand jonger dan 18 jaar?"),
        choices=YES_NO_UNKNOWN,
        initial="unknown",
        widget=forms.RadioSelect,
    )
    category = forms.ChoiceField(
        label=_("Waar ging het om?"),
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Kies wat het best past; daarna ziet u een paar vragen die erbij horen."),
    )
    signs = forms.MultipleChoiceField(
        label=_("Wat zag of hoorde u? Kruis aan wat klopt."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contact_opt_in = forms.BooleanField(
        label=_("Ik wil dat iemand contact met mij kan opnemen"),
        required=False,
        help_text=_("Alleen als u dit aanvinkt, bewaren wij de contactgegevens hieronder."),
    )
    contact_name = forms.CharField(label=_("Uw naam"), required=False, max_length=200)
    contact_phone = forms.CharField(label=_("Uw telefoonnummer"), required=False, max_length=40)
    contact_email = forms.EmailField(
        label=_("Uw e-mailadres"),
        required=False,
        error_messages={"invalid": _("Vul een geldig e-mailadres in.")},
    )
    website = forms.CharField(
        label=_("Laat dit veld leeg"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )  # honeypot
    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities()  # type: ignore[attr-defined]
        self.fields["category"].choices = [(c.key, c.label) for c in questions.categories()]  # type: ignore[attr-defined]
        self.fields["signs"].choices = [(q.key, q.text) for q in questions.every_question()]  # type: ignore[attr-defined]

    def sign_groups(self) -> list[dict[str, Any]]:
        """The questions per category, and those always asked, with the ticked ones."""
        ticked = set(self["signs"].value() or [])
        groups: list[dict[str, Any]] = [
            {"key": c.key, "label": c.label, "hint": c.hint, "questions": c.questions}
            for c in questions.categories()
            if c.questions
        ]
        groups.append(
            {
                "key": "",
                "label": _("Bij elke situatie"),
                "hint": "",
                "questions": questions.always_asked(),
            }
        )
        for group in groups:
            group["questions"] = [
                {"key": q.key, "text": q.text, "checked": q.key in ticked}
                for q in group["questions"]
            ]
        return groups

    def indicator_answers(self) -> dict[str, str]:
        """What the report records: the indicators the ticked questions stand for."""
        return dict.fromkeys(questions.indicators_for(self.cleaned_data.get("signs") or []), "yes")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("contact_opt_in") and not (
            cleaned.get("contact_phone") or cleaned.get("contact_email")
        ):
            self.add_error(
                "contact_phone", _("Vul een telefoonnummer of e-mailadres in, of vink contact uit.")
            )
        return cleaned


class PublicAdditionForm(forms.Form):
    receipt_code = forms.CharField(
        label=_("Uw ontvangstcode"),
        max_length=20,
        help_text=_("De code die u kreeg na uw melding, bijvoorbeeld K7M2-QX9P-4TZD."),
        error_messages={"required": _("Vul uw ontvangstcode in.")},
    )
    text = forms.CharField(
        label=_("Wat wilt u toevoegen?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Schrijf wat u wilt toevoegen.")},
    )
    website = forms.CharField(
        label=_("Laat dit veld leeg"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


def sniff(upload: UploadedFile) -> str | None:
    """The real type of an upload from its first bytes (PDF, PNG, JPEG or UTF-8 text)."""
    head = upload.read(2048)
    upload.seek(0)
    for content_type, magic in SNIFFERS:
        if head.startswith(magic):
            return content_type
    if head and b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/plain"
    return None


class SignalForm(forms.Form):
    description = forms.CharField(
        label=_("Wat is er gesignaleerd?"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Beschrijf wat u heeft gesignaleerd.")},
    )
    exploitation_forms = forms.ModelMultipleChoiceField(
        label=_("Vermoedelijke vorm(en) van uitbuiting"),
        queryset=ExploitationForm.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.none(),
        required=False,
        empty_label=_("Geen of onbekend"),
    )
    municipality = forms.ModelChoiceField(
        label=_("Gemeente plaats delict"),
        queryset=Municipality.objects.none(),
        empty_label=_("Kies een gemeente"),
        widget=forms.Select(
            attrs={
                "data-picker": _("Zoek een gemeente op naam"),
                "data-picker-count": _("{n} gemeenten gevonden"),
            }
        ),
        error_messages={
            "required": _("Kies de gemeente van de plaats delict."),
            "invalid_choice": _("Kies een gemeente uit de lijst."),
        },
    )
    address = forms.CharField(label=_("Adres plaats delict"), required=False, max_length=300)
    place_description = forms.CharField(
        label=_("Omschrijving van de plek"), required=False, max_length=300
    )
    observed_on = forms.DateField(
        label=_("Datum van de waarneming"), required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    urgency = forms.ChoiceField(
        label=_("Urgentie"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect,
    )
    attachments = MultipleFileField(
        label=_("Bijlagen"),
        required=False,
        help_text=_("PDF, PNG, JPEG of tekst; hoogstens %(mb)s MB per bestand.")
        % {"mb": settings.ATTACHMENT_MAX_MB},
    )
    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exploitation_forms"].queryset = ExploitationForm.objects.current()  # type: ignore[attr-defined]
        self.fields["sector"].queryset = Sector.objects.current()  # type: ignore[attr-defined]
        self.fields["municipality"].queryset = municipalities()  # type: ignore[attr-defined]

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        limit = settings.ATTACHMENT_MAX_MB * 1024 * 1024
        for upload in files:
            if (upload.size or 0) > limit:
                raise forms.ValidationError(
                    _("%(name)s is groter dan %(mb)s MB.")
                    % {"name": upload.name, "mb": settings.ATTACHMENT_MAX_MB}
                )
            content_type = sniff(upload)
            if content_type is None:
                raise forms.ValidationError(
                    _(
                        "%(name)s heeft een bestandstype dat niet is toegestaan (alleen PDF, PNG, JPEG of tekst)."
                    )
                    % {"name": upload.name}
                )
            upload.content_type = content_type
        return files


class VictimForm(forms.Form):
    name = forms.CharField(
        label=_("Naam (alleen als het nodig is)"), required=False, max_length=200
    )
    estimated_age = forms.IntegerField(
        label=_("Geschatte leeftijd"),
        required=False,
        min_value=0,
        max_value=120,
        error_messages={
            "invalid": _("Vul een leeftijd in hele jaren in."),
            "min_value": _("De leeftijd kan niet negatief zijn."),
            "max_value": _("Vul een leeftijd tot 120 jaar in."),
        },
    )
    date_of_birth = forms.DateField(
        label=_("Geboortedatum"), required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    is_minor = forms.BooleanField(label=_("Minderjarig (jonger dan 18)"), required=False)
    gender = forms.ChoiceField(
        label=_("Gender"), choices=SignalPerson.Gender.choices, initial=SignalPerson.Gender.UNKNOWN
    )
    nationality = forms.ModelChoiceField(
        label=_("Nationaliteit"),
        queryset=Nationality.objects.none(),
        required=False,
        empty_label=_("Onbekend"),
    )
    language = forms.CharField(label=_("Taal"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nationality"].queryset = Nationality.objects.current().order_by("name_nl")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        age = cleaned.get("estimated_age")
        if age is not None and age < 18:
            cleaned["is_minor"] = True
        return cleaned


class OtherPersonForm(forms.Form):
    alias = forms.CharField(label=_("Naam of bijnaam"), required=False, max_length=200)
    phone = forms.CharField(label=_("Telefoonnummer"), required=False, max_length=40)
    vehicle = forms.CharField(label=_("Voertuig of kenteken"), required=False, max_length=100)
    address = forms.CharField(label=_("Adres"), required=False, max_length=300)
    suspect_role = forms.CharField(
        label=_("Rol (bijvoorbeeld werver, uitbuiter, vervoerder)"), required=False, max_length=100
    )


class TriageForm(forms.Form):
    to_state = forms.ChoiceField(label=_("Besluit"), choices=SignalState.choices)
    reason = forms.CharField(
        label=_("Toelichting"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    forward_to = forms.ModelChoiceField(
        label=_("Doorzetten naar"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Kies een organisatie"),
    )
    case_reference = forms.CharField(
        label=_("Casusnummer (bij koppelen aan een bestaande casus)"), required=False, max_length=30
    )

    def __init__(self, *args: Any, allowed: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_state"].choices = allowed  # type: ignore[attr-defined]
        self.fields["forward_to"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind__in=FORWARD_KINDS, is_active=True
        ).order_by("name")

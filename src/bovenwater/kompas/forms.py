"""Input validation for the Kompas pages; errors in Dutch next to the field."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from bovenwater.accounts.models import Membership
from bovenwater.kompas.assessment import ANSWERS, yardstick
from bovenwater.kompas.models import ActionStatus, HelpCategory, TargetGroup

TEXTAREA = {"class": "utrecht-textarea", "rows": 4}
TEXTBOX = {"class": "utrecht-textbox utrecht-textbox--html-input"}
SELECT = {"class": "utrecht-select utrecht-select--html-select"}


class DutchContentSelect(forms.Select):
    """A choice of Kompas parts: their titles exist only in Dutch, so in another UI
    language every option says so (``lang="nl"``, WCAG 3.1.2)."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        if not (get_language() or "nl").startswith("nl"):
            option["attrs"]["lang"] = "nl"
        return option


class ColleagueField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.user.display_name)


class NoteForm(forms.Form):
    prefix = "note"
    target = forms.ChoiceField(
        label=_("Bij welk onderdeel?"), widget=DutchContentSelect(attrs=SELECT)
    )
    body = forms.CharField(
        label=_("Uw notitie"),
        max_length=5000,
        help_text=_("Alleen u ziet deze notitie. Schrijf hier geen gegevens over personen."),
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Schrijf een notitie.")},
    )
    paragraph = forms.CharField(required=False, max_length=16, widget=forms.HiddenInput())

    def __init__(self, *args: Any, targets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["target"]).choices = targets
        if len(targets) == 1:
            self.fields["target"].widget = forms.HiddenInput()
            self.fields["target"].initial = targets[0][0]


class NoteEditForm(forms.Form):
    body = forms.CharField(
        label=_("Uw notitie"),
        max_length=5000,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Schrijf een notitie.")},
    )


class ShareForm(forms.Form):
    prefix = "share"
    target = forms.ChoiceField(label=_("Welk onderdeel?"), widget=DutchContentSelect(attrs=SELECT))
    recipient = ColleagueField(
        label=_("Collega"),
        queryset=Membership.objects.none(),
        widget=forms.Select(attrs=SELECT),
        error_messages={"required": _("Kies een collega.")},
    )
    message = forms.CharField(
        label=_("Bericht"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 2}),
        help_text=_("Uw notities worden nooit meegestuurd."),
    )

    def __init__(
        self,
        *args: Any,
        targets: list[tuple[str, str]],
        recipients: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["target"]).choices = targets
        if len(targets) == 1:
            self.fields["target"].widget = forms.HiddenInput()
            self.fields["target"].initial = targets[0][0]
        cast(ColleagueField, self.fields["recipient"]).queryset = recipients


class AssessmentForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for statement in yardstick().statements:
            self.fields[statement.code] = forms.TypedChoiceField(
                label=statement.text,
                choices=[(str(v), label) for v, label in ANSWERS],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Kies nee, deels of ja.")},
            )


class ActionForm(forms.Form):
    prefix = "action"
    title = forms.CharField(
        label=_("Actie"),
        max_length=300,
        widget=forms.TextInput(attrs=TEXTBOX),
        error_messages={"required": _("Beschrijf de actie.")},
    )
    owner = forms.CharField(
        label=_("Eigenaar"),
        max_length=150,
        widget=forms.TextInput(attrs=TEXTBOX),
        help_text=_("Functie of naam van wie de actie trekt."),
        error_messages={"required": _("Wie is eigenaar van de actie?")},
    )
    deadline = forms.DateField(
        label=_("Deadline"),
        widget=forms.DateInput(attrs={**TEXTBOX, "type": "date"}),
        error_messages={
            "required": _("Kies een datum."),
            "invalid": _("Vul een geldige datum in."),
        },
    )
    statement_code = forms.ChoiceField(
        label=_("Bij welk tekort?"), required=False, widget=forms.Select(attrs=SELECT)
    )

    def __init__(self, *args: Any, gaps: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["statement_code"]).choices = [
            ("", _("Geen specifiek tekort")),
            *gaps,
        ]


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=ActionStatus.choices, widget=forms.Select(attrs=SELECT)
    )


class HelpEntryForm(forms.Form):
    """An entry on the sociale kaart; the service validates it again (one rule set for
    the form and the CSV import)."""

    naam = forms.CharField(label=_("Naam"), max_length=200, widget=forms.TextInput(attrs=TEXTBOX))
    soort = forms.ChoiceField(
        label=_("Soort hulp"), choices=HelpCategory.choices, widget=forms.Select(attrs=SELECT)
    )
    gemeente = forms.CharField(
        label=_("Gemeente van vestiging"), max_length=100, widget=forms.TextInput(attrs=TEXTBOX)
    )
    diensten = forms.CharField(label=_("Diensten"), widget=forms.Textarea(attrs=TEXTAREA))
    doelgroepen = forms.MultipleChoiceField(
        label=_("Doelgroepen"),
        choices=TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    talen = forms.CharField(
        label=_("Talen"),
        max_length=300,
        widget=forms.TextInput(attrs=TEXTBOX),
        help_text=_("Bijvoorbeeld: Nederlands, Engels, Pools"),
    )
    adres = forms.CharField(
        label=_("Adres"), max_length=300, required=False, widget=forms.TextInput(attrs=TEXTBOX)
    )
    telefoon = forms.CharField(
        label=_("Telefoon"), max_length=40, widget=forms.TextInput(attrs=TEXTBOX)
    )
    email = forms.CharField(
        label=_("E-mail"), max_length=254, required=False, widget=forms.TextInput(attrs=TEXTBOX)
    )
    website = forms.CharField(
        label=_("Website"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXTBOX)
    )
    openingstijden = forms.CharField(
        label=_("Openingstijden"), max_length=300, widget=forms.TextInput(attrs=TEXTBOX)
    )
    dag_en_nacht = forms.BooleanField(label=_("Dag en nacht bereikbaar"), required=False)
    doorverwijzen = forms.CharField(
        label=_("Zo verwijst u door"), widget=forms.Textarea(attrs=TEXTAREA)
    )


class HelpImportForm(forms.Form):
    bestand = forms.FileField(
        label=_("CSV-bestand"),
        help_text=_("UTF-8, met een kopregel; puntkomma of komma als scheidingsteken."),
        error_messages={"required": _("Kies een bestand.")},
    )

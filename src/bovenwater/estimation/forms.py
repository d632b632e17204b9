"""The form that starts an estimate: input validation only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bovenwater.estimation.models import CIMethod, Method
from bovenwater.reference.models import ExploitationForm

SELECT = {"class": "utrecht-select utrecht-select--html-select"}
TEXT = {"class": "utrecht-textbox utrecht-textbox--html-input"}
MAX_BOOTSTRAP = 2000


class RunForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Methode"),
        choices=Method.choices,
        initial=Method.STEPWISE,
        widget=forms.Select(attrs=SELECT),
        help_text=_(
            "BIC kiest het model met de beste balans tussen passing en eenvoud; "
            "stapsgewijs voegt samenhang tussen lijsten toe zolang die significant is."
        ),
    )
    max_order = forms.TypedChoiceField(
        label=_("Hoogste interactie-orde"),
        choices=[(1, "1"), (2, "2"), (3, "3")],
        coerce=int,
        initial=2,
        widget=forms.Select(attrs=SELECT),
        help_text=_("2: samenhang tussen twee lijsten; 3: ook tussen drie lijsten (trager)."),
    )
    p_threshold = forms.FloatField(
        label=_("p-drempel (alleen stapsgewijs)"),
        initial=0.02,
        min_value=0.0001,
        max_value=0.5,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "decimal"}),
        error_messages={
            "required": _("Vul een p-drempel in."),
            "invalid": _("Vul een getal in, bijvoorbeeld 0,02."),
            "min_value": _("De p-drempel moet minstens %(limit_value)s zijn."),
            "max_value": _("De p-drempel mag hoogstens %(limit_value)s zijn."),
        },
        localize=True,
    )
    ci = forms.ChoiceField(
        label=_("Betrouwbaarheidsinterval"),
        choices=CIMethod.choices,
        initial=CIMethod.PROFILE,
        widget=forms.Select(attrs=SELECT),
    )
    bootstrap = forms.IntegerField(
        label=_("Bootstrapherhalingen"),
        initial=0,
        min_value=0,
        max_value=MAX_BOOTSTRAP,
        widget=forms.NumberInput(attrs={**TEXT, "inputmode": "numeric"}),
        help_text=_("0 bij een profielinterval; 200 tot 2.000 voor een bootstrap-interval."),
        error_messages={
            "required": _("Vul het aantal bootstrapherhalingen in (0 als u geen bootstrap wilt)."),
            "invalid": _("Vul een geheel getal in."),
            "min_value": _("Het aantal kan niet negatief zijn."),
            "max_value": _("Hoogstens %(limit_value)s herhalingen."),
        },
    )
    seed = forms.IntegerField(
        label=_("Seed"),
        required=False,
        min_value=0,
        max_value=2**62,
        widget=forms.NumberInput(attrs={**TEXT, "inputmode": "numeric"}),
        help_text=_("Leeg: een willekeurige seed, die met de schatting wordt bewaard."),
        error_messages={
            "invalid": _("Vul een geheel getal in."),
            "min_value": _("De seed kan niet negatief zijn."),
            "max_value": _("De seed is te groot."),
        },
    )
    form = forms.ChoiceField(
        label=_("Uitbuitingsvorm"),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["form"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Alle vormen"))] + [
            (f.code, f.name) for f in ExploitationForm.objects.all()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        ci = data.get("ci")
        bootstrap = data.get("bootstrap")
        if bootstrap is not None and ci in (CIMethod.PERCENTILE, CIMethod.BCA) and bootstrap < 100:
            self.add_error(
                "bootstrap",
                _("Een bootstrap-interval vraagt minstens 100 herhalingen."),
            )
        if ci == CIMethod.PROFILE and bootstrap:
            self.add_error(
                "bootstrap",
                _(
                    "Een profielinterval gebruikt geen bootstrap: vul 0 in of kies een bootstrap-interval."
                ),
            )
        return data

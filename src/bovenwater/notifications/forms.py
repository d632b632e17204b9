from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bovenwater.notifications.models import EmailMode


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label=_("E-mail over nieuw werk"),
        choices=EmailMode.choices,
        widget=forms.RadioSelect,
        help_text=_("Een e-mail noemt nooit namen of inhoud: alleen dat er werk klaarstaat."),
        error_messages={"invalid_choice": _("Kies een van de mogelijkheden.")},
    )

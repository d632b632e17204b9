"""The hand-off of a case to the national registration."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bovenwater.accounts.middleware import request_actor
from bovenwater.cases import forms as case_forms
from bovenwater.cases import selectors, services
from bovenwater.cases.views.common import to_tab
from bovenwater.lib.refusals import attempt


@require_POST
def case_register(request: HttpRequest, case_id: int) -> HttpResponse:
    """Hand the case over to the national registration (consent or obligation)."""
    actor = request_actor(request)
    access = selectors.case_get_for_actor(actor=actor, case_id=case_id)
    form = case_forms.RegisterForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.case_register(
                actor=actor, case=access.case, basis=form.cleaned_data["basis"]
            ),
            success=_("De casus is aangemeld bij de landelijke registratie."),
            denied=_("U mag deze casus niet aanmelden bij de landelijke registratie."),
        )
    else:
        messages.error(request, _("Kies een grondslag voor de registratie."))
    return to_tab(case_id, "verwijzingen")

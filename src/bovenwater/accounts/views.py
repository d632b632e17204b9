"""Login with password + TOTP, enrolment, logout and switching the acting organisation."""

from __future__ import annotations

import logging
import time
from typing import Any

import requests
import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, user_login_failed
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from jwt import PyJWTError
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from bovenwater.accounts import member_services, services
from bovenwater.accounts.forms import (
    InvitationPasswordForm,
    MemberAddForm,
    MemberEndForm,
    MemberRoleForm,
    OrganisationContactForm,
    PasswordStepForm,
    SwitchOrganisationForm,
    TokenStepForm,
)
from bovenwater.accounts.lockout import address_blocked
from bovenwater.accounts.middleware import (
    PROVIDER_SECOND_FACTOR_KEY,
    SESSION_KEY,
    acting_membership,
    public_view,
    request_actor,
)
from bovenwater.accounts.models import Membership, User
from bovenwater.accounts.oidc import (
    BovenwaterOIDCBackend,
    SsoRefused,
    membership_map,
    second_factor_at_provider,
)
from bovenwater.accounts.roles import Permission
from bovenwater.accounts.selectors import member_for_management, members_list_for_actor
from bovenwater.audit.purposes import Purpose
from bovenwater.lib.refusals import REFUSALS, put_on_form

logger = logging.getLogger(__name__)

PENDING_USER = "bovenwater_pending_user"
PENDING_SINCE = "bovenwater_pending_since"
PENDING_NEXT = "bovenwater_pending_next"
PENDING_SSO = "bovenwater_pending_sso"  # the first step was the identity provider
PENDING_MAX_AGE = 300  # seconds between the password step and the code step


def lockout_response(
    request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    return render(request, "accounts/locked.html", {"minutes": minutes}, status=429)


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, {request.get_host()}, request.is_secure()
    ):
        return candidate
    return reverse("core:home")


def _demo_context() -> dict[str, Any]:
    if not settings.DEMO_MODE:
        return {}
    accounts = (
        Membership.objects.select_related(
            "user", "organisation", "organisation__municipality__police_unit"
        )
        .filter(user__username__startswith="demo.", is_active=True, user__is_system_account=False)
        .order_by("organisation__municipality__police_unit__name", "role")
    )
    secret = settings.DEMO_TOTP_SECRET
    uri = f"otpauth://totp/Bovenwater%20demo?secret={secret}&issuer=Bovenwater%20demo&digits=6&period=30"
    key = bytes.fromhex(services.base32_to_hex(secret))
    return {
        "demo_accounts": accounts,
        "demo_password": settings.DEMO_PASSWORD,
        "demo_secret": secret,
        "demo_qr": segno.make(uri, error="m").svg_inline(
            scale=4, title=_("QR-code met het demogeheim")
        ),
        "demo_code": f"{totp(key, step=30, digits=6):06d}",
        "demo_seconds_left": 30 - int(time.time()) % 30,
    }


@public_view
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if getattr(request, "actor", None) is not None:
        return redirect("core:home")
    form = PasswordStepForm(request.POST or None)
    error = ""
    if request.method == "POST" and address_blocked(request):
        return lockout_response(request)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if isinstance(user, HttpResponse):  # pragma: no cover - axes may answer with a lockout
            return user
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request)
        if user is None or not isinstance(user, User) or user.is_system_account:
            error = _("Gebruikersnaam of wachtwoord is onjuist.")
        else:
            request.session.cycle_key()
            request.session.pop(PENDING_SSO, None)  # this first step is the password
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_SINCE] = time.time()
            request.session[PENDING_NEXT] = _safe_next(request, request.GET.get("next"))
            if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                return redirect("accounts:verify")
            return redirect("accounts:enrol")
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "error": error,
            "sso_name": settings.OIDC_PROVIDER_NAME if settings.SSO_ENABLED else "",
            "sso_next": request.GET.get("next", ""),
            **_demo_context(),
        },
        status=200 if not error else 400,
    )


def _pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(PENDING_USER)
    since = float(request.session.get(PENDING_SINCE, 0))
    if user_id is None or time.time() - since > PENDING_MAX_AGE:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def _token_failed(request: HttpRequest, user: User) -> None:
    user_login_failed.send(
        sender=User, credentials={"username": user.get_username()}, request=request
    )
    services.login_record(user=user, organisation=None, succeeded=False)


def _finish_login(
    request: HttpRequest, user: User, device: TOTPDevice | None, provider_factor: str = ""
) -> HttpResponseRedirect:
    """Log the user in after the second step: a TOTP ``device`` here, or the second
    factor the identity provider vouched for (``provider_factor``, single sign-on)."""
    next_url = str(request.session.get(PENDING_NEXT) or reverse("core:home"))
    via_sso = bool(request.session.get(PENDING_SSO))
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if device is not None:
        otp_login(request, device)
    elif provider_factor:
        request.session[PROVIDER_SECOND_FACTOR_KEY] = user.pk
    else:  # pragma: no cover - every caller gives one of the two
        raise PermissionDenied
    for key in (PENDING_USER, PENDING_SSO):
        request.session.pop(key, None)
    membership = acting_membership(request)
    if membership is not None:
        request.session[SESSION_KEY] = membership.pk
    method = {"method": "oidc", "second_factor": provider_factor or "totp"} if via_sso else None
    services.login_record(
        user=user,
        organisation=membership.organisation if membership else None,
        succeeded=True,
        method=method,
    )
    return redirect(next_url)


def _is_locked(request: HttpRequest, user: User) -> bool:
    """This account from this address, or this address as a whole, is locked."""
    if address_blocked(request):
        return True
    return bool(AxesProxyHandler.is_locked(request, credentials={"username": user.get_username()}))


@public_view
@require_http_methods(["GET", "POST"])
def verify_view(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    if _is_locked(request, user):
        return lockout_response(request)
    form = TokenStepForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                return _finish_login(request, user, device)
        _token_failed(request, user)
        if _is_locked(request, user):
            return lockout_response(request)
        error = _(
            "De code is onjuist of verlopen. Controleer of de tijd op uw telefoon klopt en probeer het opnieuw."
        )
    status = 400 if error or form.errors else 200
    return render(
        request,
        "accounts/verify.html",
        {"form": form, "error": error, "pending_user": user, **_demo_context()},
        status=status,
    )


@public_view
@require_http_methods(["GET", "POST"])
def enrol_view(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:verify")
    if _is_locked(request, user):
        return lockout_response(request)
    device = services.totp_device_for_enrolment(user=user)
    form = TokenStepForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            services.totp_device_confirm(device=device)
            return _finish_login(request, user, device)
        _token_failed(request, user)
        error = _(
            "De code klopt niet. Scan de QR-code opnieuw of typ de sleutel over, en vul de nieuwe code in."
        )
    context = {
        "form": form,
        "error": error,
        "qr": segno.make(device.config_url, error="m").svg_inline(
            scale=4, title=_("QR-code voor uw authenticator-app")
        ),
        "secret": services.hex_to_base32(device.key),
        "pending_user": user,
    }
    return render(
        request, "accounts/enrol.html", context, status=400 if error or form.errors else 200
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    actor = getattr(request, "actor", None)
    if actor is not None:
        services.logout_record(actor=actor)
    logout(request)
    return redirect("accounts:login")


@require_POST
def switch_organisation_view(request: HttpRequest) -> HttpResponse:
    form = SwitchOrganisationForm(request.POST)
    if form.is_valid() and request.user.pk is not None:
        membership = Membership.objects.filter(
            pk=form.cleaned_data["membership"],
            user_id=request.user.pk,
            is_active=True,
            organisation__is_active=True,
        ).first()
        if membership is not None:
            request.session[SESSION_KEY] = membership.pk
    return redirect("core:home")


@public_view
def no_membership_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    return render(request, "accounts/no_membership.html", status=403)


def members_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    memberships = members_list_for_actor(actor=actor, purpose=Purpose.ORGANISATION_MANAGEMENT)
    return render(
        request,
        "accounts/members.html",
        {"memberships": memberships, "can_manage": actor.has(Permission.MANAGE_ORGANISATION)},
    )


@require_http_methods(["GET", "POST"])
def organisation_view(request: HttpRequest) -> HttpResponse:
    """The beheerder's own organisation: its contact details on the sociale kaart."""
    actor = request_actor(request)
    if not actor.has(Permission.MANAGE_ORGANISATION):
        raise PermissionDenied
    organisation = actor.organisation
    form = OrganisationContactForm(
        request.POST or None, initial={"email": organisation.email, "phone": organisation.phone}
    )
    if request.method == "POST" and form.is_valid():
        services.organisation_contact_update(
            actor=actor, email=form.cleaned_data["email"], phone=form.cleaned_data["phone"]
        )
        messages.success(request, _("De contactgegevens zijn opgeslagen."))
        return redirect("accounts:organisation")
    return render(
        request,
        "accounts/organisation.html",
        {"form": form, "organisation": organisation},
        status=400 if form.errors else 200,
    )


def _manager(request: HttpRequest) -> Any:
    actor = request_actor(request)
    if not actor.has(Permission.MANAGE_ORGANISATION):
        raise PermissionDenied
    return actor


@require_http_methods(["GET", "POST"])
def member_add_view(request: HttpRequest) -> HttpResponse:
    """The beheerder adds a person to its own organisation (existing account or invitation)."""
    actor = _manager(request)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = member_services.member_add(actor=actor, **form.cleaned_data)
        except REFUSALS as error:
            put_on_form(form, error)
        else:
            if added.invited:
                messages.success(
                    request,
                    _("%(name)s is toegevoegd en krijgt een uitnodiging per e-mail.")
                    % {"name": added.membership.user.display_name},
                )
            else:
                messages.success(
                    request,
                    _("%(name)s is toegevoegd als %(role)s.")
                    % {
                        "name": added.membership.user.display_name,
                        "role": added.membership.get_role_display(),
                    },
                )
            return redirect("accounts:members")
    return render(
        request, "accounts/member_add.html", {"form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def member_detail_view(request: HttpRequest, membership_id: int) -> HttpResponse:
    """One membership of the beheerder's organisation: change its role or end it."""
    actor = _manager(request)
    membership = member_for_management(actor=actor, membership_id=membership_id)
    role_form = MemberRoleForm(
        request.POST if request.POST.get("action") == "role" else None,
        initial={"role": membership.role},
        prefix="role",
    )
    end_form = MemberEndForm(
        request.POST if request.POST.get("action") == "end" else None, prefix="end"
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "role" and role_form.is_valid():
                member_services.member_change_role(
                    actor=actor, membership=membership, **role_form.cleaned_data
                )
                messages.success(request, _("De rol is gewijzigd."))
                return redirect("accounts:members")
            if request.POST.get("action") == "end" and end_form.is_valid():
                member_services.member_end(
                    actor=actor, membership=membership, **end_form.cleaned_data
                )
                messages.success(request, _("Het lidmaatschap is beëindigd."))
                return redirect("accounts:members")
        except REFUSALS as error:
            put_on_form(role_form if request.POST.get("action") == "role" else end_form, error)
    bad = request.method == "POST"
    return render(
        request,
        "accounts/member_detail.html",
        {
            "membership": membership,
            "role_form": role_form,
            "end_form": end_form,
            "own": membership.pk == actor.membership.pk,
        },
        status=400 if bad else 200,
    )


@public_view
@require_http_methods(["GET", "POST"])
def invitation_view(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """An invited person chooses a password; then the normal login (with TOTP) follows."""
    user = member_services.invitation_check(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = InvitationPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        member_services.invitation_accept(user=user, password=form.cleaned_data["password1"])
        messages.success(
            request,
            _("Uw wachtwoord is ingesteld. Log in met gebruikersnaam %(username)s.")
            % {"username": user.username},
        )
        return redirect("accounts:login")
    return render(
        request,
        "accounts/invitation.html",
        {"form": form, "invited": user},
        status=400 if form.errors else 200,
    )


# --- Single sign-on (OpenID Connect) ---------------------------------------------------


class _SsoRequestView(OIDCAuthenticationRequestView):  # type: ignore[misc]
    pass


@public_view
@require_http_methods(["GET"])
def sso_start_view(request: HttpRequest) -> HttpResponse:
    """Send the browser to the identity provider (state, nonce and PKCE in the session)."""
    if not settings.SSO_ENABLED:
        raise Http404
    response: HttpResponse = _SsoRequestView.as_view()(request)
    request.session["oidc_login_next"] = _safe_next(request, request.GET.get("next"))
    return response


def _sso_refused(request: HttpRequest, reason: str) -> HttpResponse:
    messages_by_reason = {
        "no_account": _(
            "Er is geen Bovenwater-account met het e-mailadres dat %(provider)s doorgeeft (of het adres is daar niet bevestigd). Vraag de beheerder van uw organisatie om u toe te voegen."
        ),
        "provider": _(
            "%(provider)s heeft het inloggen niet bevestigd. Probeer het opnieuw, of log in met uw gebruikersnaam en wachtwoord."
        ),
    }
    text = messages_by_reason.get(reason, messages_by_reason["provider"]) % {
        "provider": settings.OIDC_PROVIDER_NAME
    }
    return render(request, "accounts/sso_refused.html", {"text": text}, status=403)


@public_view
@require_http_methods(["GET"])
def sso_callback_view(request: HttpRequest) -> HttpResponse:
    """Back from the provider: check the state, exchange the code (server to server),
    verify the ID token, find the account. Then the second step: done when the provider
    vouched for a second factor (``amr``/``acr``), else the local TOTP code."""
    if not settings.SSO_ENABLED:
        raise Http404
    states = request.session.get("oidc_states")
    state = request.GET.get("state", "")
    if request.GET.get("error") or not isinstance(states, dict) or state not in states:
        return _sso_refused(request, "provider")
    entry = states.pop(state)
    request.session["oidc_states"] = states
    next_url = _safe_next(request, request.session.get("oidc_login_next"))
    backend = BovenwaterOIDCBackend()
    try:
        user = backend.authenticate(
            request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
        )
    except SsoRefused as refused:
        return _sso_refused(request, refused.reason)
    except (SuspiciousOperation, requests.RequestException, PyJWTError, ValueError, KeyError):
        logger.warning("single sign-on failed", exc_info=True)
        return _sso_refused(request, "provider")
    if not isinstance(user, User) or not user.is_active or user.is_system_account:
        return _sso_refused(request, "no_account")
    mapping = {group: (m.organisation, m.role) for group, m in membership_map().items()}
    member_services.sso_link_and_sync(
        user=user, subject=str(backend.id_claims["sub"]), groups=backend.groups(), mapping=mapping
    )
    request.session.cycle_key()
    request.session[PENDING_USER] = user.pk
    request.session[PENDING_SINCE] = time.time()
    request.session[PENDING_NEXT] = next_url
    request.session[PENDING_SSO] = True
    provider_factor = second_factor_at_provider(backend.id_claims)
    if provider_factor:
        return _finish_login(request, user, None, provider_factor)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:verify")
    return redirect("accounts:enrol")

"""Helpers shared by the browser tests: logging in through the real forms."""

from __future__ import annotations

from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.support import token_for

DEMO_PASSWORD = "Bovenwater-demo-2026"  # settings.DEMO_PASSWORD's default


def fill_login(
    page: Any, base: str, username: str, *, password: str = DEMO_PASSWORD, token: str | None = None
) -> None:
    """Fill both login steps (password, then a TOTP code) and submit; no wait after."""
    page.goto(f"{base}/account/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Volgende stap").click()
    page.wait_for_url("**/inloggen/code/")
    device = TOTPDevice.objects.get(user__username=username)
    page.get_by_label("Code uit uw authenticator-app").fill(token or token_for(device))
    page.get_by_role("button", name="Inloggen").click()


def log_in(page: Any, base: str, username: str, *, password: str = DEMO_PASSWORD) -> None:
    """Log in and wait for the home page."""
    fill_login(page, base, username, password=password)
    page.wait_for_url(f"{base}/")

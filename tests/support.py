"""Helpers shared by tests: TOTP codes, verified logins, API tokens."""

from __future__ import annotations

import itertools
import time
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from bovenwater.accounts import services as account_services
from bovenwater.accounts.middleware import SESSION_KEY
from bovenwater.accounts.models import Membership, Organisation, User
from bovenwater.accounts.roles import Role

TEST_SECRET = "JBSWY3DPEHPK3PXPBOVENWATERDEMO22"
TEST_PASSWORD = "Correct-Paard-Batterij-2026"


def token_for(device: TOTPDevice) -> str:
    """A currently valid TOTP code that this device has not used yet (replay-safe)."""
    device.refresh_from_db()
    current = int(time.time() - device.t0) // device.step
    base = current + device.drift
    wanted = max(base, (device.last_t if device.last_t is not None else -1) + 1)
    if wanted > base + device.tolerance:
        time.sleep(device.step - (time.time() - device.t0) % device.step + 0.2)
        current = int(time.time() - device.t0) // device.step
        wanted = max(current + device.drift, device.last_t + 1)
    key = bytes.fromhex(device.key)
    code = totp(key, step=device.step, t0=device.t0, digits=device.digits, drift=wanted - current)
    return f"{code:0{device.digits}d}"


def login(client: Client, membership: Membership) -> Client:
    """Log a test client in as a verified (password + TOTP) user acting in ``membership``."""
    user: User = membership.user
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    assert device is not None, "user needs a confirmed TOTP device"
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_KEY] = membership.pk
    session.save()
    return client


# A skip reason CI accepts (tests/conftest.py): a side-by-side benchmark's outside tool
# that no Debian package provides.
OPTIONAL_BENCH_TOOL = "optional benchmark comparison tool absent"


_tokens = itertools.count(1)


def api_token(role: Role, organisation: Organisation) -> dict[str, Any]:
    """The Authorization header of a new system account's API token in ``organisation``."""
    user = account_services.user_create(
        username=f"systeem.test.{next(_tokens)}", password=None, is_system_account=True
    )
    membership = account_services.membership_add(user=user, organisation=organisation, role=role)
    _token, plain = account_services.api_token_create(membership=membership, label="test")
    return {"HTTP_AUTHORIZATION": f"Token {plain}"}

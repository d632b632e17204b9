"""A user's e-mail preference as the senders read it (issue #20, `make mutation` group
notifications-scope)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bovenwater.accounts.models import Membership
from bovenwater.accounts.roles import Role
from bovenwater.notifications.models import EmailMode, Preference
from bovenwater.notifications.selectors import preference_of

pytestmark = pytest.mark.django_db


def test_the_preference_is_the_chosen_mode_and_immediate_when_never_chosen(
    make_member: Callable[..., Membership],
) -> None:
    user = make_member(role=Role.SIGNALLER).user
    assert preference_of(user) == EmailMode.IMMEDIATE
    Preference.objects.create(user=user, email=EmailMode.DAILY)
    assert preference_of(user) == EmailMode.DAILY
    Preference.objects.filter(user=user).update(email=EmailMode.NONE)
    assert preference_of(user) == EmailMode.NONE

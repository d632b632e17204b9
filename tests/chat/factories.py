"""Test helpers of the chat tests (the fixtures are in conftest.py)."""

from __future__ import annotations

from bovenwater.accounts.actor import Actor
from bovenwater.chat.models import Helper


def actor_of(helper: Helper) -> Actor:
    return Actor(user=helper.membership.user, membership=helper.membership)

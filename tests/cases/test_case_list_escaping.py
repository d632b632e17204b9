"""The case list's rows are built as HTML in the view: every shown value is escaped."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone
from tests.cases import factories

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, User
from bovenwater.accounts.roles import Role
from bovenwater.cases import services

pytestmark = pytest.mark.django_db


def test_case_and_deadline_rows_escape_names_and_task_titles(
    client: Client, login_as: Callable[[Membership], Client]
) -> None:
    org = factories.organisation(name='Zorg & "Co" <b>')
    membership = factories.member(Role.CARE_COORDINATOR, org, can_login=True)
    User.objects.filter(pk=membership.user_id).update(first_name="<i>Ann</i>", last_name="O'Neil")
    membership.refresh_from_db()
    coordinator = Actor(user=membership.user, membership=membership)
    case = factories.open_case(coordinator)
    due = timezone.localdate() + datetime.timedelta(days=30)
    services.task_create(
        actor=coordinator, case=case, title="<script>alert(1)</script> & bel", deadline=due
    )
    login_as(membership)

    body = client.get("/casussen/").content.decode()

    assert "<script>alert" not in body and "<i>Ann" not in body and "<b><" not in body
    assert (
        f'<td><a class="utrecht-link" href="/casussen/{case.pk}/">{case.number}</a></td>\n'
        "    <td>&lt;script&gt;alert(1)&lt;/script&gt; &amp; bel</td>\n"
        f'    <td><span class="bw-due-later">{due:%d-%m-%Y}</span></td>\n'
        "  </tr>"
    ) in body
    assert (
        "    <td>Zorg &amp; &quot;Co&quot; &lt;b&gt;</td>\n"
        "    <td>&lt;i&gt;Ann&lt;/i&gt; O&#x27;Neil</td>\n"
    ) in body

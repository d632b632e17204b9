"""The acting membership and the organisation switcher share one membership read."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bovenwater.accounts import services
from bovenwater.accounts.middleware import active_memberships
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import Role


def _two_memberships(
    make_member: Callable[..., Membership], make_organisation: Callable[..., Organisation]
) -> tuple[Membership, Membership]:
    first = make_member(role=Role.CONTACT_OFFICER)
    second = services.membership_add(
        user=first.user, organisation=make_organisation(name="Aaa eerste"), role=Role.ANALYST
    )
    return first, second


def test_switcher_lists_active_memberships_in_order_with_one_membership_query(
    client: Client,
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
    login_as: Callable[[Membership], Client],
) -> None:
    first, second = _two_memberships(make_member, make_organisation)
    login_as(first)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("core:home")).content.decode()
    membership_reads = [
        q for q in queries.captured_queries if 'FROM "accounts_membership"' in q["sql"]
    ]
    assert len(membership_reads) == 1
    options = page.split('id="switch-membership"')[1].split("</select>")[0]
    assert options.index(f'value="{second.pk}"') < options.index(f'value="{first.pk}"')
    assert f'<option value="{first.pk}" selected>' in options
    assert 'class="bw-acting__org">' + first.organisation.name + "<" in page


def test_deactivated_membership_leaves_the_switcher_on_the_next_request(
    client: Client,
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
    login_as: Callable[[Membership], Client],
) -> None:
    first, second = _two_memberships(make_member, make_organisation)
    login_as(first)
    assert 'id="switch-membership"' in client.get(reverse("core:home")).content.decode()
    Membership.objects.filter(pk=second.pk).update(is_active=False)
    page = client.get(reverse("core:home")).content.decode()
    assert 'id="switch-membership"' not in page
    assert f'value="{second.pk}"' not in page


def test_deactivated_acting_membership_falls_back_on_the_next_request(
    client: Client,
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
    login_as: Callable[[Membership], Client],
) -> None:
    first, second = _two_memberships(make_member, make_organisation)
    login_as(second)
    page = client.get(reverse("core:home")).content.decode()
    assert 'class="bw-acting__org">Aaa eerste<' in page
    Membership.objects.filter(pk=second.pk).update(is_active=False)
    page = client.get(reverse("core:home")).content.decode()
    assert 'class="bw-acting__org">' + first.organisation.name + "<" in page
    assert "Aaa eerste" not in page


def test_memberships_are_built_as_select_related_would(
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
) -> None:
    first, second = _two_memberships(make_member, make_organisation)
    closed = services.membership_add(
        user=first.user, organisation=make_organisation(name="Aaa gesloten"), role=Role.ANALYST
    )
    Organisation.objects.filter(pk=closed.organisation_id).update(is_active=False)
    request = RequestFactory().get("/")
    request.user = first.user

    built = active_memberships(request)

    expected = list(
        Membership.objects.select_related("organisation", "organisation__municipality", "user")
        .filter(user=first.user, is_active=True, organisation__is_active=True)
        .order_by("organisation__name", "role")
    )
    assert [m.pk for m in built] == [second.pk, first.pk]
    with CaptureQueriesContext(connection) as queries:
        for mine, theirs in zip(built, expected, strict=True):
            for a, b in (
                (mine, theirs),
                (mine.user, theirs.user),
                (mine.organisation, theirs.organisation),
                (mine.organisation.municipality, theirs.organisation.municipality),
            ):
                assert type(a) is type(b)
                assert {f.attname: getattr(a, f.attname) for f in a._meta.concrete_fields} == {
                    f.attname: getattr(b, f.attname) for f in b._meta.concrete_fields
                }
                assert a._state.adding is False and a._state.db == "default"
    assert len(queries) == 0  # everything was read in the one query

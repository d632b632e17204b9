"""The home page shows the work each role starts the day with, declared as a table.

Each block names the permission it needs and a provider that reads it through the
owning app's selectors (which check access and write the processing log). Providers
read only counts and the first few rows, from count tables or indexed queries, so the
home page stays as cheap as the lists it links to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.cases.selectors import (
    capacity_board,
    deadlines_for_actor,
    emergency_accesses_for_privacy_officer,
    incoming_referrals_for_actor,
    waiting_rows,
)
from bovenwater.estimation.selectors import runs_for
from bovenwater.intake import selectors
from bovenwater.kompas.selectors import progress_of_actor
from bovenwater.lib import formatting
from bovenwater.monitor.selectors import monitor_trend

SHOWN = 5


@dataclass
class Item:
    label: str
    detail: str = ""
    url: str = ""
    urgent: bool = False


@dataclass
class Block:
    key: str
    title: str | Promise
    summary: str = ""
    items: list[Item] = field(default_factory=list)
    link: str = ""
    link_label: str | Promise = ""
    empty: str | Promise = ""


def _signals(actor: Actor) -> Block:
    first = selectors.first_open_signals_for_actor(actor=actor, limit=SHOWN)
    selectors.signals_shown(actor=actor, references=[s.reference for s in first])
    overdue = selectors.overdue_count_for_actor(actor=actor)
    today = timezone.localdate()
    return Block(
        key="signals",
        title=gettext_lazy("Signalen voor uw organisatie"),
        summary=_("%(open)s open, waarvan %(overdue)s over de reactietermijn.")
        % {
            "open": formatting.number(selectors.open_count_for_actor(actor=actor)),
            "overdue": formatting.number(overdue),
        },
        items=[
            Item(
                label=s.reference,
                detail=_("reageren uiterlijk %(date)s") % {"date": formatting.date(s.due_date)},
                url=reverse("intake:detail", args=[s.reference]),
                urgent=bool(s.due_date and s.due_date < today),
            )
            for s in first
        ],
        link=reverse("intake:list"),
        link_label=gettext_lazy("Alle open signalen"),
        empty=gettext_lazy("Er wachten geen signalen."),
    )


def _my_reports(actor: Actor) -> Block:
    mine = list(
        selectors.signals_for_actor(
            actor=actor, filters=selectors.SignalFilter(state=selectors.ALL, reported_by_me=True)
        )[:SHOWN]
    )
    selectors.signals_shown(actor=actor, references=[s.reference for s in mine])
    return Block(
        key="my-reports",
        title=gettext_lazy("Mijn meldingen"),
        items=[
            Item(
                label=s.reference,
                detail=s.get_state_display(),
                url=reverse("intake:detail", args=[s.reference]),
            )
            for s in mine
        ],
        link=reverse("intake:create"),
        link_label=gettext_lazy("Nieuw signaal melden"),
        empty=gettext_lazy("U heeft nog niets gemeld."),
    )


def _deadlines(actor: Actor) -> Block:
    deadlines = deadlines_for_actor(actor=actor, limit=SHOWN)
    return Block(
        key="deadlines",
        title=gettext_lazy("Termijnen van uw casussen"),
        items=[
            Item(
                label=d.case_number,
                detail=f"{d.label} — {formatting.date(d.due_on)}",
                url=reverse("cases:detail", args=[d.case_pk]),
                urgent=d.overdue,
            )
            for d in deadlines
        ],
        link=reverse("cases:list"),
        link_label=gettext_lazy("Alle casussen"),
        empty=gettext_lazy("Geen termijnen in de komende tijd."),
    )


def _incoming_referrals(actor: Actor) -> Block:
    waiting = incoming_referrals_for_actor(actor=actor)
    first = list(waiting.order_by("pk")[:SHOWN])
    return Block(
        key="referrals",
        title=gettext_lazy("Verwijzingen die op uw antwoord wachten"),
        summary=_("%(n)s wachtend.") % {"n": formatting.number(waiting.count())},
        items=[
            Item(
                label=r.case.number,
                detail=_("van %(organisation)s") % {"organisation": r.from_organisation.name},
                url=reverse("cases:referral", args=[r.pk]),
            )
            for r in first
        ],
        link=reverse("cases:referrals"),
        link_label=gettext_lazy("Alle verwijzingen"),
        empty=gettext_lazy("Er wachten geen verwijzingen."),
    )


def _shelter(actor: Actor) -> Block:
    own = [
        row
        for row in capacity_board(actor=actor, region_id=None)
        if row.shelter.organisation_id == actor.organisation_id
    ]
    waiting = waiting_rows(actor=actor, region_id=None, limit=SHOWN)
    free = sum(row.available for row in own)
    return Block(
        key="shelter",
        title=gettext_lazy("Opvang: vrije plekken en aanvragen"),
        summary=_("%(free)s vrije plekken in uw opvang; %(waiting)s aanvragen op de wachtlijst.")
        % {"free": formatting.number(free), "waiting": formatting.number(len(waiting))},
        items=[
            Item(
                label=row.request.case.number if row.own else _("aanvraag"),
                detail=row.request.get_category_display(),
            )
            for row in waiting
        ],
        link=reverse("cases:capacity"),
        link_label=gettext_lazy("Opvangcapaciteit en wachtlijst"),
        empty=gettext_lazy("Er staan geen aanvragen op de wachtlijst."),
    )


def _figures(actor: Actor) -> Block:
    trend = monitor_trend(actor=actor)
    year = timezone.localdate().year
    complete = [point for point in trend if point.year < year]
    items = [
        Item(
            label=str(point.year),
            detail=_("%(n)s registraties") % {"n": formatting.number(point.cell.display)},
        )
        for point in reversed(complete[-3:])
    ]
    return Block(
        key="figures",
        title=gettext_lazy("Laatste cijfers"),
        items=items,
        link=reverse("monitor:dashboard"),
        link_label=gettext_lazy("Naar de monitor"),
        empty=gettext_lazy("Nog geen registraties geteld."),
    )


def _estimates(actor: Actor) -> Block:
    runs = list(runs_for(actor)[:SHOWN])
    return Block(
        key="estimates",
        title=gettext_lazy("Schattingen van het verborgen aantal"),
        items=[
            Item(
                label=formatting.date_time(run.created_at),
                detail=run.get_status_display(),
                url=reverse("estimation:run", args=[run.pk]),
            )
            for run in runs
        ],
        link=reverse("estimation:index"),
        link_label=gettext_lazy("Alle schattingen"),
        empty=gettext_lazy("Er is nog geen schatting berekend."),
    )


def _emergency_accesses(actor: Actor) -> Block:
    accesses = emergency_accesses_for_privacy_officer(actor=actor)
    first = list(accesses[:SHOWN])
    return Block(
        key="emergency",
        title=gettext_lazy("Noodtoegang (break-the-glass)"),
        summary=_("%(n)s keer in totaal.") % {"n": formatting.number(accesses.count())},
        items=[
            Item(
                label=access.case.number,
                detail=_("%(who)s, %(when)s")
                % {
                    "who": access.user.get_full_name() or access.user.get_username(),
                    "when": formatting.date_time(access.created_at),
                },
            )
            for access in first
        ],
        link=reverse("cases:emergency_log"),
        link_label=gettext_lazy("Alle noodtoegang"),
        empty=gettext_lazy("Er is geen noodtoegang gebruikt."),
    )


def _learning(actor: Actor) -> Block:
    rows = progress_of_actor(actor=actor)
    return Block(
        key="learning",
        title=gettext_lazy("Training"),
        items=[
            Item(
                label=str(row.path.title),
                detail=_("%(done)s van %(total)s modules gehaald")
                % {"done": row.modules_done, "total": len(row.path.modules)},
            )
            for row in rows
        ],
        link=reverse("kompas:home"),
        link_label=gettext_lazy("Naar Kompas"),
        empty=gettext_lazy("U bent nog niet met een leerlijn begonnen."),
    )


# Which blocks a role sees, in order: (permission needed, permission that hides it, provider).
BLOCKS: tuple[tuple[Permission, Permission | None, Callable[[Actor], Block]], ...] = (
    (Permission.VIEW_SIGNALS, None, _signals),
    (Permission.SUBMIT_SIGNAL, Permission.VIEW_SIGNALS, _my_reports),
    (Permission.VIEW_CASES, None, _deadlines),
    (Permission.VIEW_CASES, None, _incoming_referrals),
    (Permission.VIEW_CAPACITY, None, _shelter),
    (Permission.VIEW_MONITOR, None, _figures),
    (Permission.VIEW_ESTIMATES, None, _estimates),
    (Permission.VIEW_PROCESSING_LOG, None, _emergency_accesses),
    (Permission.MANAGE_SELF_ASSESSMENT, None, _learning),
)


def blocks_for(actor: Actor) -> list[Block]:
    return [
        provider(actor)
        for needed, hidden_by, provider in BLOCKS
        if actor.has(needed) and not (hidden_by is not None and actor.has(hidden_by))
    ]

"""Navigation per role, declared as data: which item, for whom.

An item shows when the acting role holds its permission (or for everyone when the
permission is ``None``). Apps add their items here as their pages land.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    permission: Permission | None = None


NAVIGATION: tuple[NavItem, ...] = (
    NavItem("core:home", _("Overzicht")),
    NavItem("intake:list", _("Signalen"), Permission.SUBMIT_SIGNAL),
    NavItem("intake:create", _("Nieuw signaal"), Permission.SUBMIT_SIGNAL),
    NavItem("cases:list", _("Casussen"), Permission.VIEW_CASES),
    NavItem("cases:referrals", _("Verwijzingen"), Permission.VIEW_CASES),
    NavItem("cases:capacity", _("Opvangcapaciteit"), Permission.VIEW_CAPACITY),
    NavItem("cases:meetings", _("Casusoverleg"), Permission.MANAGE_MEETINGS),
    NavItem("cases:measures", _("Bestuurlijke maatregelen"), Permission.VIEW_MEASURES),
    NavItem("cases:emergency_log", _("Noodtoegang"), Permission.VIEW_PROCESSING_LOG),
    NavItem("reference:indicators", _("Signalenlijsten")),
    NavItem("reference:municipalities", _("Gemeenten en regio's")),
    NavItem("kompas:home", _("Kompas")),
    NavItem("kompas:assessment", _("Zelfevaluatie"), Permission.MANAGE_SELF_ASSESSMENT),
    NavItem("kompas:region", _("Zelfevaluaties regio"), Permission.VIEW_REGION_ASSESSMENTS),
    NavItem("monitor:dashboard", _("Monitor"), Permission.VIEW_MONITOR),
    NavItem("estimation:index", _("Verborgen aantal"), Permission.VIEW_ESTIMATES),
    NavItem("linkage:index", _("Koppeling"), Permission.CONTRIBUTE_LINKAGE),
    NavItem("linkage:ask", _("Hit/no-hit"), Permission.ASK_HIT_NO_HIT),
    NavItem("linkage:privacy", _("Hit/no-hit-log"), Permission.VIEW_PROCESSING_LOG),
    NavItem("webscan:queue", _("Webscan"), Permission.REVIEW_WEBSCAN),
    NavItem("webscan:sources", _("Webscanbronnen"), Permission.MANAGE_WEBSCAN_SOURCES),
    NavItem("registry:list", _("Registraties"), Permission.EXCHANGE_HTCDS),
    NavItem("chat:console", _("Chat"), Permission.CHAT_HELP),
    NavItem("registry:import", _("Registraties importeren"), Permission.IMPORT_REGISTRATIONS),
    NavItem("accounts:members", _("Leden"), Permission.VIEW_MEMBERS),
    NavItem("accounts:organisation", _("Organisatie"), Permission.MANAGE_ORGANISATION),
    NavItem("admin:index", _("Platformbeheer"), Permission.MANAGE_PLATFORM),
    NavItem("audit:log", _("Verwerkingslogboek"), Permission.VIEW_PROCESSING_LOG),
)


def navigation_for(actor: Actor | None) -> list[NavItem]:
    if actor is None:
        return []
    return [item for item in NAVIGATION if item.permission is None or actor.has(item.permission)]

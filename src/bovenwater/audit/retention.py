"""The retention table: how long each kind of record with personal data is kept.

One row per kind of record: what it holds, from which moment its term runs, the term
(a setting: the domain facts give no term for any of these records, so each one is a
documented setting the operator decides on with the privacy officer), what happens at
the end of the term and under which legal basis the record was kept until then (the
basis of its processing purpose, ``audit.purposes``).

The sweeps that apply the rows live in the app that owns the records
(``cases.retention``, ``intake.retention``, ``webscan.jobs``, ``chat.services``); they are
scheduled as privacy jobs (``audit.privacy_jobs``). This module imports no app, so the
table can be shown anywhere (the privacy officer's page, ``manage retention_sweep``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bovenwater.audit.purposes import Purpose, legal_basis_for


@dataclass(frozen=True)
class RetentionRule:
    key: str
    record: Promise  # the kind of record, in words
    starts: Promise  # the moment the term runs from
    action: Promise  # what happens at the end of the term
    purpose: Purpose  # its legal basis is the basis for keeping the record until then
    setting: str  # the setting that holds the term
    unit: str  # "days" or "years"
    job: str  # the privacy job that applies the rule

    @property
    def term(self) -> int:
        value: int = getattr(settings, self.setting)
        return value

    @property
    def legal_basis(self) -> str:
        return legal_basis_for(self.purpose).text

    def term_text(self) -> str:
        if self.unit == "years":
            return str(_("%(n)s jaar") % {"n": self.term})
        return str(_("%(n)s dagen") % {"n": self.term})

    def cutoff(self, now: datetime) -> datetime:
        """Records whose term started before this moment are past their term."""
        if self.unit == "years":
            return subtract_years(now, self.term)
        return now - timedelta(days=self.term)


def subtract_years(moment: datetime, years: int) -> datetime:
    """The same calendar moment ``years`` earlier (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


RETENTION_TABLE: tuple[RetentionRule, ...] = (
    RetentionRule(
        key="closed_case",
        record=_(
            "Afgesloten of uitgevallen casus met persoonsgegevens van het slachtoffer, "
            "historie, toestemmingen, verwijzingen, opvang, taken en overlegbesluiten"
        ),
        starts=_("de datum van afsluiten"),
        action=_("verwijderd (met alles wat erbij hoort)"),
        purpose=Purpose.CARE_COORDINATION,
        setting="CASE_RETENTION_YEARS",
        unit="years",
        job="case_retention",
    ),
    RetentionRule(
        key="signal_without_case",
        record=_(
            "Signaal of anonieme melding dat is afgesloten zonder vervolg of is doorgezet, "
            "met personen, bijlagen, aanvullingen en historie"
        ),
        starts=_("het besluit over het signaal"),
        action=_("verwijderd (met bijlagen)"),
        purpose=Purpose.SIGNAL_HANDLING,
        setting="SIGNAL_RETENTION_DAYS",
        unit="days",
        job="signal_retention",
    ),
    RetentionRule(
        key="signal_with_case",
        record=_("Signaal waaruit een casus is geopend of dat aan een casus is gekoppeld"),
        starts=_(
            "het besluit over het signaal; bewaard zolang de casus bestaat "
            "(de casus volgt haar eigen termijn)"
        ),
        action=_("verwijderd (met bijlagen)"),
        purpose=Purpose.SIGNAL_HANDLING,
        setting="SIGNAL_RETENTION_DAYS",
        unit="days",
        job="signal_retention",
    ),
    RetentionRule(
        key="webscan_ad",
        record=_("Ruwe webscan-advertentie (tekst, contactgegevens, namen)"),
        starts=_("de scan"),
        action=_("verwijderd; het netwerk houdt alleen aantallen"),
        purpose=Purpose.WEBSCAN_REVIEW,
        setting="WEBSCAN_RETENTION_DAYS",
        unit="days",
        job="webscan_retention",
    ),
    RetentionRule(
        key="chat_transcript",
        record=_("Chatgesprek met een jongere (niet warm overgedragen)"),
        starts=_("het einde van het gesprek"),
        action=_("afgeschermd bij het einde, verwijderd na de termijn"),
        purpose=Purpose.CHAT_HELP,
        setting="CHAT_RETENTION_DAYS",
        unit="days",
        job="chat_retention",
    ),
)
RULES_BY_KEY = {rule.key: rule for rule in RETENTION_TABLE}


@dataclass
class SweepReport:
    """What one sweep removed (or, in a dry run, would remove): counts only.

    ``noun`` names the records in the job's counts (``cases``, ``signals``).
    """

    noun: str
    dry_run: bool = False
    deleted: int = 0  # records past their term that went (or, in a dry run, would go)
    held: int = 0  # records past their term kept for a stated reason (see the sweep)
    failed: int = 0  # removals that failed and were rolled back; tried again next run
    rows: int = 0  # rows removed with them (history, persons, attachments, ...)
    files: int = 0  # stored files removed with them
    by_organisation: dict[int, int] = field(default_factory=dict)  # organisation id -> records

    def counts(self) -> dict[str, int]:
        return {
            f"{self.noun}_deleted": self.deleted,
            f"{self.noun}_held": self.held,
            f"{self.noun}_failed": self.failed,
            "rows_deleted": self.rows,
            "files_deleted": self.files,
        }

"""The versioned consent text of a warm hand-off, shown to the young person in the chat.

A text is never changed once used: a new wording gets a new version, and every
hand-off records the version the young person agreed to (or declined).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CURRENT_VERSION = "2026-12-v1"
# Into an existing case: the receiving organisation already helps the young person.
CASE_VERSION = "2026-12-casus-v1"

TEXTS = {
    "2026-12-v1": _(
        "Je hulpverlener wil je in contact brengen met %(organisation)s. "
        "Als je ja zegt, geven wij dit aan hen door: %(summary)s "
        "Ook de berichten die je hulpverlener heeft aangewezen gaan mee (%(count)s). "
        "Zij gebruiken dit alleen om je te helpen, en nemen contact op zoals je met je "
        "hulpverlener hebt afgesproken. Je naam en adres geven we niet door, tenzij je die "
        "zelf in de chat hebt gezet. Zeg je nee, dan blijft alles in deze chat. "
        "Alleen bij acuut gevaar moeten we soms zonder jouw toestemming hulp inschakelen; "
        "dat vertellen we je dan eerlijk."
    ),
    "2026-12-casus-v1": _(
        "Je hulpverlener wil doorgeven wat je vertelt aan %(organisation)s, waar je al "
        "hulp krijgt. Als je ja zegt, zet een medewerker van %(organisation)s dit bij wat "
        "zij al over jou hebben: %(summary)s "
        "Ook de berichten die je hulpverlener heeft aangewezen gaan mee (%(count)s). "
        "Zij gebruiken dit alleen om je te helpen. Verder gaat er niets uit deze chat. "
        "Zeg je nee, dan blijft alles in deze chat. "
        "Alleen bij acuut gevaar moeten we soms zonder jouw toestemming hulp inschakelen; "
        "dat vertellen we je dan eerlijk."
    ),
}


def consent_text(version: str, *, organisation: str, summary: str, count: int) -> str:
    return str(TEXTS[version]) % {"organisation": organisation, "summary": summary, "count": count}

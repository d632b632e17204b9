"""Architecture rules, checked on the source (like a lint rule).

Views and API modules never query models that hold personal data: they go through
the app's selectors (scope + purpose + processing log) and services.
"""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "bovenwater"
SENSITIVE_MODELS = (
    "Signal",
    "SignalPerson",
    "SignalAttachment",
    "PublicReportDetails",
    "PublicAddition",
    "Case",
    "VictimProfile",
    "Consent",
    "Referral",
    "Placement",
    "CaseEvent",
    "EmergencyAccess",
    "Registration",
    "Person",
    "ProcessingLogEntry",
    "Note",
    "Membership",
    "User",
    # webscan (screening): advertisement texts, contact details and names
    "Ad",
    "Network",
    "Decision",
)
ENTRY_MODULES = ("views.py", "api.py")
# Login and session handling necessarily looks up the user and their memberships.
ALLOWED = {("accounts", "views.py")}
QUERY = re.compile(r"\b(" + "|".join(SENSITIVE_MODELS) + r")\.objects\.(?!none\(\))")


def test_views_and_api_read_personal_data_only_through_selectors() -> None:
    offenders = []
    # An app's entry modules: ``views.py``/``api.py``, or the modules of a ``views/``/``api/``
    # package (``cases`` has one module per sub-aggregate).
    modules = [*SRC.glob("*/*.py"), *SRC.glob("*/views/*.py"), *SRC.glob("*/api/*.py")]
    for module in sorted(modules):
        in_package = module.parent.name in ("views", "api") and module.parent.parent != SRC
        if not in_package and (
            module.name not in ENTRY_MODULES or (module.parent.name, module.name) in ALLOWED
        ):
            continue
        for number, line in enumerate(module.read_text(encoding="utf-8").splitlines(), start=1):
            if QUERY.search(line):
                offenders.append(f"{module.relative_to(SRC)}:{number}: {line.strip()}")
    assert offenders == [], "query personal data through selectors:\n" + "\n".join(offenders)

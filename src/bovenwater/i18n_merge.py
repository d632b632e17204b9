"""Fill the English catalogue from pending translation files; report what is missing.

Workflow (``make translations``): ``makemessages`` (needs GNU gettext) refreshes
``locale/en/LC_MESSAGES/django.po`` from the code; this module then fills empty
entries from ``locale/en/pending/*.json`` (``{"Dutch msgid": "English"}``; a plural
entry maps to a list of two strings) and lists entries that still lack English.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALE = Path(__file__).resolve().parent / "locale" / "en"
PO = LOCALE / "LC_MESSAGES" / "django.po"


def merge(po_path: Path = PO, pending_dir: Path = LOCALE / "pending") -> list[str]:
    pending: dict[str, str | list[str]] = {}
    for path in sorted(pending_dir.glob("*.json")):
        pending.update(json.loads(path.read_text(encoding="utf-8")))
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    missing: list[str] = []
    for message in catalog:
        if not message.id:
            continue
        key = str(message.id[0] if isinstance(message.id, (tuple, list)) else message.id)
        if key in pending:
            value = pending[key]
            message.string = tuple(value) if isinstance(message.id, tuple) else str(value)
            message.flags.discard("fuzzy")
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            missing.append(key)
    with po_path.open("wb") as handle:
        write_po(handle, catalog, width=100, include_previous=False)
    return missing


if __name__ == "__main__":
    still_missing = merge()
    for msgid in still_missing:
        sys.stdout.write(f"missing English: {msgid}\n")
    sys.exit(1 if still_missing else 0)

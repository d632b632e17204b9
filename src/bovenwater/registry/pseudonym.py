"""The person pseudonym: a keyed hash (HMAC-SHA256) of normalised identifying fields.

The same person reported by several organisations gets the same pseudonym, so the
registry sees one person with several list memberships (the overlap that a
hidden-number estimate needs). The identifying fields themselves are never stored.
The key comes from ``settings.PSEUDONYM_KEY`` and is kept apart from ``SECRET_KEY``;
without a key nothing is pseudonymised.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_SPACES = re.compile(r"\s+")
_SEPARATOR = "\x1f"


class PseudonymKeyMissing(ImproperlyConfigured):
    pass


@dataclass(frozen=True)
class Identity:
    """Identifying fields of a person; used only to derive the pseudonym."""

    first_names: str
    last_name: str
    date_of_birth: date | None
    nationality_code: str = ""


def normalise_name(value: str) -> str:
    """Lower-case, accents folded (é -> e, ß -> ss), whitespace collapsed, ends trimmed."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", folded).strip()


def normalised_fields(identity: Identity) -> str:
    return _SEPARATOR.join(
        (
            normalise_name(identity.first_names),
            normalise_name(identity.last_name),
            identity.date_of_birth.isoformat() if identity.date_of_birth else "",
            identity.nationality_code.strip().upper(),
        )
    )


def pseudonym_key() -> bytes:
    key: str = getattr(settings, "PSEUDONYM_KEY", "")
    if not key:
        raise PseudonymKeyMissing(
            "PSEUDONYM_KEY is not set: the registry refuses to pseudonymise persons "
            "without a secret key. Set PSEUDONYM_KEY in the environment (keep it apart "
            "from SECRET_KEY and never change it once registrations exist)."
        )
    return key.encode()


def pseudonym_for(identity: Identity) -> str:
    """64 hex characters; equal for equal normalised fields, unlinkable without the key."""
    return hmac.new(
        pseudonym_key(), normalised_fields(identity).encode(), hashlib.sha256
    ).hexdigest()

"""Project keys: one secret per linkage project, bound to that project's purpose.

The key is derived (HMAC-SHA256) from the platform's pseudonymisation key with the
project's id as context, so it differs from the registry pseudonym key and from every
other project's key and cannot be used to recompute anything outside its project. It
is never stored; the project keeps its fingerprint, which every uploaded encoding file
must carry.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from bovenwater.pprl.encode import Keys


class LinkageKeyMissing(ImproperlyConfigured):
    pass


def project_secret(project_id: int) -> bytes:
    base: str = getattr(settings, "PSEUDONYM_KEY", "")
    if not base:
        raise LinkageKeyMissing(
            "PSEUDONYM_KEY is not set: linkage projects derive their keys from it."
        )
    return (
        hmac.new(base.encode(), f"bovenwater-linkage/project/{project_id}".encode(), hashlib.sha256)
        .hexdigest()
        .encode()
    )


def project_keys(project_id: int) -> Keys:
    return Keys.from_secret(project_secret(project_id))

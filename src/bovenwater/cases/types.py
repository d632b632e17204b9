"""Plain input types of the cases app, shared with callers in other apps."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

# The choices a caller passes to the referral service (public: other apps name them).
from bovenwater.cases.models import ReferralKind, SharedPart
from bovenwater.reference.models import Nationality

__all__ = ["ReferralKind", "SharedPart", "VictimDetails"]


@dataclass(frozen=True)
class VictimDetails:
    """What is known of the (possible) victim when a case is opened.

    Names are optional and only recorded when they are needed for the care.
    """

    estimated_age: int | None = None
    date_of_birth: datetime.date | None = None
    is_minor: bool = False
    gender: str = "unknown"  # cases.models.Gender
    nationality: Nationality | None = None
    language: str = ""
    first_name: str = ""
    last_name: str = ""

"""The one write path of case coordination, one module per sub-aggregate.

Every service takes keyword-only arguments and an explicit ``actor``, runs in one
transaction and records the change (timeline event and processing-log row, see
``common.record``) in it. Other apps call ``case_open`` (triage) and nothing below
``cases.models``. The names below are the package's public surface.
"""

from __future__ import annotations

from bovenwater.cases.deadlines import (
    REFLECTION_DAYS_DUBLIN,
    REFLECTION_MONTHS,
    add_months,
    reflection_deadline,
)
from bovenwater.cases.services.case import (
    EMERGENCY_ACCESS_HOURS,
    case_b8_update,
    case_counts_rebuild,
    case_note_add,
    case_open,
    case_transition,
    default_coordinator,
    emergency_access_open,
    task_complete,
    task_create,
)
from bovenwater.cases.services.deadline_notices import deadline_notices_send
from bovenwater.cases.services.measure import measure_create, measure_set_status
from bovenwater.cases.services.meeting import meeting_create, meeting_decision_add
from bovenwater.cases.services.placement import (
    occupied_places,
    placement_create,
    placement_depart,
    placement_request_cancel,
    placement_request_create,
)
from bovenwater.cases.services.referral import (
    consent_record,
    consent_withdraw,
    referral_respond,
    referral_send,
    referral_withdraw,
)
from bovenwater.cases.services.registration import (
    OBLIGED_KINDS,
    RegistrationBasis,
    case_register,
)
from bovenwater.cases.services.retention import existing_case_numbers, sweep_closed_cases
from bovenwater.cases.services.transfer import transfer_answer, transfer_propose
from bovenwater.cases.types import VictimDetails
from bovenwater.cases.workflow import TransitionNotAllowed

__all__ = [
    "EMERGENCY_ACCESS_HOURS",
    "OBLIGED_KINDS",
    "REFLECTION_DAYS_DUBLIN",
    "REFLECTION_MONTHS",
    "RegistrationBasis",
    "TransitionNotAllowed",
    "VictimDetails",
    "add_months",
    "case_b8_update",
    "case_counts_rebuild",
    "case_note_add",
    "case_open",
    "case_register",
    "case_transition",
    "consent_record",
    "consent_withdraw",
    "deadline_notices_send",
    "default_coordinator",
    "emergency_access_open",
    "existing_case_numbers",
    "measure_create",
    "measure_set_status",
    "meeting_create",
    "meeting_decision_add",
    "occupied_places",
    "placement_create",
    "placement_depart",
    "placement_request_cancel",
    "placement_request_create",
    "referral_respond",
    "referral_send",
    "referral_withdraw",
    "reflection_deadline",
    "sweep_closed_cases",
    "task_complete",
    "task_create",
    "transfer_answer",
    "transfer_propose",
]

"""The web pages of case coordination, one module per sub-aggregate (routes in ``urls``)."""

from __future__ import annotations

from bovenwater.cases.views.case import (
    case_b8,
    case_create,
    case_detail,
    case_list,
    case_note,
    case_transition,
    emergency_access,
    emergency_access_log,
    task_complete,
    task_create,
    work_queue,
)
from bovenwater.cases.views.coordination import (
    case_assign_view,
    case_edit_view,
    case_take_view,
    victim_edit_view,
)
from bovenwater.cases.views.measure import (
    measure_detail,
    measure_list,
)
from bovenwater.cases.views.meeting import (
    meeting_detail,
    meeting_list,
)
from bovenwater.cases.views.placement import (
    capacity_board,
    placement_create,
    placement_depart,
    placement_request_create,
)
from bovenwater.cases.views.referral import (
    consent_create,
    consent_withdraw,
    referral_create,
    referral_detail,
    referral_list,
    referral_withdraw,
)
from bovenwater.cases.views.registration import (
    case_register,
)
from bovenwater.cases.views.transfer import transfer_create, transfer_detail

__all__ = [
    "capacity_board",
    "case_assign_view",
    "case_b8",
    "case_create",
    "case_detail",
    "case_edit_view",
    "case_list",
    "case_note",
    "case_register",
    "case_take_view",
    "case_transition",
    "consent_create",
    "consent_withdraw",
    "emergency_access",
    "emergency_access_log",
    "measure_detail",
    "measure_list",
    "meeting_detail",
    "meeting_list",
    "placement_create",
    "placement_depart",
    "placement_request_create",
    "referral_create",
    "referral_detail",
    "referral_list",
    "referral_withdraw",
    "task_complete",
    "task_create",
    "transfer_create",
    "transfer_detail",
    "victim_edit_view",
    "work_queue",
]

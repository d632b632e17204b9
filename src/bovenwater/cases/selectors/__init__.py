"""Access-checked reads of cases, one module per sub-aggregate.

Every read of personal data checks the actor's organisation, role and purpose
(``access``) and writes the processing log. The names below are the package's public
surface; views, the API and other apps import from here."""

from __future__ import annotations

from bovenwater.cases.selectors.access import (
    ALL_PARTS,
    CaseAccess,
    case_access,
    case_access_by_number,
    case_by_number,
    cases_visible_to,
    data_subject,
    is_national_registrar,
)
from bovenwater.cases.selectors.case import (
    case_get_by_number_for_actor,
    case_get_for_actor,
    case_get_managed,
    emergency_accesses_for_privacy_officer,
    tasks_for_access,
    timeline_for_access,
    victim_for_access,
)
from bovenwater.cases.selectors.coordination import (
    RegistrationDone,
    ended_share_for_actor,
    field_history_for_access,
    registration_of,
    work_queue_for_actor,
)
from bovenwater.cases.selectors.dashboard import (
    CASE_ROW_FIELDS,
    CASES_PER_PAGE,
    DEADLINES_SHOWN,
    CaseDashboard,
    CaseListFilter,
    CaseRow,
    Deadline,
    IncomingReferral,
    case_dashboard_for_actor,
    case_list_for_actor,
    deadlines_for_actor,
)
from bovenwater.cases.selectors.measure import (
    MEASURE_ORGANISATION_KINDS,
    measure_get_for_actor,
    measures_for_actor,
)
from bovenwater.cases.selectors.meeting import (
    meeting_cases_visible,
    meeting_get_for_actor,
    meetings_for_actor,
)
from bovenwater.cases.selectors.placement import (
    CapacityRow,
    capacity_board,
    placement_created_by_actor,
    placement_get_for_actor,
    placement_request_get_for_actor,
    placement_requests_for_access,
    placement_requests_of_own_cases,
    placements_for_access,
    placements_list_for_actor,
    waiting_list,
)
from bovenwater.cases.selectors.referral import (
    active_consents_of_case,
    consent_case_id,
    consent_of_case,
    consents_for_access,
    incoming_referrals_for_actor,
    referral_get_for_actor,
    referrals_for_access,
    referrals_list_for_actor,
)

__all__ = [
    "ALL_PARTS",
    "CASES_PER_PAGE",
    "CASE_ROW_FIELDS",
    "DEADLINES_SHOWN",
    "MEASURE_ORGANISATION_KINDS",
    "CapacityRow",
    "CaseAccess",
    "CaseDashboard",
    "CaseListFilter",
    "CaseRow",
    "Deadline",
    "IncomingReferral",
    "RegistrationDone",
    "active_consents_of_case",
    "capacity_board",
    "case_access",
    "case_access_by_number",
    "case_by_number",
    "case_dashboard_for_actor",
    "case_get_by_number_for_actor",
    "case_get_for_actor",
    "case_get_managed",
    "case_list_for_actor",
    "cases_visible_to",
    "consent_case_id",
    "consent_of_case",
    "consents_for_access",
    "data_subject",
    "deadlines_for_actor",
    "emergency_accesses_for_privacy_officer",
    "ended_share_for_actor",
    "field_history_for_access",
    "incoming_referrals_for_actor",
    "is_national_registrar",
    "measure_get_for_actor",
    "measures_for_actor",
    "meeting_cases_visible",
    "meeting_get_for_actor",
    "meetings_for_actor",
    "placement_created_by_actor",
    "placement_get_for_actor",
    "placement_request_get_for_actor",
    "placement_requests_for_access",
    "placement_requests_of_own_cases",
    "placements_for_access",
    "placements_list_for_actor",
    "referral_get_for_actor",
    "referrals_for_access",
    "referrals_list_for_actor",
    "registration_of",
    "tasks_for_access",
    "timeline_for_access",
    "victim_for_access",
    "waiting_list",
    "work_queue_for_actor",
]

"""The REST API of case coordination, one module per sub-aggregate (routes in ``api_urls``).

Entry points only: reads through ``cases.selectors``, writes through ``cases.services``;
a service's errors reach ``api.problems`` uncaught."""

from __future__ import annotations

from bovenwater.cases.api.case import (
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseDetailView,
    CaseListSerializer,
    CaseListView,
    CaseTransitionSerializer,
    CaseTransitionView,
    CaseVictimSerializer,
)
from bovenwater.cases.api.placement import (
    PlacementCreateSerializer,
    PlacementDepartSerializer,
    PlacementDepartView,
    PlacementDetailView,
    PlacementListView,
    PlacementRequestCreateSerializer,
    PlacementRequestListView,
    PlacementRequestSerializer,
    PlacementSerializer,
)
from bovenwater.cases.api.referral import (
    ReferralCreateSerializer,
    ReferralDetailView,
    ReferralListView,
    ReferralRespondSerializer,
    ReferralRespondView,
    ReferralSerializer,
)

__all__ = [
    "CaseCreateSerializer",
    "CaseDetailSerializer",
    "CaseDetailView",
    "CaseListSerializer",
    "CaseListView",
    "CaseTransitionSerializer",
    "CaseTransitionView",
    "CaseVictimSerializer",
    "PlacementCreateSerializer",
    "PlacementDepartSerializer",
    "PlacementDepartView",
    "PlacementDetailView",
    "PlacementListView",
    "PlacementRequestCreateSerializer",
    "PlacementRequestListView",
    "PlacementRequestSerializer",
    "PlacementSerializer",
    "ReferralCreateSerializer",
    "ReferralDetailView",
    "ReferralListView",
    "ReferralRespondSerializer",
    "ReferralRespondView",
    "ReferralSerializer",
]

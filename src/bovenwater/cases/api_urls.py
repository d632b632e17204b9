"""API routes of the cases app, mounted under /api/v1/ by bovenwater.api.urls."""

from __future__ import annotations

from django.urls import URLPattern, path

from bovenwater.cases import api

urlpatterns: list[URLPattern] = [
    path("cases/", api.CaseListView.as_view(), name="cases"),
    path("cases/<int:case_id>/", api.CaseDetailView.as_view(), name="case"),
    path(
        "cases/<int:case_id>/transition/",
        api.CaseTransitionView.as_view(),
        name="case-transition",
    ),
    path("referrals/", api.ReferralListView.as_view(), name="referrals"),
    path("referrals/<int:referral_id>/", api.ReferralDetailView.as_view(), name="referral"),
    path(
        "referrals/<int:referral_id>/respond/",
        api.ReferralRespondView.as_view(),
        name="referral-respond",
    ),
    path("placement-requests/", api.PlacementRequestListView.as_view(), name="placement-requests"),
    path("placements/", api.PlacementListView.as_view(), name="placements"),
    path("placements/<int:placement_id>/", api.PlacementDetailView.as_view(), name="placement"),
    path(
        "placements/<int:placement_id>/depart/",
        api.PlacementDepartView.as_view(),
        name="placement-depart",
    ),
]

"""API routes of the intake app, mounted under /api/v1/ by bovenwater.api.urls."""

from django.urls import path

from bovenwater.intake import api

urlpatterns = [
    path("public-reports/", api.PublicReportView.as_view(), name="public-reports"),
    path(
        "public-reports/additions/",
        api.PublicAdditionView.as_view(),
        name="public-report-additions",
    ),
    path("signals/", api.SignalListView.as_view(), name="signals"),
    path("signals/<str:reference>/", api.SignalDetailView.as_view(), name="signal"),
    path(
        "signals/<str:reference>/transitions/",
        api.SignalTransitionView.as_view(),
        name="signal-transitions",
    ),
]

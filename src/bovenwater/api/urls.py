from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from bovenwater.accounts.middleware import public_view
from bovenwater.api import docs, views

app_name = "api"

urlpatterns = [
    path(
        "schema/",
        public_view(
            SpectacularAPIView.as_view(permission_classes=[AllowAny], authentication_classes=[])
        ),
        name="schema",
    ),
    path("docs/", docs.docs_view, name="docs"),
    path("openapi.yaml", docs.schema_file_view, name="schema-file"),
    path("me/", views.MeView.as_view(), name="me"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisations"),
    path("reference/municipalities/", views.MunicipalityListView.as_view(), name="municipalities"),
    path(
        "reference/exploitation-forms/",
        views.ExploitationFormListView.as_view(),
        name="exploitation-forms",
    ),
    path("reference/indicators/", views.IndicatorListView.as_view(), name="indicators"),
    path("processing-log/", views.ProcessingLogListView.as_view(), name="processing-log"),
    path("", include("bovenwater.intake.api_urls")),
    path("", include("bovenwater.cases.api_urls")),
    path("", include("bovenwater.registry.api_urls")),
    path("", include("bovenwater.monitor.api_urls")),
    path("", include("bovenwater.estimation.api_urls")),
    path("", include("bovenwater.kompas.api_urls")),
]

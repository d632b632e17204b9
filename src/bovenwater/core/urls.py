from django.urls import path

from bovenwater.core import views

app_name = "core"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("toegankelijkheid/", views.accessibility_view, name="accessibility"),
    path("gezondheid/", views.health_view, name="health"),
    path("favicon.ico", views.favicon_view, name="favicon"),
]

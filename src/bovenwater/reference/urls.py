from django.urls import path

from bovenwater.reference import views

app_name = "reference"

urlpatterns = [
    path("signalenlijsten/", views.indicators_view, name="indicators"),
    path("gemeenten/", views.municipalities_view, name="municipalities"),
]

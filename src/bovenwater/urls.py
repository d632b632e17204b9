from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("bovenwater.core.urls")),
    path("account/", include("bovenwater.accounts.urls")),
    path("referentie/", include("bovenwater.reference.urls")),
    path("verwerkingslogboek/", include("bovenwater.audit.urls")),
    path("melden/", include("bovenwater.intake.public_urls")),
    path("signalen/", include("bovenwater.intake.urls")),
    path("casussen/", include("bovenwater.cases.urls")),
    path("registratie/", include("bovenwater.registry.urls")),
    path("monitor/", include("bovenwater.monitor.urls")),
    path("schatting/", include("bovenwater.estimation.urls")),
    path("koppeling/", include("bovenwater.linkage.urls")),
    path("kompas/", include("bovenwater.kompas.urls")),
    path("meldingen/", include("bovenwater.notifications.urls")),
    path("webscan/", include("bovenwater.webscan.urls")),
    path("chat/", include("bovenwater.chat.urls")),
    path("api/v1/", include("bovenwater.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("beheer/", admin.site.urls),
]

handler400 = "bovenwater.core.views.error_400"
handler403 = "bovenwater.core.views.error_403"
handler404 = "bovenwater.core.views.error_404"
handler500 = "bovenwater.core.views.error_500"

admin.site.site_header = "Bovenwater platformbeheer"
admin.site.site_title = "Bovenwater"
if settings.DEMO_MODE:
    admin.site.site_header = "Bovenwater platformbeheer — DEMO"

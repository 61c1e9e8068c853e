from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from vocrehab import language
from vocrehab.accounts import views as account_views

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "vocrehab administration"

urlpatterns = [
    path("healthz", account_views.healthz, name="healthz"),
    path("", account_views.home, name="home"),
    path("language/<str:code>/", language.switch, name="switch_language"),
    path("accounts/", include("allauth.urls")),
    path("staff/", include("vocrehab.accounts.urls")),
    path("audit/", include("vocrehab.audit.urls")),
    path("clients/", include("vocrehab.clients.urls")),
    path("referrals/", include("vocrehab.referrals.urls")),
    path("casework/", include("vocrehab.casework.urls")),
    path("measures/", include("vocrehab.measures.urls")),
    path("directory/", include("vocrehab.directory.urls")),
    path("reports/", include("vocrehab.reports.urls")),
    path("economics/", include("vocrehab.economics.urls")),
    path("data/", include("vocrehab.interchange.urls")),
    path("retention/", include("vocrehab.retention.urls")),
    path("api/", include("vocrehab.api.urls")),
    path("fhir/r4/", include("vocrehab.fhir.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "vocrehab.views.permission_denied"
handler404 = "vocrehab.views.page_not_found"
handler500 = "vocrehab.views.server_error"

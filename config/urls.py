from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from cchc.core.access import public

urlpatterns = [
    path("", include("cchc.reports.urls")),
    path("", include("cchc.core.urls")),
    path("accounts/", include("cchc.accounts.urls")),
    path("units/", include("cchc.orgunits.urls")),
    path("plans/", include("cchc.plans.urls")),
    path("ratings/", include("cchc.ratings.urls")),
    path("indices/", include("cchc.indices.urls")),
    path("surveys/", include("cchc.surveys.urls")),
    path("inspections/", include("cchc.inspections.urls")),
    path("dialogues/", include("cchc.dialogues.urls")),
    path("procedures/", include("cchc.procedures.urls")),
    path("staffing/", include("cchc.staffing.urls")),
    path("services/", include("cchc.services.urls")),
    path("composites/", include("cchc.composites.urls")),
    path("privacy/", include("cchc.privacy.urls")),
    path("api/v1/", include("cchc.api.urls")),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

# The site's own error pages (Vietnamese, with the layout; JSON under /api/): cchc/core/errors.py.
handler400 = "cchc.core.errors.bad_request"
handler403 = "cchc.core.errors.permission_denied"
handler404 = "cchc.core.errors.page_not_found"
handler500 = "cchc.core.errors.server_error"

from django.urls import path

from cchc.core import views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/full", views.healthz_full, name="healthz_full"),
    path("jobs/", views.dead_letters, name="dead_letters"),
    path("notifications/unread/", views.unread_badge, name="unread_badge"),
]

from django.urls import path

from cchc.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("briefing/", views.briefing_list, name="briefing_list"),
    path("briefing/<int:year>/<int:month>/", views.briefing, name="briefing"),
    path(
        "briefing/<int:year>/<int:month>/xlsx/",
        views.briefing_xlsx_download,
        name="briefing_xlsx",
    ),
    path(
        "briefing/<int:year>/<int:month>/docx/",
        views.briefing_docx_download,
        name="briefing_docx",
    ),
    path("briefing/<int:year>/<int:month>/pdf/", views.briefing_pdf_download, name="briefing_pdf"),
]

from django.urls import path

from cchc.reports import views, views_periodic

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
    path("periodic/", views_periodic.periodic_list, name="periodic_list"),
    path("periodic/<int:pk>/", views_periodic.periodic_detail, name="periodic_detail"),
    path("periodic/<int:pk>/edit/", views_periodic.periodic_edit, name="periodic_edit"),
    path("periodic/<int:pk>/value/", views_periodic.periodic_value, name="periodic_value"),
    path("periodic/<int:pk>/submit/", views_periodic.periodic_submit, name="periodic_submit"),
    path("periodic/<int:pk>/accept/", views_periodic.periodic_accept, name="periodic_accept"),
    path("periodic/<int:pk>/return/", views_periodic.periodic_return, name="periodic_return"),
    path(
        "periodic/<int:pk>/consolidate/",
        views_periodic.periodic_consolidate,
        name="periodic_consolidate",
    ),
    path("periodic/<int:pk>/docx/", views_periodic.periodic_docx, name="periodic_docx"),
    path("periodic/<int:pk>/pdf/", views_periodic.periodic_pdf, name="periodic_pdf"),
    path("periodic/<int:pk>/xlsx/", views_periodic.periodic_xlsx, name="periodic_xlsx"),
]

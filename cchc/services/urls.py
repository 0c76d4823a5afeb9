from django.urls import path

from cchc.services import views

app_name = "services"

urlpatterns = [
    path("", views.index, name="index"),
    path("unit/<int:pk>/<int:year>/<int:month>/", views.unit_month, name="unit"),
    path("unit/<int:pk>/<int:year>/<int:month>/late/", views.late, name="late"),
    path(
        "unit/<int:pk>/<int:year>/<int:month>/rate/<slug:rate>/",
        views.rate_dossiers,
        name="dossiers",
    ),
    path("dossier/<int:pk>/apology/", views.apology, name="apology"),
    path("apology/<int:pk>.docx", views.apology_docx, name="apology_docx"),
    path("import/", views.import_files, name="import"),
    path("import/<int:pk>/errors.csv", views.import_errors, name="import_errors"),
    path("import/template/<slug:kind>.csv", views.template_file, name="template"),
    path("close/<int:year>/<int:month>/", views.close, name="close"),
]

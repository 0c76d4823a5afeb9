from django.urls import path

from cchc.staffing import views

app_name = "staffing"
urlpatterns = [
    path("", views.summary, name="summary"),
    path("summary.xlsx", views.summary_xlsx, name="summary_xlsx"),
    path("summary.pdf", views.summary_pdf, name="summary_pdf"),
    path("units/<int:pk>/", views.unit_history, name="unit"),
    path("units/<int:pk>/record/", views.headcount_record, name="record"),
    path("import/", views.headcount_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/errors.xlsx", views.import_errors, name="import_errors"),
    path("policy/", views.policy_edit, name="policy"),
]

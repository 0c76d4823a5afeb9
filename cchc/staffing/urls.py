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
    path("shares/", views.share_list, name="shares"),
    path("shares/<int:pk>/", views.share_edit, name="share_edit"),
    path("shares/import/", views.share_import, name="share_import"),
    path("shares/import/errors.xlsx", views.share_import_errors, name="share_import_errors"),
    path("shares/template.xlsx", views.share_template, name="share_template"),
]

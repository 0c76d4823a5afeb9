from django.urls import path

from cchc.procedures import views

app_name = "procedures"
urlpatterns = [
    path("", views.procedure_list, name="list"),
    path("import/", views.procedure_import, name="import"),
    path("import/errors.xlsx", views.import_errors, name="import_errors"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("overview/", views.overview, name="overview"),
    path("<int:pk>/baseline/", views.procedure_baseline, name="baseline"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/approve/", views.campaign_approve, name="campaign_approve"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("workflows/", views.workflow_list, name="workflows"),
    path("workflows/<int:pk>/", views.workflow_detail, name="workflow"),
    path("workflows/<int:pk>/edit/", views.workflow_edit, name="workflow_edit"),
    path("workflows/<int:pk>/approve/", views.workflow_approve, name="workflow_approve"),
    path("workflows/<int:pk>/publish/", views.workflow_publish, name="workflow_publish"),
    path("workflows/<int:pk>/workflow.pdf", views.workflow_pdf, name="workflow_pdf"),
    path("workflows/<int:pk>/workflow.docx", views.workflow_docx, name="workflow_docx"),
    path("<int:pk>/", views.procedure_detail, name="detail"),
    path("<int:pk>/plan/", views.plan_create, name="plan_create"),
    path("<int:pk>/workflow/", views.workflow_create, name="workflow_create"),
]

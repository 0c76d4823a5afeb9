from django.urls import path

from cchc.indices import (
    views,
    views_council,
    views_external,
    views_public,
    views_results,
    views_rounds,
)

app_name = "indices"
urlpatterns = [
    path("", views.framework_list, name="frameworks"),
    path("import/", views.framework_import, name="framework_import"),
    path("<int:pk>/", views.framework_detail, name="framework"),
    path("<int:pk>/xlsx/", views.framework_xlsx, name="framework_xlsx"),
    path("<int:pk>/publish/", views.framework_publish, name="framework_publish"),
    path("<int:pk>/copy/", views.framework_copy, name="framework_copy"),
]
urlpatterns += [
    path("external/", views_external.external_list, name="external_list"),
    path("external/<slug:code>/", views_external.external_detail, name="external"),
    path("external/<slug:code>/import/", views_external.external_import, name="external_import"),
]
urlpatterns += [
    path("rounds/<int:pk>/results/", views_results.round_results, name="round_results"),
    path("rounds/<int:pk>/publish/", views_results.round_publish, name="round_publish"),
]
urlpatterns += [
    path("public/", views_public.public_rounds, name="public_rounds"),
    path("public/<int:round_pk>/", views_public.public_round, name="public_round"),
    path("public/<int:round_pk>/<int:unit_pk>/", views_public.public_unit, name="public_unit"),
    path("public/<int:round_pk>/results.xlsx", views_public.public_xlsx, name="public_xlsx"),
    path("public/<int:round_pk>/results.docx", views_public.public_docx, name="public_docx"),
    path("public/<int:round_pk>/results.pdf", views_public.public_pdf, name="public_pdf"),
]
urlpatterns += [
    path("rounds/<int:pk>/council/", views_council.council, name="council"),
    path("assessments/<int:pk>/appraise/", views_council.appraise, name="appraise"),
    path(
        "assessments/<int:pk>/appraise/<int:criterion_pk>/",
        views_council.appraise_criterion,
        name="appraise_criterion",
    ),
    path("assessments/<int:pk>/send/", views_council.appraisal_send, name="appraisal_send"),
    path(
        "assessments/<int:pk>/finalise/",
        views_council.appraisal_finalise,
        name="appraisal_finalise",
    ),
]
urlpatterns += [
    path("rounds/", views_rounds.round_list, name="rounds"),
    path("rounds/open/", views_rounds.round_open, name="round_open"),
    path("rounds/<int:pk>/", views_rounds.round_detail, name="round"),
    path("assessments/<int:pk>/", views_rounds.assessment_detail, name="assessment"),
    path(
        "assessments/<int:pk>/score/<int:criterion>/",
        views_rounds.assessment_score,
        name="assessment_score",
    ),
    path(
        "assessments/<int:pk>/evidence/<int:criterion>/",
        views_rounds.assessment_evidence,
        name="assessment_evidence",
    ),
    path(
        "assessments/<int:pk>/cite/<int:criterion>/",
        views_rounds.assessment_cite,
        name="assessment_cite",
    ),
    path("assessments/<int:pk>/submit/", views_rounds.assessment_submit, name="assessment_submit"),
    path("assessments/<int:pk>/close/", views_rounds.assessment_close, name="assessment_close"),
    path(
        "assessments/<int:pk>/respond/", views_rounds.assessment_respond, name="assessment_respond"
    ),
    path("evidence/<int:pk>/", views_rounds.evidence_download, name="evidence_download"),
]

from django.urls import path

from cchc.indices.views import council, external, frameworks, public, results, rounds

app_name = "indices"
urlpatterns = [
    path("", frameworks.framework_list, name="frameworks"),
    path("import/", frameworks.framework_import, name="framework_import"),
    path("<int:pk>/", frameworks.framework_detail, name="framework"),
    path("<int:pk>/xlsx/", frameworks.framework_xlsx, name="framework_xlsx"),
    path("<int:pk>/publish/", frameworks.framework_publish, name="framework_publish"),
    path("<int:pk>/copy/", frameworks.framework_copy, name="framework_copy"),
]
urlpatterns += [
    path("external/", external.external_list, name="external_list"),
    path("external/<slug:code>/", external.external_detail, name="external"),
    path("external/<slug:code>/import/", external.external_import, name="external_import"),
]
urlpatterns += [
    path("rounds/<int:pk>/results/", results.round_results, name="round_results"),
    path("rounds/<int:pk>/publish/", results.round_publish, name="round_publish"),
]
urlpatterns += [
    path("public/", public.public_rounds, name="public_rounds"),
    path("public/<int:round_pk>/", public.public_round, name="public_round"),
    path("public/<int:round_pk>/<int:unit_pk>/", public.public_unit, name="public_unit"),
    path("public/<int:round_pk>/results.xlsx", public.public_xlsx, name="public_xlsx"),
    path("public/<int:round_pk>/results.docx", public.public_docx, name="public_docx"),
    path("public/<int:round_pk>/results.pdf", public.public_pdf, name="public_pdf"),
]
urlpatterns += [
    path("rounds/<int:pk>/council/", council.council, name="council"),
    path("assessments/<int:pk>/appraise/", council.appraise, name="appraise"),
    path(
        "assessments/<int:pk>/appraise/<int:criterion_pk>/",
        council.appraise_criterion,
        name="appraise_criterion",
    ),
    path("assessments/<int:pk>/send/", council.appraisal_send, name="appraisal_send"),
    path(
        "assessments/<int:pk>/finalise/",
        council.appraisal_finalise,
        name="appraisal_finalise",
    ),
]
urlpatterns += [
    path("rounds/", rounds.round_list, name="rounds"),
    path("rounds/open/", rounds.round_open, name="round_open"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round"),
    path("assessments/<int:pk>/", rounds.assessment_detail, name="assessment"),
    path(
        "assessments/<int:pk>/score/<int:criterion>/",
        rounds.assessment_score,
        name="assessment_score",
    ),
    path(
        "assessments/<int:pk>/evidence/<int:criterion>/",
        rounds.assessment_evidence,
        name="assessment_evidence",
    ),
    path(
        "assessments/<int:pk>/cite/<int:criterion>/",
        rounds.assessment_cite,
        name="assessment_cite",
    ),
    path("assessments/<int:pk>/submit/", rounds.assessment_submit, name="assessment_submit"),
    path("assessments/<int:pk>/close/", rounds.assessment_close, name="assessment_close"),
    path("assessments/<int:pk>/respond/", rounds.assessment_respond, name="assessment_respond"),
    path("evidence/<int:pk>/", rounds.evidence_download, name="evidence_download"),
]

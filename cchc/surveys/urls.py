from django.urls import path

app_name = "surveys"
urlpatterns: list = []

# --- surveys: staff pages (campaigns, review, results) ---
from cchc.surveys.views import campaigns, results, review  # noqa: E402

urlpatterns += [
    path("", campaigns.campaign_list, name="campaigns"),
    path("new/", campaigns.campaign_create, name="campaign_new"),
    path("<int:pk>/", campaigns.campaign_detail, name="campaign"),
    path("<int:pk>/close/", campaigns.campaign_close, name="campaign_close"),
    path("<int:pk>/responses/", review.review_queue, name="responses"),
    path("<int:pk>/import/", review.paper_import, name="import"),
    path("<int:pk>/import/template.xlsx", review.import_template, name="import_template"),
    path("<int:pk>/import/errors.xlsx", review.import_errors, name="import_errors"),
    path("<int:pk>/results/", results.results, name="results"),
    path("<int:pk>/results.xlsx", results.results_xlsx, name="results_xlsx"),
    path("<int:pk>/results.pdf", results.results_pdf, name="results_pdf"),
    path("responses/<int:pk>/review/", review.review_decide, name="review"),
    path("units/<int:pk>/", campaigns.unit_link, name="unit"),
    path("units/<int:pk>/qr.svg", campaigns.unit_qr_svg, name="unit_qr_svg"),
    path("units/<int:pk>/qr.png", campaigns.unit_qr_png, name="unit_qr_png"),
    path("units/<int:pk>/poster.pdf", campaigns.unit_poster, name="unit_poster"),
    path("units/<int:pk>/enter/", review.interviewer_entry, name="enter"),
]

# --- surveys: public submission (no login) ---
from cchc.surveys.views import public  # noqa: E402

urlpatterns += [
    path("f/<slug:token>/", public.public_form, name="public_form"),
    path("f/<slug:token>/thanks/", public.public_thanks, name="public_thanks"),
]

# --- surveys: questionnaires (city administrators) ---
from cchc.surveys.views import questionnaires  # noqa: E402

urlpatterns += [
    path("questionnaires/", questionnaires.questionnaire_list, name="questionnaires"),
    path("questionnaires/<int:pk>/", questionnaires.questionnaire_detail, name="questionnaire"),
    path(
        "questionnaires/<int:pk>/edit/",
        questionnaires.questionnaire_edit,
        name="questionnaire_edit",
    ),
    path(
        "questionnaires/<int:pk>/publish/",
        questionnaires.questionnaire_publish,
        name="questionnaire_publish",
    ),
    path(
        "questionnaires/<int:pk>/new-version/",
        questionnaires.questionnaire_new_version,
        name="questionnaire_new_version",
    ),
    path(
        "questionnaires/<int:pk>/sections/<int:section_pk>/questions/",
        questionnaires.question_add,
        name="question_add",
    ),
    path(
        "questionnaires/<int:pk>/questions/<int:question_pk>/remove/",
        questionnaires.question_remove,
        name="question_remove",
    ),
]

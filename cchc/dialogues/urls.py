from django.urls import path

from cchc.dialogues.views import conferences, petitions, public

app_name = "dialogues"
urlpatterns = [
    # Public pages (no login).
    path("", public.conferences, name="public_conferences"),
    path("c/<int:pk>/", public.conference, name="public_conference"),
    path("c/<int:pk>/petition/", public.petition_form, name="public_petition"),
    path("thanks/<str:code>/", public.thanks, name="public_thanks"),
    path("lookup/", public.lookup, name="lookup"),
    path("p/<str:code>/", public.petition_journey, name="journey"),
    path("p/<str:code>/my-data/", public.my_data, name="my_data"),
    # Staff pages.
    path("conferences/", conferences.conference_list, name="conferences"),
    path("conferences.xlsx", conferences.conference_list_xlsx, name="conferences_xlsx"),
    path("conferences.pdf", conferences.conference_list_pdf, name="conferences_pdf"),
    path("conferences/new/", conferences.conference_create, name="conference_new"),
    path("conferences/<int:pk>/", conferences.conference_detail, name="conference"),
    path("conferences/<int:pk>/hold/", conferences.conference_hold, name="conference_hold"),
    path("conferences/<int:pk>/close/", conferences.conference_close, name="conference_close"),
    path("petitions/", petitions.petition_list, name="petitions"),
    path("petitions.xlsx", petitions.petition_list_xlsx, name="petitions_xlsx"),
    path("petitions.pdf", petitions.petition_list_pdf, name="petitions_pdf"),
    path("petitions/new/", petitions.petition_create, name="petition_new"),
    path("petitions/screening/", petitions.screening_queue, name="screening"),
    path("petitions/publish/", petitions.petition_publish, name="publish"),
    path("petitions/<int:pk>/", petitions.petition_detail, name="petition"),
    path("petitions/<int:pk>/screen/", petitions.petition_screen, name="screen"),
    path("petitions/<int:pk>/merge/", petitions.petition_merge, name="merge"),
    path("petitions/<int:pk>/route/", petitions.petition_route, name="route"),
    path("petitions/<int:pk>/answer/", petitions.petition_answer, name="answer"),
    path("petitions/<int:pk>/close/", petitions.petition_close, name="close"),
    path("commitments/", petitions.commitment_list, name="commitments"),
    path("attachments/<int:pk>/", petitions.attachment_download, name="attachment"),
]

from django.urls import path

from cchc.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("new/", views.inspection_create, name="create"),
    path("plans/", views.plan_list, name="plans"),
    path("overview/", views.overview, name="overview"),
    path("recommendations/", views.recommendation_list, name="recommendations"),
    path("files/<int:pk>/", views.finding_file, name="finding_file"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/team/", views.team_add, name="team_add"),
    path("<int:pk>/start/", views.inspection_start, name="start"),
    path("<int:pk>/findings/", views.finding_add, name="finding_add"),
    path("<int:pk>/conclude/", views.inspection_conclude, name="conclude"),
    path("<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("<int:pk>/minutes.docx", views.minutes_docx, name="minutes_docx"),
    path("<int:pk>/reinspection/", views.reinspection, name="reinspection"),
    path("<int:pk>/reinspection/<int:rec>/", views.verdict_record, name="verdict"),
]

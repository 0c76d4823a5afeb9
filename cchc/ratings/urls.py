from django.urls import path

from cchc.ratings.views import records, rounds, year_settings, years

app_name = "ratings"
urlpatterns = [
    path("", rounds.index, name="index"),
    path("<int:year>/<int:month>/", rounds.round_detail, name="round"),
    path("<int:year>/<int:month>/approve/", rounds.round_approve, name="approve_many"),
    path("<int:year>/<int:month>/policy/", year_settings.round_policy, name="round_policy"),
    path(
        "<int:year>/<int:month>/policy/<str:scope>/",
        year_settings.round_policy,
        name="round_policy_scope",
    ),
    path("year/<int:year>/", years.year_detail, name="year"),
    path("year/<int:year>/pdf/", years.year_pdf, name="year_pdf"),
    path("year/<int:year>/exception/", years.year_exception, name="year_exception"),
    path("year/<int:year>/agencies/", year_settings.agency_points, name="agency_points"),
    path("groups/", year_settings.staff_groups, name="staff_groups"),
    path("year/<int:year>/q<int:quarter>/", rounds.period, name="quarter"),
    path("rating/<int:pk>/", rounds.rating_detail, name="detail"),
    path("rating/<int:pk>/pdf/", rounds.rating_pdf, name="detail_pdf"),
    path("rating/<int:pk>/assess/", rounds.rating_assess, name="assess"),
    path("rating/<int:pk>/respond/", rounds.rating_respond, name="respond"),
    path("rating/<int:pk>/approve/", rounds.rating_approve, name="approve"),
    path("rating/<int:pk>/reopen/", rounds.rating_reopen, name="reopen"),
    path("responsibilities/", records.responsibility_list, name="responsibilities"),
    path("responsibilities/<int:pk>/", records.responsibility_detail, name="responsibility"),
    path("responsibilities/<int:pk>/explain/", records.responsibility_explain, name="explain"),
    path("responsibilities/<int:pk>/handling/", records.responsibility_handling, name="handling"),
    path(
        "responsibilities/<int:pk>/follow-up/", records.responsibility_follow_up, name="follow_up"
    ),
    path("discipline/", records.discipline_list, name="disciplines"),
    path("policies/", records.policy_list, name="policies"),
    path("policies/new/", records.policy_create, name="policy_new"),
    path("policies/<int:pk>/", records.policy_detail, name="policy"),
]

from django.urls import path

from cchc.orgunits import views

app_name = "orgunits"
urlpatterns = [
    path("", views.unit_tree, name="tree"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/children/", views.unit_children, name="children"),
    path("<int:pk>/edit/", views.unit_edit, name="edit"),
    path("<int:pk>/move/", views.unit_move, name="move"),
    path("<int:pk>/end/", views.unit_end, name="end"),
    path("chart/", views.unit_chart, name="chart"),
    path("chart/new/", views.chart_create, name="chart_create"),
    path("chart/merge/", views.chart_merge, name="chart_merge"),
    path("chart/import/", views.chart_import, name="chart_import"),
    path("chart/import/errors/", views.chart_import_errors, name="chart_import_errors"),
    path("chart/import/template/", views.chart_template, name="chart_template"),
]

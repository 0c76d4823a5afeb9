from django.urls import path

from cchc.composites import views

app_name = "composites"
urlpatterns = [
    path("", views.index_list, name="list"),
    path("import/", views.index_import, name="import"),
    path("<int:pk>/", views.index_detail, name="detail"),
    path("<int:pk>/pipeline/", views.pipeline_edit, name="pipeline"),
    path("<int:pk>/runs/", views.run_start, name="run_start"),
    path("<int:pk>/runs/<int:run_pk>/", views.run_detail, name="run"),
    path("<int:pk>/runs/<int:run_pk>/results.xlsx", views.run_xlsx, name="run_xlsx"),
]

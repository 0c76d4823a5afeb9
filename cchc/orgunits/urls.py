from django.urls import path

from cchc.orgunits import views

app_name = "orgunits"
urlpatterns = [
    path("", views.unit_tree, name="tree"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/children/", views.unit_children, name="children"),
    path("<int:pk>/edit/", views.unit_edit, name="edit"),
]

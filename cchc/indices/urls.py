from django.urls import path

from cchc.indices import views

app_name = "indices"
urlpatterns = [
    path("", views.framework_list, name="frameworks"),
    path("import/", views.framework_import, name="framework_import"),
    path("<int:pk>/", views.framework_detail, name="framework"),
    path("<int:pk>/xlsx/", views.framework_xlsx, name="framework_xlsx"),
    path("<int:pk>/publish/", views.framework_publish, name="framework_publish"),
    path("<int:pk>/copy/", views.framework_copy, name="framework_copy"),
]

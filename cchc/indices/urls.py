from django.urls import path

from cchc.indices import views, views_external

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

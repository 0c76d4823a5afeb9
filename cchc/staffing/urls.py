from django.urls import URLPattern

app_name = "staffing"
urlpatterns: list[URLPattern] = []

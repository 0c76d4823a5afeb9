from django.urls import path

from cchc.plans.views import excel, pages

app_name = "plans"
urlpatterns = [
    # pages.py
    # excel.py
]

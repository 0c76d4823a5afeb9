from django.urls import path

from cchc.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", views.user_list, name="users"),
    path("units/<int:unit_pk>/members/add/", views.membership_add, name="membership_add"),
    path("members/<int:pk>/revoke/", views.membership_revoke, name="membership_revoke"),
]

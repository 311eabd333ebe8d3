from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

# The names are Django's own (no namespace), so LOGIN_URL = "login" and the auth views' internal
# redirects (password_change_done) resolve without configuration.
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from ops import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("", include("stances.urls")),
    path("", include("articles.urls")),
]

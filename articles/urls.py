from __future__ import annotations

from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("articles/<int:pk>/status/", views.article_status, name="article_status"),
    path("articles/search/", views.article_search, name="article_search"),
]

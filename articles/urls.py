from __future__ import annotations

from django.urls import path

from .views import pages, review

app_name = "articles"

urlpatterns = [
    path("articles/<int:pk>/", pages.article_detail, name="article"),
    path("articles/<int:pk>/status/", pages.article_status, name="article_status"),
    path("articles/search/", pages.article_search, name="article_search"),
    path("review/", review.review_queue, name="review_queue"),
    path("review/<int:pk>/accept/", review.suggestion_accept_view, name="suggestion_accept"),
    path("review/<int:pk>/merge/", review.suggestion_merge_view, name="suggestion_merge"),
    path("review/<int:pk>/reject/", review.suggestion_reject_view, name="suggestion_reject"),
    path("ingest/", review.ingest, name="ingest"),
    path("ingest/<int:pk>/", review.ingest_status, name="ingest_status"),
]

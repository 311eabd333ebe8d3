from __future__ import annotations

from django.urls import path

from .views import history, home, matrix, records, timeline

app_name = "stances"

urlpatterns = [
    path("", home.home, name="home"),
    path("countries/<str:cc>/", timeline.country, name="country"),
    path("countries/<str:cc>/feed/", timeline.country_feed, name="country_feed"),
    path("matrix/", matrix.matrix, name="matrix"),
    # Before the record permalinks: their <slug> would match "history".
    path("contacts/<int:pk>/history/", history.contact_history, name="contact_history"),
    path(
        "contacts/<int:pk>/history/<int:history_id>/revert/",
        history.contact_revert,
        name="contact_revert",
    ),
    path("stances/<int:pk>/history/", history.stance_history, name="stance_history"),
    path(
        "stances/<int:pk>/history/<int:history_id>/revert/",
        history.stance_revert,
        name="stance_revert",
    ),
    path("contacts/<int:pk>/", records.contact_detail, name="contact"),
    path("contacts/<int:pk>/<slug:slug>/", records.contact_detail, name="contact"),
    path("stances/<int:pk>/", records.stance_detail, name="stance"),
    path("stances/<int:pk>/<slug:slug>/", records.stance_detail, name="stance"),
    path("actors/<slug:slug>/", records.actor_detail, name="actor"),
    path("changes/", history.recent_changes, name="recent_changes"),
]

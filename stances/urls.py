from __future__ import annotations

from django.urls import path

from .views import editing, history, home, matrix, records, timeline

app_name = "stances"

urlpatterns = [
    path("", home.home, name="home"),
    path("countries/<str:cc>/", timeline.country, name="country"),
    path("countries/<str:cc>/feed/", timeline.country_feed, name="country_feed"),
    path("matrix/", matrix.matrix, name="matrix"),
    # Editor forms and actions: before the record permalinks, whose <slug> would match them.
    path("contacts/new/", editing.contact_new, name="contact_new"),
    path("contacts/check-field/", editing.contact_field_check, name="contact_field_check"),
    path("contacts/<int:pk>/edit/", editing.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/publish/", editing.contact_publish, name="contact_publish"),
    path("contacts/<int:pk>/unpublish/", editing.contact_unpublish, name="contact_unpublish"),
    path("contacts/<int:pk>/delete/", editing.contact_delete, name="contact_delete"),
    path("contacts/<int:pk>/restore/", editing.contact_restore, name="contact_restore"),
    path("stances/new/", editing.stance_new, name="stance_new"),
    path("stances/check-field/", editing.stance_field_check, name="stance_field_check"),
    path("stances/<int:pk>/edit/", editing.stance_edit, name="stance_edit"),
    path("stances/<int:pk>/publish/", editing.stance_publish, name="stance_publish"),
    path("stances/<int:pk>/unpublish/", editing.stance_unpublish, name="stance_unpublish"),
    path("stances/<int:pk>/delete/", editing.stance_delete, name="stance_delete"),
    path("stances/<int:pk>/restore/", editing.stance_restore, name="stance_restore"),
    path("actors/suggest/", editing.actor_suggest, name="actor_suggest"),
    path("citations/article/", editing.citation_article, name="citation_article"),
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

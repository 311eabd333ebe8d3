from __future__ import annotations

from django.urls import path

from .views import home, matrix, records, timeline

app_name = "stances"

urlpatterns = [
    path("", home.home, name="home"),
    path("countries/<str:cc>/", timeline.country, name="country"),
    path("countries/<str:cc>/feed/", timeline.country_feed, name="country_feed"),
    path("matrix/", matrix.matrix, name="matrix"),
    path("contacts/<int:pk>/", records.contact_detail, name="contact"),
    path("contacts/<int:pk>/<slug:slug>/", records.contact_detail, name="contact"),
    path("stances/<int:pk>/", records.stance_detail, name="stance"),
    path("stances/<int:pk>/<slug:slug>/", records.stance_detail, name="stance"),
    path("actors/<slug:slug>/", records.actor_detail, name="actor"),
]

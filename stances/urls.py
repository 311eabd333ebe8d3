from __future__ import annotations

from django.urls import path

from . import views

app_name = "stances"

urlpatterns = [
    path("", views.home, name="home"),
    path("countries/<str:cc>/", views.country, name="country"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact"),
    path("contacts/<int:pk>/<slug:slug>/", views.contact_detail, name="contact"),
    path("stances/<int:pk>/", views.stance_detail, name="stance"),
    path("actors/<slug:slug>/", views.actor_detail, name="actor"),
]

"""The app's URLs plus the bare view the benchmark compares every page with."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    """No query, no template: what a request costs through Django and its middleware alone."""
    return HttpResponse("ok", content_type="text/plain")


# Last, so the app's pages resolve exactly as in production and the bare view pays for trying
# every app pattern first.
urlpatterns = [*app_urlpatterns, path("__bench__/bare/", bare)]

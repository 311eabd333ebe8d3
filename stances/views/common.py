"""Look-up-and-permission helpers shared by the stances views."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django_htmx.middleware import HtmxDetails

from articles.models import Citation

from ..models import Country, Record
from ..vocabulary import Status


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def get_tracked_country_or_404(cc: str) -> Country:
    """The country for a URL code (`kz`); 404 for unknown codes and untracked countries."""
    return get_object_or_404(Country, code=cc.upper(), tracked=True)


def may_see_drafts(request: HttpRequest) -> bool:
    return request.user.is_authenticated and request.user.is_staff


def get_visible_record_or_404[R: Record](request: HttpRequest, queryset: QuerySet[R], pk: int) -> R:
    """A record by id; drafts 404 for anyone who may not see them."""
    record = get_object_or_404(queryset, pk=pk)
    if record.status != Status.PUBLISHED and not may_see_drafts(request):
        raise Http404
    return record


def citations_prefetch() -> Prefetch:
    """Citations with their article and outlet, in the order they were added."""
    return Prefetch(
        "citations", queryset=Citation.objects.select_related("article__outlet").order_by("id")
    )

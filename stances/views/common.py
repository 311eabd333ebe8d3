"""Look-up-and-permission helpers shared by the stances views."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django_htmx.middleware import HtmxDetails

from accounts.roles import is_editor
from articles.models import Citation

from ..models import Country, Record


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def get_tracked_country_or_404(cc: str) -> Country:
    """The country for a URL code (`kz`); 404 for unknown codes and untracked countries."""
    return get_object_or_404(Country, code=cc.upper(), tracked=True)


def may_see_drafts(request: HttpRequest) -> bool:
    """Editors (and admins) see drafts and deleted records; everyone else only public ones."""
    return is_editor(request.user)


def get_visible_record_or_404[R: Record](request: HttpRequest, queryset: QuerySet[R], pk: int) -> R:
    """A record by id; drafts and deleted records 404 for anyone who may not see them."""
    record = get_object_or_404(queryset, pk=pk)
    if not record.is_public and not may_see_drafts(request):
        raise Http404
    return record


def citations_prefetch() -> Prefetch:
    """Citations with their article and outlet, in the order they were added."""
    return Prefetch(
        "citations", queryset=Citation.objects.select_related("article__outlet").order_by("id")
    )

"""Whole-page caching for anonymous readers, invalidated by a content version.

Analyst pages are the same for every anonymous reader until something they show changes. A
single database row, ContentVersion, counts changes: every save or delete of a record, actor,
article… bumps it in the same transaction (signal handlers connected in StancesConfig.ready:
the one place that sees writes from the admin, forms, loaders and tasks alike). A cached page is
keyed by that version, so the first request after a change renders afresh and no page is ever
served stale; old entries simply age out. Each request pays one primary-key query.

Logged-in users (editors see drafts) and requests carrying flash messages are never served from
or written to the cache. Bulk writes
that bypass signals (bulk_create, queryset.update, raw deletes) must call
`content_version_bump()` themselves; `content_changes_batched()` turns per-row bumps into one.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

from .models import ContentVersion

_state = threading.local()


def content_version() -> int:
    row = ContentVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    return row or 0


def content_version_bump(**_signal_kwargs: Any) -> None:
    """Mark every cached page out of date (also usable as a signal receiver)."""
    if getattr(_state, "batched", False):
        _state.changed = True
        return
    if ContentVersion.objects.filter(pk=1).update(version=F("version") + 1):
        return
    try:
        with transaction.atomic():
            ContentVersion.objects.create(pk=1, version=1)
    except IntegrityError:  # created by a concurrent writer meanwhile
        ContentVersion.objects.filter(pk=1).update(version=F("version") + 1)


@contextmanager
def content_changes_batched() -> Iterator[None]:
    """Within the block, many writes bump the version once, at the end."""
    outer = getattr(_state, "batched", False)
    if not outer:
        _state.changed = False
    _state.batched = True
    try:
        yield
    except BaseException:
        _state.batched = outer
        if not outer:
            changed, _state.changed = _state.changed, False
            # Inside a transaction the failed writes roll back with it (and no query may run
            # until then); outside one, what was written stays written.
            if changed and not transaction.get_connection().in_atomic_block:
                content_version_bump()
        raise
    _state.batched = outer
    if not outer and _state.changed:
        _state.changed = False
        content_version_bump()


def _key(request: HttpRequest, version: int) -> str:
    query = "&".join(sorted(request.GET.urlencode().split("&")))
    htmx = request.headers.get("HX-Request", "") + request.headers.get(
        "HX-History-Restore-Request", ""
    )
    # "Today" is part of what a page shows (the default as-of date, "12 months before"), and
    # the host part of its absolute links (canonical and Open Graph URLs).
    day = timezone.localdate()
    host = request.get_host()
    return f"page:{version}:{get_language()}:{day}:{htmx}:{host}{request.path}?{query}"


# Stands in a cached page for the CSP nonce of the request that rendered it; each reader served
# from the cache gets a fresh nonce in its place, matching the nonce in its own CSP header (a
# nonce shared by every reader would be one any reader could reuse).
NONCE_PLACEHOLDER = b"__stancewatch_csp_nonce__"


def _request_nonce(request: HttpRequest) -> Any:
    return getattr(request, "_csp_nonce", None)


def _without_nonce(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    nonce = _request_nonce(request)
    if not nonce:  # never generated: the page uses none
        return response
    stored = copy.copy(response)
    stored.content = response.content.replace(str(nonce).encode(), NONCE_PLACEHOLDER)
    return stored


def _with_fresh_nonce(request: HttpRequest, cached: HttpResponse) -> HttpResponse:
    if NONCE_PLACEHOLDER not in cached.content or _request_nonce(request) is None:
        return cached
    # Reading the lazy nonce generates it, so the CSP middleware puts it in the header.
    nonce = str(_request_nonce(request)).encode()
    cached.content = cached.content.replace(NONCE_PLACEHOLDER, nonce)
    return cached


def cache_public_page[V: Callable[..., HttpResponse]](view: V) -> V:
    """Serve anonymous GETs of a page from the cache while the content version is unchanged."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seconds = settings.PAGE_CACHE_SECONDS
        if (
            not seconds
            or request.method != "GET"
            or request.user.is_authenticated
            # A page showing someone's flash messages is theirs alone (len() consumes none).
            or len(messages.get_messages(request))
        ):
            return view(request, *args, **kwargs)
        cache = caches["pages"]
        key = _key(request, content_version())
        cached = cache.get(key)
        if cached is not None:
            return _with_fresh_nonce(request, cached)
        response = view(request, *args, **kwargs)
        if response.status_code in (200, 301, 404) and not response.streaming:
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            cache.set(key, _without_nonce(request, response), seconds)
        return response

    return wrapper  # type: ignore[return-value]

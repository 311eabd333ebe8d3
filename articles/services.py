"""Writes on outlets, articles and citations, shared by the loader, forms and the pipeline."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

from django.db import IntegrityError, transaction
from django.utils import timezone

from .canonical import canonicalize_url, url_domain
from .models import Article, Outlet
from .pipeline.fetch import FEED_TYPES, FetchError, HTTPStatusError, fetch_url
from .pipeline.html import parse_page


def outlet_for_url(*, url: str, name: str = "") -> Outlet:
    """The outlet an article URL belongs to (keyed by domain), created on first sight."""
    domain = url_domain(url)
    outlet, _created = Outlet.objects.get_or_create(
        domain=domain, defaults={"name": name or domain}
    )
    return outlet


def article_register(
    *,
    url: str,
    outlet_name: str = "",
    title: str = "",
    language: str = "",
    published_date: dt.date | None = None,
) -> Article:
    """The article for a URL, created or reused by canonical URL.

    Known metadata is filled in where the stored article has none; nothing already recorded is
    overwritten, so registering a URL twice (two editors, a retried task) changes nothing.
    """
    canonical = canonicalize_url(url)
    article = Article.objects.filter(canonical_url=canonical).first()
    if article is None:
        try:
            with transaction.atomic():
                article = Article.objects.create(
                    url=url,
                    canonical_url=canonical,
                    outlet=outlet_for_url(url=url, name=outlet_name),
                    title=title,
                    language=language,
                    published_date=published_date,
                )
            return article
        except IntegrityError:
            # Another transaction registered it between our look-up and insert.
            article = Article.objects.get(canonical_url=canonical)
    changed = []
    for field, value in (
        ("title", title),
        ("language", language),
        ("published_date", published_date),
    ):
        if value and not getattr(article, field):
            setattr(article, field, value)
            changed.append(field)
    if article.outlet_id is None:
        article.outlet = outlet_for_url(url=url, name=outlet_name)
        changed.append("outlet")
    if changed:
        article.save(update_fields=changed)
    return article


def article_fetch_enqueue(*, article: Article) -> bool:
    """Queue the fetch of an article's title, outlet, date, language and text, once the current
    transaction commits (so the worker finds the row). Only a `registered` article needs it.
    """
    if article.state != Article.State.REGISTERED:
        return False
    # Imported here: the task module imports this one.
    from .tasks import article_fetch_metadata

    article_fetch_metadata.delay_on_commit(article.pk)
    return True


def article_fill_metadata(*, article_id: int) -> Article:
    """Fetch a registered article's page and record what it says about itself.

    Runs twice without harm: an article no longer `registered` is returned untouched, without a
    fetch, and the write claims the row with a conditional update so only one run writes. Fields
    an editor already filled in are kept. A permanent fetch failure is recorded on the article;
    a temporary one (timeout, refused connection, 5xx) propagates for the task to retry.
    """
    article = Article.objects.get(pk=article_id)
    if article.state != Article.State.REGISTERED:
        return article
    # No transaction is open here: a slow server must not hold a database connection's locks.
    try:
        result = fetch_url(article.url)
    except FetchError as exc:
        if not exc.permanent:
            raise
        return article_mark_failed(article_id=article_id, reason=fetch_failure_reason(exc))
    if result.content_type in FEED_TYPES:
        return article_mark_failed(
            article_id=article_id,
            reason=f"The address is a news feed ({result.content_type}), not an article page",
        )
    page = parse_page(result.text, result.final_url)

    with transaction.atomic():
        claimed = Article.objects.filter(pk=article_id, state=Article.State.REGISTERED).update(
            state=Article.State.FETCHED, fetched_at=timezone.now()
        )
        article = Article.objects.select_related("outlet").get(pk=article_id)
        if not claimed:
            return article
        # Re-read after the claim, so a title an editor saved during the fetch is seen and kept.
        article.set_text(page.text)
        changed = ["state", "fetched_at", "text", "content_hash"]
        for field, value in (
            ("title", page.title[: Article._meta.get_field("title").max_length]),
            ("language", page.language),
            ("published_date", page.published_date),
        ):
            if value and not getattr(article, field):
                setattr(article, field, value)
                changed.append(field)
        if article.outlet_id is None:
            article.outlet = outlet_for_url(url=article.url, name=page.site_name)
            changed.append("outlet")
        if page.site_name:
            _outlet_name_from_site(outlet_id=article.outlet_id, site_name=page.site_name)
        # A save after the conditional update, so the article's history records the fetch.
        article.save(update_fields=changed)
    return article


def article_mark_failed(*, article_id: int, reason: str) -> Article:
    """Record why a registered article could not be fetched; a fetched one stays as it is."""
    with transaction.atomic():
        claimed = Article.objects.filter(pk=article_id, state=Article.State.REGISTERED).update(
            state=Article.State.FAILED, failure_reason=reason
        )
        article = Article.objects.get(pk=article_id)
        if claimed:
            article.save(update_fields=["state", "failure_reason"])
    return article


def fetch_failure_reason(exc: FetchError) -> str:
    """A fetch failure in words an editor can act on."""
    if isinstance(exc, HTTPStatusError):
        try:
            phrase = HTTPStatus(exc.status).phrase
        except ValueError:
            phrase = "an error"
        return f"The server answered {exc.status} {phrase}"
    return exc.reason


def _outlet_name_from_site(*, outlet_id: int, site_name: str) -> None:
    """Name an outlet after its site, unless someone already named it (name ≠ bare domain)."""
    outlet = Outlet.objects.select_for_update().get(pk=outlet_id)
    if outlet.name == outlet.domain:
        outlet.name = site_name[: Outlet._meta.get_field("name").max_length]
        outlet.save(update_fields=["name"])

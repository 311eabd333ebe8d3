"""Writes on outlets, articles and citations, shared by the loader, forms and the pipeline."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from .canonical import canonicalize_url, url_domain
from .models import Article, Outlet


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

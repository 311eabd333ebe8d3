"""The article permalink: what a report is and which published records it supports."""

from __future__ import annotations

import re

from django.db.models import DateField, F, Q
from django.db.models.functions import Cast, Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from accounts.roles import editor_required
from stances.models import public_q
from stances.pagecache import cache_public_page
from stances.text import one_line

from ..models import Article


def supports_summary(article: Article, records: int) -> str:
    """One line for link previews: outlet, date and how many published records cite it."""
    parts = [
        article.outlet.name if article.outlet_id else "",
        date_format(article.published_date, "j M Y") if article.published_date else "",
        ngettext("cited by %(n)d published record", "cited by %(n)d published records", records)
        % {"n": records}
        if records
        else _("cited by no published record"),
    ]
    return one_line(" · ".join(part for part in parts if part))


@require_GET
@cache_public_page
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Two queries: the article with its outlet, and the citations of published records with
    # the record and its countries. Drafts citing the article stay hidden from everyone here.
    article = get_object_or_404(Article.objects.select_related("outlet"), pk=pk)
    citations = list(
        article.citations.filter(public_q("contact__") | public_q("stance_change__"))
        .select_related("contact__country", "contact__location_country", "stance_change__country")
        .order_by("id")
    )
    context = {
        "article": article,
        "citations": citations,
        "canonical_url": request.build_absolute_uri(article.get_absolute_url()),
        "og_description": supports_summary(article, len(citations)),
    }
    return render(request, "articles/article_detail.html", context)


@require_GET
@editor_required
def article_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Where the background fetch of a pasted article stands; polls itself while it runs."""
    article = get_object_or_404(Article.objects.select_related("outlet"), pk=pk)
    return render(request, "articles/_article_status.html", {"article": article})


SEARCH_RESULTS = 20
SEARCH_MAX_LENGTH = 200


def article_pick_label(article: Article) -> str:
    """How an article reads in the citation picker: title · outlet · date."""
    parts = [
        article.title or article.canonical_url,
        article.outlet.name if article.outlet_id else "",
        date_format(article.published_date, "j M Y") if article.published_date else "",
    ]
    return one_line(" · ".join(part for part in parts if part))


@require_GET
@editor_required
def article_search(request: HttpRequest) -> HttpResponse:
    """Articles an editor can cite: title, canonical URL or outlet name containing `q`."""
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    articles = Article.objects.select_related("outlet")
    if query:
        # iregex, not icontains: SQLite's LIKE folds only ASCII case, and most titles here are
        # Cyrillic. The pattern is the escaped text, so it still means "contains".
        pattern = re.escape(query)
        articles = articles.filter(
            Q(title__iregex=pattern)
            | Q(canonical_url__iregex=pattern)
            | Q(outlet__name__iregex=pattern)
        )
    # Newest report first; one not yet dated counts from the day it was registered.
    articles = articles.order_by(
        Coalesce("published_date", Cast("found_at", DateField())).desc(), F("id").desc()
    )[:SEARCH_RESULTS]
    results = [(article, article_pick_label(article)) for article in articles]
    return render(request, "articles/_article_search.html", {"results": results, "query": query})

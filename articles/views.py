"""The article permalink: what a report is and which published records it supports."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from stances.pagecache import cache_public_page
from stances.text import one_line
from stances.vocabulary import Status

from .models import Article


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
        article.citations.filter(
            Q(contact__status=Status.PUBLISHED) | Q(stance_change__status=Status.PUBLISHED)
        )
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

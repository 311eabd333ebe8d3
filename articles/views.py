"""The article permalink: what a report is and which records it supports."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from stances.vocabulary import Status

from .models import Article


@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("outlet"), pk=pk)
    citations = (
        article.citations.filter(
            Q(contact__status=Status.PUBLISHED) | Q(stance_change__status=Status.PUBLISHED)
        )
        .select_related("contact__country", "stance_change__country")
        .order_by("id")
    )
    return render(
        request, "articles/article_detail.html", {"article": article, "citations": citations}
    )

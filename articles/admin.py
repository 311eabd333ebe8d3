from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Article, Citation, Outlet


@admin.register(Outlet)
class OutletAdmin(SimpleHistoryAdmin):
    list_display = ["name", "domain", "country", "languages"]
    list_filter = ["country"]
    search_fields = ["name", "domain"]


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "outlet", "language", "published_date", "state"]
    list_filter = ["state", "language", "outlet"]
    date_hierarchy = "published_date"
    search_fields = ["title", "canonical_url", "url", "text"]
    readonly_fields = ["canonical_url", "content_hash", "found_at"]
    list_select_related = ["outlet"]


@admin.register(Citation)
class CitationAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "article", "contact", "stance_change"]
    search_fields = ["quote", "article__title", "article__canonical_url"]
    autocomplete_fields = ["article", "contact", "stance_change"]
    list_select_related = ["article", "contact", "stance_change"]

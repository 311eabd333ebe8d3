from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Article, Citation, Feed, Outlet, Suggestion, SuggestionSource
from .pipeline.fetch import FetchError


@admin.register(Outlet)
class OutletAdmin(SimpleHistoryAdmin):
    list_display = ["name", "domain", "country", "languages"]
    list_filter = ["country"]
    search_fields = ["name", "domain"]


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "outlet", "language", "published_date", "state", "origin"]
    list_filter = ["state", "origin", "language", "outlet"]
    date_hierarchy = "published_date"
    search_fields = ["title", "canonical_url", "url", "text"]
    readonly_fields = ["canonical_url", "content_hash", "found_at", "duplicate_of", "analysed_at"]
    list_select_related = ["outlet"]


@admin.register(Citation)
class CitationAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "article", "contact", "stance_change"]
    search_fields = ["quote", "article__title", "article__canonical_url"]
    autocomplete_fields = ["article", "contact", "stance_change"]
    list_select_related = ["article", "contact", "stance_change"]


@admin.register(Feed)
class FeedAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "outlet", "active", "last_polled_at", "last_error"]
    list_filter = ["active", "outlet"]
    search_fields = ["url", "title", "outlet__name"]
    readonly_fields = ["last_polled_at", "last_error", "created_at"]
    list_select_related = ["outlet"]
    actions = ["poll_now"]

    @admin.action(description=_("Poll the selected feeds now"))
    def poll_now(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        # At once, in the request, so the admin sees each outcome; new articles are queued.
        for feed in queryset.select_related("outlet"):
            try:
                poll = services.feed_poll(feed=feed)
            except FetchError as exc:
                reason = services.fetch_failure_reason(exc)
                self.message_user(request, f"{feed}: {reason} (temporary)", messages.WARNING)
                continue
            if poll.error:
                self.message_user(request, f"{feed}: {poll.error}", messages.ERROR)
            elif poll.not_modified:
                self.message_user(request, f"{feed}: not modified since the last poll")
            else:
                self.message_user(request, f"{feed}: {poll.new} new of {poll.entries} entries")


class SuggestionSourceInline(admin.TabularInline):
    model = SuggestionSource
    fields = ["article", "evidence"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Suggestion)
class SuggestionAdmin(SimpleHistoryAdmin):
    """Read-mostly: suggestions come from the pipeline and are decided in the review queue,
    which records who decided and why; here they can be inspected (and deleted)."""

    list_display = ["__str__", "kind", "country", "date", "action", "confidence", "state"]
    list_filter = ["state", "kind", "action", "country"]
    search_fields = ["evidence", "article__title", "article__canonical_url"]
    list_select_related = ["country", "article"]
    inlines = [SuggestionSourceInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Suggestion | None = None) -> list:
        return [field.name for field in Suggestion._meta.fields]

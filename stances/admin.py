from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from articles.models import Citation

from .models import Actor, ActorAlias, Contact, Country, Participant, Position, StanceChange
from .names import normalize_name


@admin.register(Country)
class CountryAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_en", "name_ru", "tracked"]
    list_filter = ["tracked"]
    search_fields = ["code", "name_en", "name_ru"]


class AliasInline(admin.TabularInline):
    model = ActorAlias
    extra = 1
    fields = ["name", "language"]


class PositionInline(admin.TabularInline):
    model = Position
    extra = 1
    fields = ["title", "level", "start", "start_precision", "end", "end_precision"]


@admin.register(Actor)
class ActorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "side_label"]
    list_filter = ["taliban", "country", "kind"]
    search_fields = ["name", "slug", "aliases__name", "aliases__normalized"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AliasInline, PositionInline]

    @admin.display(description=_("side"))
    def side_label(self, actor: Actor) -> str:
        return actor.side_label

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Actor], search_term: str
    ) -> tuple[QuerySet[Actor], bool]:
        # Aliases are also matched in their folded form, so "муттаки" finds "Муттаки".
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        folded = normalize_name(search_term)
        if folded:
            results |= queryset.filter(aliases__normalized__contains=folded)
            may_have_duplicates = True
        return results, may_have_duplicates


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 1
    autocomplete_fields = ["actor"]
    fields = ["actor", "side", "role", "level"]


class ContactCitationInline(admin.StackedInline):
    model = Citation
    fk_name = "contact"
    extra = 1
    fields = ["article", "quote"]
    autocomplete_fields = ["article"]


class StanceCitationInline(ContactCitationInline):
    fk_name = "stance_change"


class RecordAdmin(SimpleHistoryAdmin):
    """An admin save is a new version too, so an editor's open form sees it as a conflict."""

    def save_model(self, request, obj, form, change) -> None:
        if change:
            obj.version = type(obj).objects.values_list("version", flat=True).get(pk=obj.pk) + 1
        super().save_model(request, obj, form, change)


@admin.register(Contact)
class ContactAdmin(RecordAdmin):
    list_display = [
        "date",
        "display_date",
        "country",
        "type",
        "direction",
        "level_country",
        "verification",
        "status",
    ]
    list_filter = [
        "country",
        "type",
        "direction",
        "status",
        "verification",
        "level_country",
        "date",
        "topics",
    ]
    date_hierarchy = "date"
    search_fields = [
        "summary",
        "notes",
        "key",
        "location_city",
        "participants__actor__aliases__name",
        "participants__actor__name",
    ]
    filter_horizontal = ["topics"]
    list_select_related = ["country"]
    inlines = [ParticipantInline, ContactCitationInline]


@admin.register(StanceChange)
class StanceChangeAdmin(RecordAdmin):
    list_display = [
        "date",
        "display_date",
        "country",
        "dimension",
        "value",
        "verification",
        "status",
    ]
    list_filter = ["country", "dimension", "status", "verification", "date"]
    date_hierarchy = "date"
    search_fields = ["summary", "notes", "key"]
    list_select_related = ["country"]
    inlines = [StanceCitationInline]

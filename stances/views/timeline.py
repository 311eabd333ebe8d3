"""The country timeline: stance header, filters, the stream of records, exports and feed."""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import charts, selectors
from ..exports import csv_response, json_response, requested_format
from ..models import Contact, Country, StanceChange
from ..pagecache import cache_public_page
from ..timeline import (
    EXPORT_COLUMNS,
    TimelineFilterForm,
    TimelineFilters,
    contact_prefetches,
    export_csv_row,
    export_records,
    filtered_contacts,
    filtered_stance_changes,
    stance_prefetches,
    timeline_actors,
    timeline_page,
)
from ..vocabulary import Dimension
from .common import HtmxHttpRequest, get_tracked_country_or_404

FEED_SIZE = 50


def _lower_case_redirect(request: HttpRequest, cc: str, name: str) -> HttpResponse | None:
    if cc == cc.lower():
        return None
    query = request.META.get("QUERY_STRING", "")
    url = reverse(name, kwargs={"cc": cc.lower()})
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


def page_url(request: HttpRequest, number: int) -> str:
    """The current query string with another page number (page 1 leaves it out)."""
    query = request.GET.copy()
    query.pop("page", None)
    if number > 1:
        query["page"] = str(number)
    encoded = query.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path


@require_GET
@cache_public_page
def country(request: HtmxHttpRequest, cc: str) -> HttpResponse:
    if redirect := _lower_case_redirect(request, cc, "stances:country"):
        return redirect
    country = get_tracked_country_or_404(cc)
    actors = timeline_actors(country)
    form = TimelineFilterForm(request.GET, actors=actors)
    filters = form.filters()

    export = requested_format(request)
    if export != "html":
        base = request.build_absolute_uri("/").rstrip("/")
        records = export_records(country, filters, base_url=base)
        filename = f"stancewatch-{country.slug}-timeline"
        if export == "json":
            payload = {
                "country": country.code,
                "query": {k: v for k, v in request.GET.items() if k != "format"},
                "records": records,
            }
            return json_response(filename=filename, payload=payload)
        rows = (export_csv_row(record) for record in records)
        return csv_response(filename=filename, columns=EXPORT_COLUMNS, rows=rows)

    page = timeline_page(country, filters)
    context: dict[str, Any] = {
        "country": country,
        "form": form,
        "filters": filters,
        "page": page,
        "previous_url": page_url(request, page.number - 1) if page.has_previous else "",
        "next_url": page_url(request, page.number + 1) if page.has_next else "",
        "export_query": request.GET.urlencode(),
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "stances/country.html#results", context)
    else:
        today = timezone.localdate()
        stances = selectors.stance_as_of(country, today)
        context |= {
            "today": today,
            "stances": [(Dimension(d).label, stances[d]) for d in Dimension.values],
            "indicators": selectors.indicators_as_of([country], today)[country.code],
            "chart": charts.country_chart(country, today),
        }
        response = render(request, "stances/country.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


class CountryFeed(Feed):
    """Atom feed of a country's newly published records; takes the timeline's filters."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, cc: str) -> tuple[Country, TimelineFilters]:
        country = get_tracked_country_or_404(cc)
        self.request = request
        return country, TimelineFilterForm(request.GET, actors=[]).filters()

    def title(self, obj: tuple[Country, TimelineFilters]) -> str:
        return _("Stancewatch: %(country)s and the Taliban") % {"country": obj[0].name_en}

    def subtitle(self, obj: tuple[Country, TimelineFilters]) -> str:
        return _("Newly published contacts and stance changes, with their sources.")

    def link(self, obj: tuple[Country, TimelineFilters]) -> str:
        url = obj[0].get_absolute_url()
        query = self.request.GET.urlencode()
        return f"{url}?{query}" if query else url

    def items(self, obj: tuple[Country, TimelineFilters]) -> list[Contact | StanceChange]:
        country, filters = obj
        contacts = contact_prefetches(
            filtered_contacts(country, filters)
            .select_related("country")
            .distinct()
            .order_by("-created_at")[:FEED_SIZE]
        )
        changes = stance_prefetches(
            filtered_stance_changes(country, filters)
            .select_related("country")
            .distinct()
            .order_by("-created_at")[:FEED_SIZE]
        )
        records: list[Contact | StanceChange] = [*contacts, *changes]
        records.sort(key=lambda r: (r.created_at, r.pk), reverse=True)
        return records[:FEED_SIZE]

    def item_title(self, item: Contact | StanceChange) -> str:
        if isinstance(item, Contact):
            return f"{item.display_date}: {item.get_type_display()}, {item.country.name_en}"
        return (
            f"{item.display_date}: {item.get_dimension_display()} → {item.value_label}, "
            f"{item.country.name_en}"
        )

    def item_description(self, item: Contact | StanceChange) -> str:
        sources = "; ".join(
            f"{c.article.outlet.name if c.article.outlet else ''} {c.article.url}".strip()
            for c in item.citations.all()
        )
        return f"{item.summary} ({_('Verification')}: {item.get_verification_display()}. " + (
            f"{_('Sources')}: {sources})"
        )

    def item_link(self, item: Contact | StanceChange) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Contact | StanceChange):  # type: ignore[no-untyped-def]
        return item.created_at

    def item_updateddate(self, item: Contact | StanceChange):  # type: ignore[no-untyped-def]
        return item.updated_at

    def item_guid(self, item: Contact | StanceChange) -> str:
        kind = "contact" if isinstance(item, Contact) else "stance"
        return f"tag:stancewatch,2026:{kind}/{item.pk}"

    item_guid_is_permalink = False


country_feed = require_GET(CountryFeed())

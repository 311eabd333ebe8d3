"""Pages of the stances app: home, country, and the record permalinks of domain.md."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from articles.models import Citation

from . import selectors
from .models import Actor, Contact, Country, Participant, Record, StanceChange
from .vocabulary import Dimension, Status


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def get_tracked_country_or_404(cc: str) -> Country:
    """The country for a URL code (`kz`); 404 for unknown codes and untracked countries."""
    return get_object_or_404(Country, code=cc.upper(), tracked=True)


def may_see_drafts(request: HttpRequest) -> bool:
    return request.user.is_authenticated and request.user.is_staff


def get_visible_record_or_404[R: Record](request: HttpRequest, queryset: QuerySet[R], pk: int) -> R:
    """A record by id; drafts 404 for anyone who may not see them."""
    record = get_object_or_404(queryset, pk=pk)
    if record.status != Status.PUBLISHED and not may_see_drafts(request):
        raise Http404
    return record


_citations = Prefetch(
    "citations", queryset=Citation.objects.select_related("article__outlet").order_by("id")
)


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    countries = selectors.tracked_countries()
    stances = selectors.stances_as_of(countries, today)
    indicators = selectors.indicators_as_of(countries, today)
    rows = [
        {
            "country": country,
            "overall": stances[country.code][Dimension.OVERALL],
            "stances": stances[country.code],
            "indicators": indicators[country.code],
        }
        for country in countries
    ]
    return render(request, "stances/home.html", {"rows": rows, "today": today})


@require_GET
def country(request: HtmxHttpRequest, cc: str) -> HttpResponse:
    if cc != cc.lower():
        query = request.META.get("QUERY_STRING", "")
        url = reverse("stances:country", kwargs={"cc": cc.lower()})
        return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
    country = get_tracked_country_or_404(cc)
    today = timezone.localdate()
    stances = selectors.stance_as_of(country, today)
    context = {
        "country": country,
        "today": today,
        "stances": [(Dimension(d).label, stances[d]) for d in Dimension.values],
        "indicators": selectors.indicators_as_of([country], today)[country.code],
        "contacts": selectors.country_contacts(country),
        "stance_changes": list(
            StanceChange.objects.published().filter(country=country).order_by("-date", "-id")
        ),
    }
    return render(request, "stances/country.html", context)


@require_GET
def contact_detail(request: HtmxHttpRequest, pk: int, slug: str = "") -> HttpResponse:
    queryset = Contact.objects.select_related("country", "location_country").prefetch_related(
        "topics",
        _citations,
        Prefetch(
            "participants",
            queryset=Participant.objects.select_related("actor").prefetch_related(
                "actor__positions"
            ),
        ),
    )
    contact = get_visible_record_or_404(request, queryset, pk)
    if slug != contact.slug:
        return HttpResponsePermanentRedirect(contact.get_absolute_url())
    return render(request, "stances/contact_detail.html", {"contact": contact})


@require_GET
def stance_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    queryset = StanceChange.objects.select_related("country").prefetch_related(_citations)
    change = get_visible_record_or_404(request, queryset, pk)
    return render(request, "stances/stance_detail.html", {"change": change})


@require_GET
def actor_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    actor = get_object_or_404(
        Actor.objects.select_related("country").prefetch_related("aliases", "positions"),
        slug=slug,
    )
    participations = (
        Participant.objects.filter(actor=actor, contact__status=Status.PUBLISHED)
        .select_related("contact__country")
        .order_by("-contact__date", "-contact__id")
    )
    return render(
        request,
        "stances/actor_detail.html",
        {"actor": actor, "participations": participations},
    )

"""The home page: the tracked states at a glance, and who moved when."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import charts, selectors
from ..pagecache import cache_public_page
from ..vocabulary import Dimension
from .common import HtmxHttpRequest


@require_GET
@cache_public_page
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
    context = {
        "rows": rows,
        "today": today,
        "multiples": charts.small_multiples(countries, today) if countries else None,
    }
    return render(request, "stances/home.html", context)

"""The comparison matrix at /matrix/?as_of=YYYY-MM-DD&compare=YYYY-MM-DD, and its exports."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from .. import selectors
from ..dates import display_date
from ..exports import csv_response, json_response, requested_format
from ..matrix import EXPORT_COLUMNS, Matrix, export_rows, matrix_as_of, matrix_citations
from ..pagecache import cache_public_page
from ..vocabulary import Precision
from .common import HtmxHttpRequest

# Dates outside this range are refused: they mean nothing here, and date arithmetic near
# year 1 or 9999 would overflow ("12 months before").
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2999, 12, 31)
ISO_LENGTH = len("YYYY-MM-DD")


class IsoDateField(forms.DateField):
    """A date written YYYY-MM-DD (what <input type="date"> sends), within EARLIEST…LATEST."""

    input_formats = ["%Y-%m-%d"]
    default_error_messages = {"invalid": _("Enter a date as YYYY-MM-DD.")}

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, str) and len(value.strip()) > ISO_LENGTH:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)

    def validate(self, value: dt.date | None) -> None:
        super().validate(value)
        if value is not None and not EARLIEST <= value <= LATEST:
            raise ValidationError(
                _("Enter a date between %(earliest)s and %(latest)s."),
                code="out_of_range",
                params={"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
            )


class MatrixDateForm(forms.Form):
    as_of = IsoDateField(label=_("As of"), required=False)
    compare = IsoDateField(label=_("Compare with"), required=False)


def matrix_query(as_of: dt.date, compare: dt.date | None, **extra: str) -> str:
    """The canonical query string of a matrix view (the permalink's), with `extra` appended."""
    params = {"as_of": as_of.isoformat()}
    if compare:
        params["compare"] = compare.isoformat()
    params.update(extra)
    return urlencode(params)


def _date_errors(form: MatrixDateForm, today: dt.date) -> list[dict[str, Any]]:
    """What to say next to the date control about each refused date, and what is shown instead."""
    fallbacks = {
        "as_of": _("Showing today, %(today)s, instead.")
        % {"today": display_date(today, Precision.DAY)},
        "compare": _("Showing no comparison."),
    }
    return [
        {
            "field": name,
            "label": form.fields[name].label,
            "value": form.data.get(name, ""),
            "messages": messages,
            "fallback": fallbacks[name],
        }
        for name, messages in form.errors.items()
    ]


def _one_year_before(date: dt.date) -> dt.date:
    try:
        return date.replace(year=date.year - 1)
    except ValueError:  # 29 February
        return date.replace(year=date.year - 1, day=28)


def _export(request: HtmxHttpRequest, table: Matrix, export_format: str) -> HttpResponse:
    filename = f"matrix-{table.as_of.isoformat()}"
    if table.compare:
        filename += f"-vs-{table.compare.isoformat()}"
    rows = export_rows(
        table, citations=matrix_citations(table), absolute=request.build_absolute_uri
    )
    if export_format == "csv":
        for row in rows:
            row["article_urls"] = " ".join(row["article_urls"])
            row["compare_article_urls"] = " ".join(row["compare_article_urls"])
        return csv_response(filename=filename, columns=EXPORT_COLUMNS, rows=rows)
    payload = {
        "as_of": table.as_of,
        "compare": table.compare,
        "columns": EXPORT_COLUMNS,
        "rows": rows,
    }
    return json_response(filename=filename, payload=payload)


@require_GET
@cache_public_page
def matrix(request: HtmxHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = MatrixDateForm(request.GET)
    form.is_valid()
    # A refused date falls back (as_of to today, compare to none); the form says so.
    as_of = form.cleaned_data.get("as_of") or today
    compare = form.cleaned_data.get("compare")
    table = matrix_as_of(selectors.tracked_countries(), as_of, compare)

    export_format = requested_format(request)
    if export_format != "html":
        return _export(request, table, export_format)

    url = reverse("stances:matrix")
    year_earlier = max(_one_year_before(as_of), EARLIEST)
    context = {
        "matrix": table,
        "today": today,
        "date_errors": _date_errors(form, today),
        "refused": set(form.errors),
        "earliest": EARLIEST,
        "latest": LATEST,
        "matrix_permalink": f"{url}?{matrix_query(as_of, compare)}",
        "csv_url": f"{url}?{matrix_query(as_of, compare, format='csv')}",
        "json_url": f"{url}?{matrix_query(as_of, compare, format='json')}",
        "without_compare_url": f"{url}?{matrix_query(as_of, None)}",
        "year_earlier_url": f"{url}?{matrix_query(as_of, year_earlier)}",
        "is_fragment": False,
    }
    template = "stances/matrix.html"
    htmx = request.htmx
    if htmx and not htmx.boosted and not htmx.history_restore_request:
        template += "#matrix-region"
        context["is_fragment"] = True
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response

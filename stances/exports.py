"""CSV and JSON out: the same query string as a page plus `format=csv` or `format=json`.

CSV cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage
return) are prefixed with an apostrophe, so an exported summary can never execute. Column names
are part of the public interface: docs/data-out.md (timeline) and docs/matrix.md (matrix) list
them, and tests pin them.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse

FORMATS = ("html", "csv", "json")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def requested_format(request: HttpRequest) -> str:
    """ "csv", "json" or "html" (the default, also for any unknown value)."""
    value = request.GET.get("format", "html")
    return value if value in FORMATS else "html"


def neutralize_cell(value: Any) -> str:
    """A CSV cell as text that no spreadsheet evaluates."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def csv_response(
    *, filename: str, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]
) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    # A byte-order mark lets spreadsheet programs read UTF-8 (Cyrillic quotes) correctly.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralize_cell(row.get(column)) for column in columns])
    return response


def json_response(*, filename: str, payload: Any) -> HttpResponse:
    response = HttpResponse(
        json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="{filename}.json"'
    return response

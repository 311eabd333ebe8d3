"""The comparison matrix: tracked countries × stance dimensions and derived indicators on a date,
optionally next to a second date with what changed between the two.

A cell holds what a reader sees (value, the date it took effect) and the record(s) behind it, so
the page and the CSV/JSON exports read the same cells. The query count is fixed whatever the data
size: `matrix_as_of` runs 6 queries per date (stances 1, indicators 4, latest agreement 1) and
`matrix_citations` one more for the exports.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from articles.models import Citation

from . import selectors
from .dates import display_date
from .models import Contact, Country, StanceChange
from .vocabulary import ContactType, Dimension, Level, Precision, TopicCode

DIMENSION = "dimension"
INDICATOR = "indicator"

HIGHEST_LEVEL = "highest_level"
CONTACTS_LAST_12_MONTHS = "contacts_last_12_months"
AGREEMENTS_TO_DATE = "agreements_to_date"
TOP_TOPICS = "top_topics"

# How a cell at one date relates to the same cell at the other date.
CHANGED = "changed"
UNCHANGED = "unchanged"
# The same value, but set by a different record: it changed and changed back in between.
SET_AGAIN = "set_again"


@dataclass(frozen=True)
class Column:
    code: str
    kind: str
    label: str | Promise


def matrix_columns() -> list[Column]:
    """The stance dimensions, then the derived indicators, in the order the page shows them."""
    dimensions = [Column(code, DIMENSION, label) for code, label in Dimension.choices]
    indicators = [
        Column(HIGHEST_LEVEL, INDICATOR, _("highest level of contact")),
        Column(CONTACTS_LAST_12_MONTHS, INDICATOR, _("contacts in the 12 months before")),
        Column(AGREEMENTS_TO_DATE, INDICATOR, _("agreements signed to date")),
        Column(TOP_TOPICS, INDICATOR, _("most frequent topics")),
    ]
    return dimensions + indicators


@dataclass(frozen=True)
class TopicItem:
    code: str
    label: str
    count: int
    timeline_url: str


@dataclass(frozen=True)
class Cell:
    """One country's value in one column on one date.

    `record` set the value (a stance change, or a contact for the highest level and the latest
    agreement); `restatement` is a later record that restated an unchanged stance value;
    `timeline_url` is the country timeline filtered to the contacts a count is made of.
    """

    column: Column
    date: dt.date
    known: bool
    value: str
    label: str
    since_date: dt.date | None = None
    since_precision: str = Precision.DAY
    record: Contact | StanceChange | None = None
    restatement: StanceChange | None = None
    timeline_url: str = ""
    window_start: dt.date | None = None
    topics: tuple[TopicItem, ...] = ()

    @property
    def since(self) -> str:
        if self.since_date is None:
            return ""
        return display_date(self.since_date, self.since_precision)

    @property
    def record_url(self) -> str:
        return self.record.get_absolute_url() if self.record else ""

    @property
    def restatement_url(self) -> str:
        return self.restatement.get_absolute_url() if self.restatement else ""

    @property
    def identity(self) -> tuple[str, str, int | None]:
        return (self.value, self.label, self.record.pk if self.record else None)


@dataclass(frozen=True)
class MatrixCell:
    """A cell on the matrix date and, with a comparison, the same cell on the compare date."""

    current: Cell
    other: Cell | None = None

    @property
    def column(self) -> Column:
        return self.current.column

    @property
    def comparison(self) -> str:
        """ "" without a comparison; else CHANGED, UNCHANGED or SET_AGAIN."""
        if self.other is None:
            return ""
        if (self.current.value, self.current.label) != (self.other.value, self.other.label):
            return CHANGED
        if self.current.identity != self.other.identity:
            return SET_AGAIN
        return UNCHANGED

    @property
    def changed(self) -> bool:
        return self.comparison in (CHANGED, SET_AGAIN)

    @property
    def earlier(self) -> Cell:
        if self.other is None or self.current.date <= self.other.date:
            return self.current
        return self.other

    @property
    def later(self) -> Cell:
        return self.other if self.earlier is self.current and self.other else self.current


@dataclass
class MatrixRow:
    country: Country
    cells: list[MatrixCell] = field(default_factory=list)


@dataclass
class Matrix:
    as_of: dt.date
    compare: dt.date | None
    columns: list[Column]
    rows: list[MatrixRow]

    @property
    def earlier(self) -> dt.date:
        return min(self.as_of, self.compare) if self.compare else self.as_of

    @property
    def later(self) -> dt.date:
        return max(self.as_of, self.compare) if self.compare else self.as_of

    @property
    def dimension_count(self) -> int:
        return sum(column.kind == DIMENSION for column in self.columns)

    @property
    def indicator_count(self) -> int:
        return sum(column.kind == INDICATOR for column in self.columns)

    @property
    def changed_count(self) -> int:
        return sum(cell.changed for row in self.rows for cell in row.cells)

    @property
    def cell_count(self) -> int:
        return sum(len(row.cells) for row in self.rows)


def matrix_as_of(
    countries: Sequence[Country], as_of: dt.date, compare: dt.date | None = None
) -> Matrix:
    """The matrix for `countries` on `as_of`, and on `compare` too when given (earlier or later).

    6 queries per date, whatever the number of countries or records.
    """
    columns = matrix_columns()
    current = _cells_on(countries, as_of, columns)
    other = _cells_on(countries, compare, columns) if compare else None
    rows = []
    for country in countries:
        row = MatrixRow(country=country)
        for column in columns:
            row.cells.append(
                MatrixCell(
                    current=current[country.code][column.code],
                    other=other[country.code][column.code] if other else None,
                )
            )
        rows.append(row)
    return Matrix(as_of=as_of, compare=compare, columns=columns, rows=rows)


def timeline_url(country: Country, **filters: Any) -> str:
    """The country timeline with the filters of domain.md's permalinks (dates as YYYY-MM-DD);
    `kind="contacts"` leaves out stance changes, so the list is what a count counts."""
    query = {
        key: value.isoformat() if isinstance(value, dt.date) else value
        for key, value in filters.items()
    }
    return f"{country.get_absolute_url()}?{urlencode(query)}"


def _cells_on(
    countries: Sequence[Country], date: dt.date, columns: list[Column]
) -> dict[str, dict[str, Cell]]:
    stances = selectors.stances_as_of(countries, date)
    indicators = selectors.indicators_as_of(countries, date)
    agreements = _latest_agreements(countries, date)
    by_code = {column.code: column for column in columns}
    cells: dict[str, dict[str, Cell]] = {}
    for country in countries:
        per_column: dict[str, Cell] = {}
        for dimension in Dimension.values:
            per_column[dimension] = _stance_cell(
                by_code[dimension], date, stances[country.code][dimension]
            )
        found = indicators[country.code]
        per_column[HIGHEST_LEVEL] = _highest_level_cell(by_code[HIGHEST_LEVEL], date, found)
        window_start = date - selectors.TWELVE_MONTHS + dt.timedelta(days=1)
        per_column[CONTACTS_LAST_12_MONTHS] = Cell(
            column=by_code[CONTACTS_LAST_12_MONTHS],
            date=date,
            known=True,
            value=str(found.contacts_last_12_months),
            label=str(found.contacts_last_12_months),
            window_start=window_start,
            timeline_url=timeline_url(
                country, kind="contacts", **{"from": window_start, "to": date}
            ),
        )
        latest_agreement = agreements.get(country.code)
        per_column[AGREEMENTS_TO_DATE] = Cell(
            column=by_code[AGREEMENTS_TO_DATE],
            date=date,
            known=True,
            value=str(found.agreements_to_date),
            label=str(found.agreements_to_date),
            # The count last changed with the latest agreement: that record set it.
            since_date=latest_agreement.date if latest_agreement else None,
            since_precision=(
                latest_agreement.date_precision if latest_agreement else Precision.DAY
            ),
            record=latest_agreement,
            timeline_url=timeline_url(
                country, kind="contacts", type=ContactType.AGREEMENT, to=date
            ),
        )
        per_column[TOP_TOPICS] = _topics_cell(by_code[TOP_TOPICS], date, country, found)
        cells[country.code] = per_column
    return cells


def _stance_cell(column: Column, date: dt.date, value: selectors.StanceValue | None) -> Cell:
    if value is None:
        return Cell(column=column, date=date, known=False, value="", label=str(_("unknown")))
    return Cell(
        column=column,
        date=date,
        known=True,
        value=value.value,
        label=value.label,
        since_date=value.change.date,
        since_precision=value.change.date_precision,
        record=value.change,
        restatement=value.latest if value.restated else None,
    )


def _highest_level_cell(column: Column, date: dt.date, found: selectors.Indicators) -> Cell:
    contact = found.highest_level_contact
    if contact is None:
        return Cell(column=column, date=date, known=False, value="", label=str(_("none recorded")))
    return Cell(
        column=column,
        date=date,
        known=True,
        value=found.highest_level,
        label=str(Level(found.highest_level).label),
        since_date=contact.date,
        since_precision=contact.date_precision,
        record=contact,
    )


def _topics_cell(
    column: Column, date: dt.date, country: Country, found: selectors.Indicators
) -> Cell:
    topics = tuple(
        TopicItem(
            code=code,
            label=str(TopicCode(code).label),
            count=count,
            timeline_url=timeline_url(country, kind="contacts", topic=code, to=date),
        )
        for code, count in found.top_topics
    )
    if not topics:
        return Cell(column=column, date=date, known=False, value="", label=str(_("none recorded")))
    return Cell(
        column=column,
        date=date,
        known=True,
        value=";".join(topic.code for topic in topics),
        label=", ".join(f"{topic.label} ({topic.count})" for topic in topics),
        topics=topics,
    )


def _latest_agreements(countries: Iterable[Country], date: dt.date) -> dict[str, Contact]:
    """Each country's latest published agreement on or before `date` (one query)."""
    codes = [country.code for country in countries]
    ranked = (
        Contact.objects.published()
        .filter(country__in=codes, type=ContactType.AGREEMENT, date__lte=date)
        .annotate(
            newest=Window(
                RowNumber(),
                partition_by=[F("country")],
                order_by=[F("date").desc(), F("id").desc()],
            )
        )
        .filter(newest=1)
    )
    return {contact.country_id: contact for contact in ranked}


def matrix_citations(matrix: Matrix) -> dict[tuple[str, int], list[str]]:
    """The cited article URLs of every record behind a cell, keyed by ("stance"|"contact", id),
    in the order the citations were added (one query)."""
    stance_ids: set[int] = set()
    contact_ids: set[int] = set()
    for row in matrix.rows:
        for cell in row.cells:
            for side in (cell.current, cell.other):
                if side is None or side.record is None:
                    continue
                if isinstance(side.record, StanceChange):
                    stance_ids.add(side.record.pk)
                else:
                    contact_ids.add(side.record.pk)
    urls: dict[tuple[str, int], list[str]] = defaultdict(list)
    if not stance_ids and not contact_ids:
        return urls
    citations = (
        Citation.objects.filter(Q(stance_change__in=stance_ids) | Q(contact__in=contact_ids))
        .order_by("id")
        .values_list("stance_change_id", "contact_id", "article__canonical_url")
    )
    for stance_id, contact_id, url in citations:
        key = ("stance", stance_id) if stance_id else ("contact", contact_id)
        urls[key].append(url)
    return urls


# The export columns (docs/matrix.md): names are a public interface, keep them stable.
EXPORT_COLUMNS = [
    "country_code",
    "country_name",
    "kind",
    "code",
    "label",
    "as_of",
    "value",
    "value_label",
    "since",
    "since_precision",
    "record_url",
    "restatement_url",
    "timeline_url",
    "summary",
    "article_urls",
    "compare_date",
    "compare_value",
    "compare_value_label",
    "compare_since",
    "compare_since_precision",
    "compare_record_url",
    "compare_restatement_url",
    "compare_timeline_url",
    "compare_summary",
    "compare_article_urls",
    "comparison",
]


def _record_key(record: Contact | StanceChange | None) -> tuple[str, int] | None:
    if record is None:
        return None
    return ("stance" if isinstance(record, StanceChange) else "contact", record.pk)


def export_rows(
    matrix: Matrix,
    *,
    citations: dict[tuple[str, int], list[str]],
    absolute: Callable[[str], str],
) -> list[dict[str, Any]]:
    """One row per country × column; `absolute` turns a path into a full URL. Article URLs are
    lists (the CSV joins them with spaces); empty strings stand for "nothing"."""

    def url(path: str) -> str:
        return absolute(path) if path else ""

    def side(cell: Cell | None, prefix: str) -> dict[str, Any]:
        if cell is None:
            return {
                f"{prefix}{name}": [] if name == "article_urls" else ""
                for name in (
                    "value",
                    "value_label",
                    "since",
                    "since_precision",
                    "record_url",
                    "restatement_url",
                    "timeline_url",
                    "summary",
                    "article_urls",
                )
            }
        key = _record_key(cell.record)
        return {
            f"{prefix}value": cell.value,
            f"{prefix}value_label": cell.label,
            f"{prefix}since": cell.since_date.isoformat() if cell.since_date else "",
            f"{prefix}since_precision": cell.since_precision if cell.since_date else "",
            f"{prefix}record_url": url(cell.record_url),
            f"{prefix}restatement_url": url(cell.restatement_url),
            f"{prefix}timeline_url": url(cell.timeline_url),
            f"{prefix}summary": cell.record.summary if cell.record else "",
            f"{prefix}article_urls": list(citations.get(key, [])) if key else [],
        }

    rows = []
    for row in matrix.rows:
        for cell in row.cells:
            rows.append(
                {
                    "country_code": row.country.code,
                    "country_name": row.country.name_en,
                    "kind": cell.column.kind,
                    "code": cell.column.code,
                    "label": str(cell.column.label),
                    "as_of": matrix.as_of.isoformat(),
                    **side(cell.current, ""),
                    "compare_date": matrix.compare.isoformat() if matrix.compare else "",
                    **side(cell.other, "compare_"),
                    "comparison": cell.comparison,
                }
            )
    return rows

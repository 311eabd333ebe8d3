"""Server-rendered SVG stance charts: what each chart shows, computed here, drawn by templates.

A country's `overall` stance is a step line from its first published change to today (a value
holds until the next change, as in selectors.stances_as_of); its contacts are marks on the time
axis, sized and shaded by the level of the tracked country's side; every mark links to its record.
The home page shows one small chart per tracked country on one shared time axis.

`country_chart` runs 3 queries and `small_multiples` 2, whatever the number of records; the
`build_*` functions run none. Coordinates are rounded floats (chart_geometry); the templates
turn localisation off so a Russian page still writes "12.5", not "12,5".
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.db.models import Case, Count, IntegerField, Max, Value, When
from django.db.models.functions import TruncMonth
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .chart_geometry import (
    OVERALL_VALUES,
    LevelTick,
    Riser,
    Step,
    TimeAxis,
    YearTick,
    place_labels,
    rounded,
    shared_axis,
    stack_in_rows,
    step_line,
    y_scale,
)
from .dates import display_date, period_end, period_start
from .models import Contact, Country, StanceChange
from .vocabulary import DIMENSION_VALUES, LEVEL_RANK, ContactType, Dimension, Level, Precision

# Above this many contacts a country chart draws one bar per month (linking to the timeline for
# that month) instead of one mark per contact, so the page stays small whatever the data size.
MAX_CONTACT_MARKS = 300
SUMMARY_CHARS = 180
WIDTH = 960


# --- Loading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthBin:
    """A country's published contacts in one month, or in one year for those dated to the year
    only (`period`)."""

    month: dt.date
    period: str
    count: int
    rank: int  # the highest LEVEL_RANK on the tracked country's side; 0 when unknown

    @property
    def start(self) -> dt.date:
        return period_start(self.month, self.period)

    @property
    def end(self) -> dt.date:
        return period_end(self.month, self.period)


def load_overall_changes(codes: Sequence[str], today: dt.date) -> dict[str, list[StanceChange]]:
    """Published `overall` stance changes up to today, oldest first, per country (1 query)."""
    result: dict[str, list[StanceChange]] = {code: [] for code in codes}
    changes = (
        StanceChange.objects.published()
        .filter(country__in=codes, dimension=Dimension.OVERALL, date__lte=today)
        .order_by("country", "date", "id")
    )
    for change in changes:
        result[change.country_id].append(change)
    return result


def load_contact_bins(codes: Sequence[str], today: dt.date) -> dict[str, list[MonthBin]]:
    """Published contacts up to today counted per country, month and precision, with the highest
    level on the tracked country's side (1 query, grouped in the database)."""
    rank = Case(
        *[When(level_country=level, then=Value(r)) for level, r in LEVEL_RANK.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    rows = (
        Contact.objects.published()
        .filter(country__in=codes, date__lte=today)
        .annotate(month=TruncMonth("date"))
        .values("country", "month", "date_precision")
        .annotate(n=Count("id"), top=Max(rank))
        # Clear Contact.Meta.ordering: its columns would otherwise join the GROUP BY.
        .order_by()
    )
    # Day- and month-precision contacts of one month share a bar; year-precision ones get their
    # own, spanning the year.
    merged: dict[tuple[str, dt.date, str], tuple[int, int]] = {}
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        period = Precision.YEAR if row["date_precision"] == Precision.YEAR else Precision.MONTH
        count, rank = merged.get((row["country"], month, period), (0, 0))
        merged[row["country"], month, period] = (count + row["n"], max(rank, row["top"]))
    result: dict[str, list[MonthBin]] = {code: [] for code in codes}
    for (code, month, period), (count, rank) in sorted(merged.items()):
        result[code].append(MonthBin(month, period, count, rank))
    return result


def load_contacts(country: Country, today: dt.date, limit: int) -> list[Contact]:
    """Up to `limit + 1` published contacts up to today, oldest first (1 query): one more than
    the limit tells the caller there are too many to draw one by one."""
    return list(
        Contact.objects.published()
        .filter(country=country, date__lte=today)
        .order_by("date", "id")[: limit + 1]
    )


# --- Marks and words -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangePoint:
    """A published overall stance change; `moved` is False for a restatement of the value."""

    change: StanceChange
    x: float
    y: float
    moved: bool
    title: str
    label: str = ""
    label_x: float = 0
    label_y: float = 0
    label_anchor: str = "start"

    @property
    def value(self) -> str:
        return self.change.value


@dataclass(frozen=True)
class ContactMark:
    contact: Contact
    x: float
    y: float
    r: float
    rank: int
    title: str
    span: tuple[float, float] | None  # the month or year a less precise date stands for


@dataclass(frozen=True)
class BinMark:
    """Contacts of one month as a bar: taller for more, darker for a higher level."""

    bin: MonthBin
    x: float
    y: float
    width: float
    height: float
    title: str
    href: str = ""


@dataclass(frozen=True)
class TableRow:
    date: dt.date
    date_label: str
    kind: str
    what: str
    summary: str
    url: str


def _value_label(value: str) -> str:
    return str(DIMENSION_VALUES[Dimension.OVERALL][value])


def _level_label(level: str) -> str:
    return str(Level(level).label) if level else _("level unknown")


def _rank_label(rank: int) -> str:
    # Deputy minister and special envoy share a rank: name both rather than guess.
    levels = [str(Level(lv).label) for lv, r in LEVEL_RANK.items() if r == rank]
    return " / ".join(levels) or _level_label("")


def _change_title(change: StanceChange, moved: bool) -> str:
    value = _value_label(change.value)
    return _("%(date)s · overall stance: %(value)s. %(summary)s") % {
        "date": change.display_date,
        "value": value if moved else _("%(value)s (restated)") % {"value": value},
        "summary": Truncator(change.summary).chars(SUMMARY_CHARS),
    }


def _contact_what(contact: Contact) -> str:
    return _("%(type)s, %(level)s") % {
        "type": ContactType(contact.type).label,
        "level": _level_label(contact.level_country),
    }


def _contact_title(contact: Contact) -> str:
    return _("%(date)s · %(what)s. %(summary)s") % {
        "date": contact.display_date,
        "what": _contact_what(contact),
        "summary": Truncator(contact.summary).chars(SUMMARY_CHARS),
    }


def _bin_what(month_bin: MonthBin) -> str:
    return _("%(count)s, highest level %(level)s") % {
        "count": ngettext("%(n)d contact", "%(n)d contacts", month_bin.count)
        % {"n": month_bin.count},
        "level": _rank_label(month_bin.rank),
    }


def _describe(
    country: Country,
    changes: Sequence[StanceChange],
    moved: Sequence[bool],
    contacts: int,
    axis: TimeAxis,
) -> str:
    steps = [
        _("%(value)s from %(date)s") % {"value": _value_label(c.value), "date": c.display_date}
        for c, did_move in zip(changes, moved, strict=True)
        if did_move
    ]
    if steps:
        stance = _("Overall stance of %(country)s: %(steps)s.") % {
            "country": country.name_en,
            "steps": "; ".join(steps),
        }
    else:
        stance = _("No overall stance of %(country)s recorded.") % {"country": country.name_en}
    counted = ngettext(
        "%(n)d contact with the Taliban from %(start)s to %(end)s.",
        "%(n)d contacts with the Taliban from %(start)s to %(end)s.",
        contacts,
    ) % {
        "n": contacts,
        "start": display_date(axis.start, Precision.MONTH),
        "end": display_date(axis.end, Precision.DAY),
    }
    return f"{stance} {counted}"


def _change_points(
    changes: Sequence[StanceChange], moved: Sequence[bool], axis: TimeAxis, ys: dict[str, float]
) -> list[ChangePoint]:
    return [
        ChangePoint(
            change, axis.x(change.date), ys[change.value], did_move, _change_title(change, did_move)
        )
        for change, did_move in zip(changes, moved, strict=True)
    ]


def _bins(
    bins: Sequence[MonthBin],
    axis: TimeAxis,
    baseline: float,
    max_height: float,
    *,
    peak: int,
    href: str = "",
) -> list[BinMark]:
    """One bar per month (a wide faint one per year of year-precision dates) on the baseline,
    its area growing with the count, the fullest month (`peak`) at `max_height`; with `href`,
    each links to that page filtered to its period."""
    marks = []
    for month_bin in bins:
        x1, x2 = axis.period_x(month_bin.month, month_bin.period)
        height = 2 + (max_height - 2) * math.sqrt(month_bin.count / max(peak, 1))
        title = f"{display_date(month_bin.month, month_bin.period)}: {_bin_what(month_bin)}"
        link = f"{href}?from={month_bin.start}&to={month_bin.end}" if href else ""
        marks.append(
            BinMark(
                bin=month_bin,
                x=rounded(x1 + 0.3),
                y=rounded(baseline - height),
                width=rounded(max(x2 - x1 - 0.6, 1.5)),
                height=rounded(height),
                title=title,
                href=link,
            )
        )
    # Year-precision bars are wide: drawn first, month bars stay on top.
    marks.sort(key=lambda m: (m.bin.period != Precision.YEAR, m.bin.month))
    return marks


# --- One country's chart ---------------------------------------------------------------------

COUNTRY_LEFT = 188  # room for the y-axis labels
COUNTRY_RIGHT = WIDTH - 26
COUNTRY_TOP = 18
COUNTRY_ROW = 30
LABEL_FONT = 11
LANE_ROW = 15
LANE_MAX_ROWS = 4


@dataclass
class CountryChart:
    country: Country
    height: float
    axis: TimeAxis
    title: str
    desc: str
    levels: list[LevelTick]
    plot_top: float
    axis_y: float
    lane_top: float
    lane_bottom: float
    steps: list[Step]
    risers: list[Riser]
    points: list[ChangePoint]
    contacts: list[ContactMark]
    bins: list[BinMark]
    table: list[TableRow]
    contact_count: int
    width: int = WIDTH

    @property
    def empty(self) -> bool:
        return not self.points and not self.contacts and not self.bins

    @property
    def binned(self) -> bool:
        return bool(self.bins)

    @property
    def id(self) -> str:
        return f"chart-{self.country.slug}"

    @property
    def title_id(self) -> str:
        return f"{self.id}-title"

    @property
    def desc_id(self) -> str:
        return f"{self.id}-desc"

    @property
    def years(self) -> list[YearTick]:
        return self.axis.years()

    @property
    def year_label_y(self) -> float:
        return rounded(self.lane_bottom + 16)

    @property
    def swatch_x(self) -> float:
        return rounded(self.axis.left - 24)

    @property
    def label_x(self) -> float:
        return rounded(self.axis.left - 30)

    @property
    def lane_label_y(self) -> float:
        return rounded((self.lane_top + self.lane_bottom) / 2 + 4)


def _contact_marks(
    contacts: Sequence[Contact], axis: TimeAxis, lane_top: float
) -> tuple[list[ContactMark], int]:
    """Contacts as circles in rows under the axis, so close dates stay apart and clickable. A
    date known to the month or year sits mid-period, with a bar spanning the period."""
    placed = []
    for contact in contacts:
        r = rounded(2.5 + contact.level_rank * 0.55)
        if contact.date_precision == Precision.DAY:
            x, span = axis.x(contact.date), None
            extent = (x - r, x + r)
        else:
            span = axis.period_x(contact.date, contact.date_precision)
            x = rounded((span[0] + span[1]) / 2)
            extent = (min(x - r, span[0]), max(x + r, span[1]))
        placed.append((contact, x, r, span, extent))
    rows = stack_in_rows([extent for *_rest, extent in placed], LANE_MAX_ROWS)
    marks = [
        ContactMark(
            contact=contact,
            x=x,
            y=rounded(lane_top + LANE_ROW * (row + 0.5)),
            r=r,
            rank=contact.level_rank,
            title=_contact_title(contact),
            span=span,
        )
        for (contact, x, r, span, _extent), row in zip(placed, rows, strict=True)
    ]
    return marks, max(rows, default=0) + 1


def build_country_chart(
    country: Country,
    changes: Sequence[StanceChange],
    contacts: Sequence[Contact],
    bins: Sequence[MonthBin],
    today: dt.date,
    *,
    max_marks: int = MAX_CONTACT_MARKS,
) -> CountryChart:
    """One country's chart from its published records up to today, oldest first; no queries.

    `contacts` may stop after `max_marks + 1`: past `max_marks` the chart draws `bins` instead.
    """
    # Oldest first, so even a list cut off at the limit starts with the first contact.
    firsts = [changes[0].date if changes else None]
    if contacts:
        firsts.append(period_start(contacts[0].date, contacts[0].date_precision))
    axis = shared_axis(firsts, today, COUNTRY_LEFT, COUNTRY_RIGHT)
    ys = y_scale(COUNTRY_TOP + 8, COUNTRY_ROW)
    plot_bottom = ys[OVERALL_VALUES[0]] + 10
    axis_y = rounded(plot_bottom + 6)
    lane_top = rounded(axis_y + 4)

    steps, risers, moved = step_line(changes, axis, ys)
    points = _change_points(changes, moved, axis, ys)
    # Only the points that moved the value carry a (date) label.
    moves = [i for i, point in enumerate(points) if point.moved]
    places = place_labels(
        [(points[i].x, points[i].y, points[i].change.display_date) for i in moves],
        right=WIDTH - 4,
        top=COUNTRY_TOP,
        bottom=plot_bottom,
        font_size=LABEL_FONT,
    )
    for i, place in zip(moves, places, strict=True):
        points[i] = replace(
            points[i],
            label=points[i].change.display_date,
            label_x=place.x,
            label_y=place.y,
            label_anchor=place.anchor,
        )

    table = [
        TableRow(
            change.date,
            change.display_date,
            _("Stance change") if did_move else _("Stance restated"),
            _value_label(change.value),
            change.summary,
            change.get_absolute_url(),
        )
        for change, did_move in zip(changes, moved, strict=True)
    ]
    marks: list[ContactMark] = []
    bin_marks: list[BinMark] = []
    if len(contacts) > max_marks:
        lane_bottom = rounded(lane_top + 2 * LANE_ROW)
        href = country.get_absolute_url()
        peak = max((b.count for b in bins), default=1)
        bin_marks = _bins(bins, axis, lane_bottom, 2 * LANE_ROW - 2, peak=peak, href=href)
        contact_count = sum(b.count for b in bins)
        table += [
            TableRow(
                m.bin.month,
                display_date(m.bin.month, m.bin.period),
                _("Contacts"),
                _bin_what(m.bin),
                "",
                m.href,
            )
            for m in bin_marks
        ]
    else:
        marks, rows = _contact_marks(contacts, axis, lane_top)
        lane_bottom = rounded(lane_top + rows * LANE_ROW)
        contact_count = len(contacts)
        table += [
            TableRow(
                m.contact.date,
                m.contact.display_date,
                _("Contact"),
                _contact_what(m.contact),
                m.contact.summary,
                m.contact.get_absolute_url(),
            )
            for m in marks
        ]
    # A stable sort: on one date, stance changes stay before contacts, as they were added.
    table.sort(key=lambda row: row.date)

    return CountryChart(
        country=country,
        height=rounded(lane_bottom + 26),
        axis=axis,
        title=_("%(country)s: overall stance towards the Taliban and contacts over time")
        % {"country": country.name_en},
        desc=_describe(country, changes, moved, contact_count, axis),
        levels=[LevelTick(v, _value_label(v), ys[v]) for v in reversed(OVERALL_VALUES)],
        plot_top=COUNTRY_TOP,
        axis_y=axis_y,
        lane_top=lane_top,
        lane_bottom=lane_bottom,
        steps=steps,
        risers=risers,
        points=points,
        contacts=marks,
        bins=bin_marks,
        table=table,
        contact_count=contact_count,
    )


def country_chart(country: Country, today: dt.date) -> CountryChart:
    """One country's chart from its published records up to today (3 queries)."""
    changes = load_overall_changes([country.code], today)[country.code]
    contacts = load_contacts(country, today, MAX_CONTACT_MARKS)
    bins = load_contact_bins([country.code], today)[country.code]
    return build_country_chart(country, changes, contacts, bins, today)


# --- Small multiples for the home page -------------------------------------------------------

SMALL_LEFT = 10
SMALL_RIGHT = WIDTH - 10
SMALL_TOP = 7
SMALL_ROW = 8
SMALL_LANE = 20


@dataclass
class SmallChart:
    country: Country
    title: str
    desc: str
    steps: list[Step]
    risers: list[Riser]
    points: list[ChangePoint]  # the moves only: restatements would be noise at this size
    bins: list[BinMark]
    current: StanceChange | None
    contacts_per_year: list[int]

    @property
    def id(self) -> str:
        return f"small-{self.country.slug}"

    @property
    def title_id(self) -> str:
        return f"{self.id}-title"

    @property
    def desc_id(self) -> str:
        return f"{self.id}-desc"

    @property
    def current_label(self) -> str:
        return _value_label(self.current.value) if self.current else ""


@dataclass
class SmallMultiples:
    axis: TimeAxis
    charts: list[SmallChart]
    height: float
    plot_bottom: float
    baseline: float
    levels: list[LevelTick]
    years: list[YearTick]
    table_years: list[int]
    width: int = WIDTH

    @property
    def empty(self) -> bool:
        return not any(chart.steps or chart.bins for chart in self.charts)

    @property
    def plot_width(self) -> float:
        return rounded(self.axis.right - self.axis.left)


def build_small_multiples(
    countries: Sequence[Country],
    changes: dict[str, list[StanceChange]],
    bins: dict[str, list[MonthBin]],
    today: dt.date,
) -> SmallMultiples:
    """One small chart per country, all on one time axis from the first record of any; no
    queries."""
    firsts = [changes[c.code][0].date for c in countries if changes[c.code]]
    firsts += [bins[c.code][0].start for c in countries if bins[c.code]]
    axis = shared_axis(firsts, today, SMALL_LEFT, SMALL_RIGHT)
    ys = y_scale(SMALL_TOP, SMALL_ROW)
    plot_bottom = rounded(ys[OVERALL_VALUES[0]] + 5)
    baseline = rounded(plot_bottom + 4 + SMALL_LANE)
    years = list(range(axis.start.year, axis.end.year + 1))
    # One scale for every state's bars, so a taller bar means more contacts wherever it is.
    peak = max((b.count for c in countries for b in bins[c.code]), default=1)
    charts = []
    for country in countries:
        country_changes, country_bins = changes[country.code], bins[country.code]
        steps, risers, moved = step_line(country_changes, axis, ys)
        per_year: Counter[int] = Counter()
        for month_bin in country_bins:
            per_year[month_bin.month.year] += month_bin.count
        charts.append(
            SmallChart(
                country=country,
                title=_("%(country)s: overall stance and contacts per month")
                % {"country": country.name_en},
                desc=_describe(country, country_changes, moved, per_year.total(), axis),
                steps=steps,
                risers=risers,
                points=[p for p in _change_points(country_changes, moved, axis, ys) if p.moved],
                bins=_bins(country_bins, axis, baseline, SMALL_LANE - 1, peak=peak),
                current=country_changes[-1] if country_changes else None,
                contacts_per_year=[per_year[year] for year in years],
            )
        )
    return SmallMultiples(
        axis=axis,
        charts=charts,
        height=rounded(baseline + 3),
        plot_bottom=plot_bottom,
        baseline=baseline,
        levels=[LevelTick(v, _value_label(v), ys[v]) for v in reversed(OVERALL_VALUES)],
        years=axis.years(),
        table_years=years,
    )


def small_multiples(countries: Sequence[Country], today: dt.date) -> SmallMultiples:
    """The home page's small multiples for these countries, up to today (2 queries)."""
    codes = [country.code for country in countries]
    return build_small_multiples(
        countries, load_overall_changes(codes, today), load_contact_bins(codes, today), today
    )

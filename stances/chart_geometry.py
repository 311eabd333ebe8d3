"""Plain geometry for the stance charts: dates to x, stance values to y, the step line, label
and mark placement. No database, no translation: stances.charts feeds it records and titles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from .dates import period_end, period_start
from .vocabulary import DIMENSION_VALUES, Dimension, overall_score

OVERALL_VALUES: list[str] = list(DIMENSION_VALUES[Dimension.OVERALL])
HIGHEST = overall_score(OVERALL_VALUES[-1])
MIN_SPAN = dt.timedelta(days=180)


def rounded(value: float) -> float:
    """SVG coordinates to a tenth of a unit: exact enough, and short pages."""
    return round(value, 1)


def text_width(text: str, font_size: float) -> float:
    """A rough width of a label in a sans-serif font, enough to keep labels apart."""
    return len(text) * font_size * 0.56


@dataclass(frozen=True)
class YearTick:
    year: int
    x: float | None  # the 1 January gridline; None when the axis starts on or after it
    label_x: float
    labelled: bool


@dataclass(frozen=True)
class TimeAxis:
    """Dates to x coordinates between `left` and `right`."""

    start: dt.date
    end: dt.date
    left: float
    right: float

    def x(self, date: dt.date) -> float:
        days = (self.end - self.start).days or 1
        return rounded(self.left + (date - self.start).days / days * (self.right - self.left))

    def period_x(self, date: dt.date, precision: str) -> tuple[float, float]:
        """Where the period a date with this precision stands for starts and ends (clipped)."""
        first = max(period_start(date, precision), self.start)
        last = min(period_end(date, precision) + dt.timedelta(days=1), self.end)
        return self.x(first), self.x(max(first, last))

    def years(self) -> list[YearTick]:
        ticks = []
        for year in range(self.start.year, self.end.year + 1):
            jan1 = dt.date(year, 1, 1)
            x1 = self.x(max(jan1, self.start))
            x2 = self.x(min(dt.date(year + 1, 1, 1), self.end))
            ticks.append(
                YearTick(
                    year=year,
                    x=self.x(jan1) if jan1 > self.start else None,
                    label_x=rounded((x1 + x2) / 2),
                    # A sliver of a year at either end gets a gridline but no label.
                    labelled=x2 - x1 >= 34,
                )
            )
        return ticks


def shared_axis(
    starts: Iterable[dt.date | None], today: dt.date, left: float, right: float
) -> TimeAxis:
    """One axis from the earliest of `starts` to today, at least MIN_SPAN long."""
    start = min((s for s in starts if s is not None), default=today)
    return TimeAxis(start=min(start, today - MIN_SPAN), end=today, left=left, right=right)


@dataclass(frozen=True)
class LevelTick:
    """One value of the overall scale on the y axis."""

    value: str
    label: str
    y: float

    @property
    def swatch_y(self) -> float:
        return rounded(self.y - 4)

    @property
    def label_y(self) -> float:
        return rounded(self.y + 4)


def y_scale(top: float, row: float) -> dict[str, float]:
    """The y of each overall value: the highest at `top`, one `row` apart."""
    return {v: rounded(top + (HIGHEST - overall_score(v)) * row) for v in OVERALL_VALUES}


class Dated(Protocol):
    date: dt.date
    value: str


@dataclass(frozen=True)
class Step:
    """One horizontal run of the step line: `value` holds from x1 to x2."""

    value: str
    x1: float
    x2: float
    y: float


@dataclass(frozen=True)
class Riser:
    x: float
    y1: float
    y2: float


def step_line(
    changes: Sequence[Dated], axis: TimeAxis, ys: dict[str, float]
) -> tuple[list[Step], list[Riser], list[bool]]:
    """The step line from the first change to the end of the axis, and for each change whether
    it moved the value (False: a restatement of the value already holding).

    Changes come oldest first; on one date the later-entered one wins (as in
    selectors.stances_as_of), so the zero-length runs between them are dropped.
    """
    steps: list[Step] = []
    risers: list[Riser] = []
    moved: list[bool] = []
    since: Dated | None = None  # the change that set the value now holding
    for change in changes:
        if since is not None and change.value == since.value:
            moved.append(False)
            continue
        moved.append(True)
        if since is not None:
            x1, x2, y = axis.x(since.date), axis.x(change.date), ys[since.value]
            if change.date > since.date:
                steps.append(Step(since.value, x1, x2, y))
            risers.append(Riser(x2, y, ys[change.value]))
        since = change
    if since is not None:
        steps.append(Step(since.value, axis.x(since.date), axis.x(axis.end), ys[since.value]))
    return steps, risers, moved


@dataclass(frozen=True)
class LabelPlace:
    x: float
    y: float
    anchor: str  # SVG text-anchor: "start" or "end"


def place_labels(
    anchors: Sequence[tuple[float, float, str]],
    *,
    right: float,
    top: float,
    bottom: float,
    font_size: float,
) -> list[LabelPlace]:
    """Where to write each text beside its point (x, y): above or below, right or left of it,
    whichever comes first that stays between top and bottom and overlaps no earlier label."""
    placed: list[tuple[float, float, float, float]] = []
    result = []
    for px, py, text in anchors:
        width = text_width(text, font_size)
        above, below = py - 8, py + 8 + font_size
        to_right = [LabelPlace(px + 7, above, "start"), LabelPlace(px + 7, below, "start")]
        to_left = [LabelPlace(px - 7, above, "end"), LabelPlace(px - 7, below, "end")]
        fits_right = px + 7 + width <= right
        candidates = to_right + to_left if fits_right else to_left + to_right

        def box(place: LabelPlace, width: float = width) -> tuple[float, float, float, float]:
            x0 = place.x if place.anchor == "start" else place.x - width
            return (x0, place.y - font_size, x0 + width, place.y + 2)

        chosen = next(
            (
                c
                for c in candidates
                if top - 4 <= box(c)[1]
                and box(c)[3] <= bottom + 4
                and not any(_overlaps(box(c), other) for other in placed)
            ),
            candidates[0],
        )
        placed.append(box(chosen))
        result.append(LabelPlace(rounded(chosen.x), rounded(chosen.y), chosen.anchor))
    return result


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def stack_in_rows(extents: Sequence[tuple[float, float]], max_rows: int) -> list[int]:
    """A row for each mark spanning (left, right), in x order: the first row where it clears the
    mark before it, a new row while fewer than `max_rows`, else the row that frees up first."""
    row_ends: list[float] = []
    rows = []
    for left, right in extents:
        row = next((i for i, end in enumerate(row_ends) if end + 1.5 <= left), None)
        if row is None and len(row_ends) < max_rows:
            row_ends.append(right)
            row = len(row_ends) - 1
        elif row is None:
            row = min(range(len(row_ends)), key=lambda i: row_ends[i])
        row_ends[row] = max(row_ends[row], right)
        rows.append(row)
    return rows

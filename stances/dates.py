"""Dates with a precision: an approximate date is stored as the first day of its period.

A contact known only to have happened in March 2023 is stored as 2023-03-01 with precision
`month` and must read "Mar 2023", never "1 Mar 2023".
"""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format

from .vocabulary import Precision

_FORMATS = {Precision.DAY: "j M Y", Precision.MONTH: "M Y", Precision.YEAR: "Y"}


def display_date(value: dt.date, precision: str) -> str:
    """The date as a reader sees it, localised, showing no more than is known."""
    return date_format(value, _FORMATS[Precision(precision)])


def period_start(value: dt.date, precision: str) -> dt.date:
    """The first day of the period a date with this precision stands for."""
    if precision == Precision.YEAR:
        return value.replace(month=1, day=1)
    if precision == Precision.MONTH:
        return value.replace(day=1)
    return value


def period_end(value: dt.date, precision: str) -> dt.date:
    """The last day of the period a date with this precision stands for."""
    if precision == Precision.YEAR:
        return value.replace(month=12, day=31)
    if precision == Precision.MONTH:
        next_month = value.replace(day=28) + dt.timedelta(days=4)
        return next_month - dt.timedelta(days=next_month.day)
    return value

"""Dates in a sentence, explicit or relative, resolved against the publication date.

Each mention carries the precision the text gives and no more: "в воскресенье" is a day (the last
Sunday on or before publication), "15 авг" a day in the nearest plausible year, "в августе" a
month, "в 2022 году" a year, "last week" a month only when the whole week lies in one month (a
week is not a day), and otherwise nothing. A month or year is reported as its first day, as the
records store it. Without a publication date, relative mentions resolve to nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

DAY, MONTH, YEAR = "day", "month", "year"

_MONTH_STEMS: list[tuple[str, int]] = [
    # Russian (all cases, abbreviations), also Kyrgyz and Tajik, which use the same names.
    (r"январ\w*|янв\.?", 1), (r"феврал\w*|фев\.?", 2), (r"март\w*|мар\.", 3),
    (r"апрел\w*|апр\.?", 4), (r"ма(?:[йяюе]|йи|йда|йдын)", 5), (r"июн\w*|июн\.", 6),
    (r"июл\w*", 7), (r"август\w*|авг\.?", 8), (r"сентябр\w*|сент?\.?", 9),
    (r"октябр\w*|окт\.?", 10), (r"ноябр\w*|нояб?\.?", 11), (r"декабр\w*|дек\.?", 12),
    # Kazakh
    (r"қаңтар\w*", 1), (r"ақпан\w*", 2), (r"наурыз\w*", 3), (r"сәуір\w*", 4), (r"мамыр\w*", 5),
    (r"маусым\w*", 6), (r"шілде\w*", 7), (r"тамыз\w*", 8), (r"қыркүйек\w*", 9),
    (r"қазан\w*", 10), (r"қараша\w*", 11), (r"желтоқсан\w*", 12),
    # Uzbek (Latin)
    (r"yanvar\w*", 1), (r"fevral\w*", 2), (r"mart\w*", 3), (r"aprel\w*", 4),
    (r"may(?:da|ning|dan|ga|oy\w*)", 5),
    (r"iyun\w*", 6), (r"iyul\w*", 7), (r"avgust\w*", 8), (r"sentabr\w*", 9),
    (r"oktabr\w*", 10), (r"noyabr\w*", 11), (r"dekabr\w*", 12),
]  # fmt: skip
_EN_MONTHS: list[tuple[str, int]] = [
    (r"January|Jan\.?", 1), (r"February|Feb\.?", 2), (r"March|Mar\.", 3),
    (r"April|Apr\.?", 4), (r"May", 5), (r"June|Jun\.?", 6), (r"July|Jul\.?", 7),
    (r"August|Aug\.?", 8), (r"September|Sept?\.?", 9), (r"October|Oct\.?", 10),
    (r"November|Nov\.?", 11), (r"December|Dec\.?", 12),
]  # fmt: skip

_ANY_MONTH_I = "|".join(stem for stem, _ in _MONTH_STEMS)
_ANY_MONTH_EN = "|".join(stem for stem, _ in _EN_MONTHS)
MONTH_RE = rf"(?:(?i:{_ANY_MONTH_I})|{_ANY_MONTH_EN})"
# Bare Uzbek "may" is read only after a day number ("15-may"): alone it is the English modal.
_MONTH_LOOKUP = [(re.compile(rf"^(?:{stem})$", re.IGNORECASE), n) for stem, n in _MONTH_STEMS] + [
    (re.compile(rf"^(?:{stem})$"), n) for stem, n in [*_EN_MONTHS, ("may", 5)]
]
YEAR_RE = r"(?:19[89]\d|20[0-4]\d)"

_B = r"(?<![\w.])"
_E = r"(?!\w)"
PATTERNS: list[tuple[str, re.Pattern]] = [
    ("iso", re.compile(rf"{_B}(?P<y>{YEAR_RE})-(?P<m>\d{{2}})-(?P<d>\d{{2}}){_E}")),
    ("dotted", re.compile(rf"{_B}(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.(?P<y>{YEAR_RE}){_E}")),
    # Uzbek "2023-yil 15-may", Kyrgyz "2023-жылдын 15-майында", Kazakh "2023 жылғы 15 мамырда"
    ("turkic", re.compile(
        rf"{_B}(?P<y>{YEAR_RE})(?:-|\s)?(?i:yil|жыл|йил)\w*\s+(?P<d>\d{{1,2}})[-\s]"
        rf"(?P<mon>{MONTH_RE}|may){_E}"
    )),
    ("day_month", re.compile(
        rf"{_B}(?P<d>\d{{1,2}})(?:-?(?:го|е|st|nd|rd|th))?(?:\s*(?:[-–—]|и|and)\s*\d{{1,2}})?"
        rf"(?:\s+of)?[\s-]+(?P<mon>{MONTH_RE}|may)(?:,?\s+(?:соли\s+)?(?P<y>{YEAR_RE}))?{_E}"
    )),
    ("month_day", re.compile(
        rf"{_B}(?P<mon>{_ANY_MONTH_EN})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?"
        rf"(?:\s*[-–]\s*\d{{1,2}})?(?:,?\s+(?P<y>{YEAR_RE}))?{_E}"
    )),
    ("month", re.compile(rf"{_B}(?P<mon>{MONTH_RE})(?:,?\s+(?P<y>{YEAR_RE}))?{_E}")),
    ("year", re.compile(
        rf"{_B}(?P<y>{YEAR_RE})\s*(?i:году|года|год|г\.|гг\.|-?yil\w*|жыл\w*|сол\w*){_E}"
    )),
    ("year", re.compile(
        rf"(?<!\w)(?i:в|во|in|of|during|за|since|с|до|after|после|until|by|early|late|mid)"
        rf"[\s-]+(?P<y>{YEAR_RE}){_E}"
    )),
]  # fmt: skip

_WEEKDAYS: list[tuple[str, int]] = [
    (r"понедельник", 0), (r"вторник", 1), (r"среду", 2), (r"четверг", 3), (r"пятницу", 4),
    (r"субботу", 5), (r"воскресенье", 6),
    (r"Monday", 0), (r"Tuesday", 1), (r"Wednesday", 2), (r"Thursday", 3), (r"Friday", 4),
    (r"Saturday", 5), (r"Sunday", 6),
    # Kazakh, Kyrgyz, Uzbek (Latin and Cyrillic) and Tajik: with "күні"/"kuni" or "рӯзи"
    (r"дүйсенбі", 0), (r"сейсенбі", 1), (r"сәрсенбі", 2), (r"бейсенбі", 3), (r"жұма", 4),
    (r"сенбі", 5), (r"жексенбі", 6),
    (r"дүйшөмбү", 0), (r"шейшемби", 1), (r"шаршемби", 2), (r"бейшемби", 3), (r"ишемби", 5),
    (r"жекшемби", 6),
    (r"dushanba", 0), (r"seshanba", 1), (r"chorshanba", 2), (r"payshanba", 3), (r"juma", 4),
    (r"shanba", 5), (r"yakshanba", 6),
    (r"душанба", 0), (r"сешанба", 1), (r"чоршанба", 2), (r"пайшанба", 3), (r"жума", 4),
    (r"шанба", 5), (r"якшанба", 6),
    (r"душанбе", 0), (r"сешанбе", 1), (r"чоршанбе", 2), (r"панҷшанбе", 3), (r"ҷумъа", 4),
    (r"шанбе", 5), (r"якшанбе", 6),
]  # fmt: skip
_DAY_WORD = r"(?:\s+(?:күні|kuni|куни|күнү))"
_RU_EN_DAYS = "|".join(w for w, _ in _WEEKDAYS[:14])
_TURKIC_DAYS = "|".join(w for w, _ in _WEEKDAYS[14:])
WEEKDAY = re.compile(
    rf"{_B}(?:(?i:во?|on|last|this past)\s+)?(?P<w>(?i:{_RU_EN_DAYS})|"
    rf"(?i:{_TURKIC_DAYS}){_DAY_WORD}|(?i:рӯзи)\s+(?i:{_TURKIC_DAYS})){_E}"
)
# Relative phrases: (pattern, what it means); resolved in `_relative`.
RELATIVE: list[tuple[re.Pattern, str]] = [
    (re.compile(r"(?i)(?<!\w)(?:позавчера|the day before yesterday)(?!\w)"), "day-2"),
    (re.compile(r"(?i)(?<!\w)(?:вчера|yesterday|кеше|kecha|дирӯз|кечээ)(?!\w)"), "day-1"),
    (re.compile(r"(?i)(?<!\w)накануне(?!\s+(?:визит|встреч|переговор|саммит|\w+ия))"), "day-1"),
    (re.compile(r"(?i)(?<!\w)(?:сегодня|today|this morning|бүгін|bugun|бүгүн|имрӯз)(?!\w)"), "day"),
    (re.compile(r"(?i)(?<!\w)(?:на прошлой неделе|на минувшей неделе|last week)(?!\w)"), "week-1"),
    (re.compile(r"(?i)(?<!\w)(?:на этой неделе|на текущей неделе|this week|earlier this week)"
                r"(?!\w)"), "week"),
    (re.compile(r"(?i)(?<!\w)(?:в (?:минувшие|прошлые|эти) выходные|over the weekend|"
                r"last weekend|this weekend)(?!\w)"), "weekend"),
    (re.compile(r"(?i)(?<!\w)(?:на днях|the other day|days ago)(?!\w)"), "days"),
    (re.compile(r"(?i)(?<!\w)(?:в прошлом месяце|в минувшем месяце|last month)(?!\w)"), "month-1"),
    (re.compile(r"(?i)(?<!\w)(?:в этом месяце|в текущем месяце|this month|earlier this month|"
                r"в начале (?:этого|текущего) месяца)(?!\w)"), "month"),
    (re.compile(r"(?i)(?<!\w)(?:в прошлом году|в минувшем году|last year)(?!\w)"), "year-1"),
    (re.compile(r"(?i)(?<!\w)(?:в этом году|в текущем году|this year|earlier this year)(?!\w)"),
     "year"),
]  # fmt: skip
# A date right after these words is not when the reported thing happened ("since 2021", "после
# прихода к власти в августе 2021 года").
NOT_EVENT_DATE = re.compile(
    r"(?i)(?:(?<!\w)(?:с|со|since|после|after|до|before|until|by|к|ко)\s|захват\w*|взяли?\b|"
    r"пришл[аи]\b|прихода|took|seized|takeover|came\b|return(?:ed)?\b|вернулись|возвращения|"
    r"\bfall\b|падения|по состоянию на|as of)[^.,;]{0,40}$"
)
FUTURE_WINDOW = dt.timedelta(days=14)


@dataclass(frozen=True)
class DateMention:
    date: dt.date | None  # the first day of the period; None when the text gives no usable date
    precision: str | None
    start: int
    end: int
    relative: bool = False
    usable: bool = True  # False for "since 2021" and the like: a date, but not the event's


def _month_number(word: str) -> int | None:
    for pattern, number in _MONTH_LOOKUP:
        if pattern.match(word):
            return number
    return None


def _year_for(month: int, day: int, published: dt.date | None) -> int | None:
    if published is None:
        return None
    year = published.year
    try:
        candidate = dt.date(year, month, day)
    except ValueError:
        return None
    return year - 1 if candidate > published + FUTURE_WINDOW else year


def _safe_date(year: int | None, month: int, day: int) -> dt.date | None:
    if year is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _absolute(kind: str, match: re.Match, published: dt.date | None) -> DateMention | None:
    groups = match.groupdict()
    year = int(groups["y"]) if groups.get("y") else None
    if kind == "year":
        return DateMention(dt.date(year, 1, 1), YEAR, match.start(), match.end())
    month = int(groups["m"]) if groups.get("m") else _month_number(groups["mon"])
    if month is None or not 1 <= month <= 12:
        return None
    if kind == "month":
        if year is None and published is not None:
            year = published.year if month <= published.month else published.year - 1
        date = _safe_date(year, month, 1)
        return DateMention(date, MONTH if date else None, match.start(), match.end())
    day = int(groups["d"])
    if year is None:
        year = _year_for(month, day, published)
    date = _safe_date(year, month, day)
    return DateMention(date, DAY if date else None, match.start(), match.end())


def _relative(meaning: str, published: dt.date) -> tuple[dt.date | None, str | None]:
    if meaning.startswith("day"):
        return published - dt.timedelta(days=int(meaning[4:] or 0)), DAY
    if meaning in {"week", "week-1", "weekend", "days"}:
        monday = published - dt.timedelta(days=published.weekday())
        first, last = {
            "week": (monday, published),
            "week-1": (monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)),
            "weekend": (monday - dt.timedelta(days=2), monday - dt.timedelta(days=1)),
            "days": (published - dt.timedelta(days=7), published),
        }[meaning]
        if meaning == "weekend" and published.weekday() >= 5:
            first, last = monday + dt.timedelta(days=5), published
        if (first.year, first.month) == (last.year, last.month):
            return first.replace(day=1), MONTH
        return None, None
    if meaning.startswith("month"):
        first = published.replace(day=1)
        if meaning == "month-1":
            first = (first - dt.timedelta(days=1)).replace(day=1)
        return first, MONTH
    year = published.year - (1 if meaning == "year-1" else 0)
    return dt.date(year, 1, 1), YEAR


def find_dates(text: str, published: dt.date | None) -> list[DateMention]:
    """Every date mention in `text`, in order, overlapping ones resolved to the longest."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            if not free(match.start(), match.end()):
                continue
            mention = _absolute(kind, match, published)
            if mention is None:
                continue
            taken.append((match.start(), match.end()))
            lead_end = match.start("y") if kind == "year" else match.start()
            usable = not NOT_EVENT_DATE.search(text[max(0, match.start() - 60) : lead_end])
            found.append(_with_usable(mention, usable))
    for match in WEEKDAY.finditer(text):
        if not free(match.start(), match.end()):
            continue
        taken.append((match.start(), match.end()))
        date = None
        if published is not None:
            word = match.group("w").lower().removeprefix("рӯзи").split()[0]
            weekday = next(n for w, n in _WEEKDAYS if w.lower() == word)
            date = published - dt.timedelta(days=(published.weekday() - weekday) % 7)
        found.append(
            DateMention(date, DAY if date else None, match.start(), match.end(), relative=True)
        )
    for pattern, meaning in RELATIVE:
        for match in pattern.finditer(text):
            if not free(match.start(), match.end()):
                continue
            taken.append((match.start(), match.end()))
            date, precision = _relative(meaning, published) if published else (None, None)
            found.append(DateMention(date, precision, match.start(), match.end(), relative=True))
    return sorted(found, key=lambda m: m.start)


def _with_usable(mention: DateMention, usable: bool) -> DateMention:
    if usable:
        return mention
    return DateMention(mention.date, mention.precision, mention.start, mention.end, False, False)


RANK = {DAY: 3, MONTH: 2, YEAR: 1}


def event_date(mentions: list[DateMention]) -> DateMention | None:
    """The date of what a sentence reports: its most precise usable mention, the first if tied."""
    usable = [m for m in mentions if m.usable and m.date is not None]
    if not usable:
        return None
    return max(usable, key=lambda m: (RANK[m.precision], -m.start))


def find_full_dates(text: str) -> list[dt.date]:
    """Dates written out with day, month and year (for telling other stories' dates)."""
    dates = []
    for kind, pattern in PATTERNS[:5]:
        for match in pattern.finditer(text):
            if match.groupdict().get("y"):
                mention = _absolute(kind, match, None)
                if mention and mention.date:
                    dates.append(mention.date)
    return dates

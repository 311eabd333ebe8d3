"""Read an RSS or Atom feed: its title and, per entry, the link, title and publication date.

feedparser does the parsing (RSS 0.9x–2.0, RSS 1.0, Atom 0.3/1.0) from the raw bytes, so the
encoding the document declares (`<?xml … encoding="windows-1251"?>`) is honoured. It is lenient:
it reads most broken feeds, flagging them `bozo`. We keep what it could read and refuse only a
document in which it found no feed at all (an HTML page, junk, an empty body), with a reason an
editor can act on.
"""

from __future__ import annotations

import calendar
import datetime as dt
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin

import feedparser

# feedparser's dates are UTC; a report published 23:30 in Almaty on the 14th is dated the 14th
# there. Outlets of the region publish in UTC+5, a better guess for "the day" than UTC.
REGION_OFFSET = dt.timezone(dt.timedelta(hours=5))


class FeedError(Exception):
    """The document is not a feed we can read. `reason` is meant for editors."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str = ""
    published: dt.date | None = None


@dataclass
class ParsedFeed:
    title: str = ""
    entries: list[FeedEntry] = field(default_factory=list)
    # Entries without an http(s) link: counted, so they are reported rather than lost silently.
    skipped: int = 0


def parse_feed(content: bytes, *, url: str = "") -> ParsedFeed:
    """The feed in `content` (the body as fetched), relative links resolved against `url`.

    Raises `FeedError` when the document is not a feed.
    """
    if not content.strip():
        raise FeedError("The feed is empty")
    parsed = feedparser.parse(content, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        detail = f": {_first_line(str(problem))}" if problem else ""
        raise FeedError(f"Not an RSS or Atom feed{detail}")
    feed = ParsedFeed(title=_clean(parsed.feed.get("title", "")))
    seen: set[str] = set()
    for entry in parsed.entries:
        link = _entry_link(entry, url)
        if not link:
            feed.skipped += 1
            continue
        if link in seen:
            continue
        seen.add(link)
        feed.entries.append(
            FeedEntry(url=link, title=_clean(entry.get("title", "")), published=_date(entry))
        )
    return feed


def _entry_link(entry: feedparser.FeedParserDict, base: str) -> str:
    candidates = [entry.get("link", "")]
    # Atom: the rel="alternate" link is the article; "enclosure", "related" and others are not.
    candidates += [
        link.get("href", "")
        for link in entry.get("links", [])
        if link.get("rel", "alternate") == "alternate"
    ]
    # RSS 2.0 allows the article's address only in <guid isPermaLink="true"> (the default).
    if entry.get("guidislink"):
        candidates.append(entry.get("id", ""))
    for candidate in candidates:
        absolute = urljoin(base, candidate.strip()) if candidate else ""
        if absolute.startswith(("http://", "https://")):
            return absolute
    return ""


def _date(entry: feedparser.FeedParserDict) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value: time.struct_time | None = entry.get(key)
        if value:
            try:
                moment = dt.datetime.fromtimestamp(calendar.timegm(value), tz=dt.UTC)
            except (OverflowError, ValueError, OSError):
                continue
            return moment.astimezone(REGION_OFFSET).date()
    return None


def _clean(value: str) -> str:
    return " ".join(value.split())


def _first_line(value: str) -> str:
    return value.strip().splitlines()[0] if value.strip() else value

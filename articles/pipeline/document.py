"""The input of extraction and its clean text: the report's paragraphs without site furniture.

HTML goes through `html.parse_page` (trafilatura). Plain text may still carry what a scraper
picked up around the report: a subscription call, a phone number, other stories' headlines, "Все
новости", a login prompt. Those lines are dropped here so that nothing after them can produce an
event; a headline-like first line is kept apart as the title (context, never evidence).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .reldates import find_full_dates


@dataclass(frozen=True)
class Document:
    """One report to read. Give `text` or `html`; `published` and `language` when known."""

    text: str = ""
    html: str = ""
    url: str = ""
    published: dt.date | None = None
    language: str | None = None


@dataclass(frozen=True)
class CleanText:
    title: str
    paragraphs: list[str]
    published: dt.date | None
    language_hint: str


# Lines that are the site talking, not the report, matched at the start of a line. After one of
# these the report is over: what follows is teasers, links and prompts.
TAIL_FURNITURE = re.compile(
    r"^(?:читайте нас|подписывайтесь|подпишитесь|следите за|присоединяйтесь|все новости|"
    r"авторизуйтесь|войдите|зарегистрируйтесь|комментари|поделиться|share|follow us|"
    r"subscribe|sign in|log in|related|recommended|most read|more (?:news|stories)|all news|"
    r"теги|tags|свои вопросы|присылайте|©|\(c\)|copyright|если вы нашли ошибку|нашли ошибку|"
    r"при (?:использовании|цитировании)|telegram|facebook|instagram|whatsapp|viber|twitter|"
    r"youtube)",
    re.IGNORECASE,
)
# Lines dropped on their own inside a report ("Читайте также: …", a photo credit).
INLINE_FURNITURE = re.compile(
    r"^(?:читайте (?:также|еще|ещё)|read (?:more|also)|see also|смотрите также|"
    r"advertisement|реклама|фото:|photo:|источник фото|photo credit)",
    re.IGNORECASE,
)
# Lines anywhere in which mark site furniture (contacts, social networks, prompts).
FURNITURE_ANYWHERE = re.compile(
    r"(?:\+\d[\d\s()-]{7,}\d|https?://|www\.|@\w+\.\w+|"
    r"(?:telegram|facebook|instagram|viber|whatsapp)\s*(?:,|и|and)\s*\w+|"
    r"(?:в|in)\s+telegram\b|авторизуйтесь|пожалуйста, войдите|all rights reserved|"
    r"все права защищены)",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[.!?…][»\"”’)\]]*\s*$|[»\"”]\.?\s*$")
WORDS = re.compile(r"\w+")


def clean_plain_text(text: str, published: dt.date | None) -> CleanText:
    """Split plain text into the title (if the first line looks like one) and the report's
    paragraphs, dropping site furniture."""
    lines = [" ".join(line.split()) for line in text.replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    title = ""
    if len(lines) > 1 and _is_headline(lines[0]) and not _is_furniture(lines[0]):
        title = lines.pop(0)
    paragraphs: list[str] = []
    furniture_seen = False
    for line in lines:
        if INLINE_FURNITURE.match(line):
            continue
        if _is_furniture(line) or _dates_another_story(line, published):
            furniture_seen = True
            continue
        if _is_headline(line) and (furniture_seen or paragraphs):
            # A headline after the report began is another story's teaser (or a subheading,
            # which carries no event of its own either).
            continue
        if furniture_seen and len(WORDS.findall(line)) < 25:
            continue
        paragraphs.append(line)
    return CleanText(title=title, paragraphs=paragraphs, published=published, language_hint="")


def clean_page_text(text: str, title: str, published: dt.date | None) -> CleanText:
    """The text trafilatura kept is the report already; only stray furniture lines go."""
    cleaned = clean_plain_text(text, published)
    paragraphs = ([cleaned.title] if cleaned.title else []) + cleaned.paragraphs
    if paragraphs and title and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    return CleanText(
        title=title or "", paragraphs=paragraphs, published=published, language_hint=""
    )


def _is_furniture(line: str) -> bool:
    if TAIL_FURNITURE.match(line.lstrip("•-–—*>| ")):
        return True
    words = len(WORDS.findall(line))
    return bool(FURNITURE_ANYWHERE.search(line)) and words < 40


def _is_headline(line: str) -> bool:
    words = len(WORDS.findall(line))
    if words == 0:
        return True
    if line.rstrip().endswith(("?", "!")):
        return words <= 20
    return not SENTENCE_END.search(line) and words <= 30


def _dates_another_story(line: str, published: dt.date | None) -> bool:
    """A line dated after publication (a teaser of a later story, a weather forecast)."""
    if published is None:
        return False
    return any(date > published + dt.timedelta(days=1) for date in find_full_dates(line))

"""Read one fetched HTML page: its main text without boilerplate, title, site name, original
publication date and language.

trafilatura does the heavy lifting (main text, and metadata from <meta>, JSON-LD and the title).
The date comes first from the page's markup (meta tags, <time>, the URL) and only then from
htmldate's extensive search of the visible text, always asking for the *original* publication
date, never "last modified", and never a day after today. The language is the page's declared
`<html lang>` when it is a plain language code, else py3langid's guess on the text.

Pages come from anywhere, so `parse_page` never raises on what it is given: an empty page, a
truncated one, a feed or binary junk decoded as text all give a `Page` with empty fields.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import htmldate
import py3langid
import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import Document

logger = logging.getLogger(__name__)

# htmldate's own floor: news on the web before this is a misreading (a founding year, a law).
MIN_DATE = dt.date(1995, 1, 1)
# py3langid guesses wildly on a few words; below this a page's language stays unknown.
MIN_TEXT_FOR_LANGUAGE = 40
LANGUAGE_CODE = re.compile(r"^([a-z]{2})(?:[-_][a-z0-9]+)*$")
# Characters lxml refuses in a document (XML 1.0 forbids them), stripped before parsing.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Page:
    """What a page says about itself; empty strings (or None) for what it does not say."""

    title: str = ""
    site_name: str = ""
    published_date: dt.date | None = None
    language: str = ""
    text: str = ""


def parse_page(html: str, url: str = "") -> Page:
    """The title, site name, publication date, language and main text of an HTML page.

    `url` is where the page was fetched from: it helps date extraction (dates in the path) and
    lets a site name that is only the URL's host be recognised and dropped.
    """
    if not isinstance(html, str):
        return Page()
    html = CONTROL_CHARACTERS.sub("", html)
    if not html.strip():
        return Page()
    tree = _load(html)
    if tree is None:
        return Page()
    today = dt.date.today()
    document = _extract(html, url, today)
    text = (document.text or "").strip() if document else ""
    title = _clean((document.title if document else "") or _fallback_title(tree))
    return Page(
        title=title,
        site_name=_site_name(document.sitename if document else "", tree, url),
        published_date=_published_date(document.date if document else None, html, url, today),
        language=_language(tree, text or title),
        text=text,
    )


def _load(html: str) -> HtmlElement | None:
    try:
        tree = trafilatura.load_html(html)
    except Exception:  # lxml and its cleaners raise many types on hostile input; none matter here
        logger.debug("Unparseable page", exc_info=True)
        return None
    # An XML document (a feed) parses as a tree whose root is not <html>: not a page.
    if tree is None or not isinstance(tree.tag, str) or tree.tag.lower() != "html":
        return None
    return tree


def _extract(html: str, url: str, today: dt.date) -> Document | None:
    try:
        return trafilatura.bare_extraction(
            html,
            url=url or None,
            with_metadata=True,
            # A citation's text feeds relevance and event extraction: a missed paragraph costs
            # less than menus, related-article teasers and comments read as the report.
            favor_precision=True,
            include_comments=False,
            include_tables=False,
            # Markup only here (meta tags, <time>, the URL); the text search is the fallback.
            date_extraction_params={
                "original_date": True,
                "extensive_search": False,
                "max_date": today.isoformat(),
                "min_date": MIN_DATE.isoformat(),
            },
        )
    except Exception:  # as in _load: a page trafilatura cannot read has no usable fields
        logger.debug("trafilatura failed on %s", url, exc_info=True)
        return None


def _fallback_title(tree: HtmlElement) -> str:
    for value in tree.xpath(
        '//meta[@property="og:title"]/@content | //meta[@name="og:title"]/@content'
    ):
        if value.strip():
            return value
    for element in tree.iter("title"):
        if element.text_content().strip():
            return element.text_content()
    return ""


def _site_name(found: str | None, tree: HtmlElement, url: str) -> str:
    name = _clean(found or "")
    if not name:
        for value in tree.xpath('//meta[@property="og:site_name"]/@content'):
            name = _clean(value)
            if name:
                break
    # trafilatura falls back to the URL's host, which says nothing the outlet's domain doesn't.
    host = (urlsplit(url).hostname or "").lower()
    if name and name.lower() in {host, host.removeprefix("www.")}:
        return ""
    return name


def _published_date(found: str | None, html: str, url: str, today: dt.date) -> dt.date | None:
    date = _valid_date(found, today)
    if date is not None:
        return date
    try:
        found = htmldate.find_date(
            html,
            url=url or None,
            original_date=True,
            extensive_search=True,
            min_date=MIN_DATE.isoformat(),
            max_date=today.isoformat(),
        )
    except Exception:  # htmldate parses the page again; same reasoning as _load
        logger.debug("htmldate failed on %s", url, exc_info=True)
        return None
    return _valid_date(found, today)


def _valid_date(value: str | None, today: dt.date) -> dt.date | None:
    try:
        date = dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
    # Both libraries are told max_date, but a publication date from the future is never kept.
    if date is None or not MIN_DATE <= date <= today:
        return None
    return date


def _language(tree: HtmlElement, text: str) -> str:
    declared = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    match = LANGUAGE_CODE.match(declared.strip().lower())
    if match:
        return match.group(1)
    if len(text) < MIN_TEXT_FOR_LANGUAGE:
        return ""
    try:
        code, _score = py3langid.classify(text)
    except Exception:  # a model failure must not lose the rest of the page
        logger.debug("py3langid failed", exc_info=True)
        return ""
    return code if LANGUAGE_CODE.match(code) else ""


def _clean(value: str) -> str:
    return " ".join(value.split())

"""Reading RSS and Atom feeds: links, titles, dates, encodings, and what is not a feed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from articles.pipeline.feeds import FeedError, parse_feed

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "http://news.example"


def fixture_feed(name: str) -> bytes:
    text = (FIXTURES / "pipeline" / name).read_text(encoding="utf-8")
    return text.replace("{{BASE}}", BASE).replace("{{PORT}}", "8000").encode()


def test_an_rss_feed_gives_its_title_and_each_entry():
    feed = parse_feed(fixture_feed("feed.rss"), url=f"{BASE}/feed.rss")

    assert feed.title == "Ташкентский вестник — Регион"
    assert [entry.url for entry in feed.entries] == [
        f"{BASE}/pipeline/uz-saidov-kabul.html?utm_source=rss&utm_medium=feed",
        f"{BASE}/pipeline/kz-wheat-harvest.html",
    ]
    first = feed.entries[0]
    assert first.title == "Саидов обсудил с Муттаки железную дорогу (лента)"
    assert first.published == dt.date(2024, 3, 13)


def test_an_atom_feed_uses_the_alternate_link_and_the_published_date():
    feed = parse_feed(fixture_feed("feed.atom"), url=f"{BASE}/feed.atom")

    assert feed.title == "Steppe Herald: Afghanistan"
    assert [entry.url for entry in feed.entries] == [
        f"{BASE}/pipeline/kz-nurtleu-astana.html",
        f"{BASE}/pipeline/uz-saidov-kabul-rewrite.html",
    ]
    assert feed.entries[0].published == dt.date(2024, 5, 21)  # published, not updated
    assert feed.skipped == 1


def test_a_feed_in_windows_1251_is_decoded_from_its_declaration():
    feed = parse_feed((FIXTURES / "feed-cp1251.rss").read_bytes(), url="http://news.test/rss")

    assert feed.entries[0].title == "Туркменистан и талибы обсудили газопровод ТАПИ"
    assert feed.entries[0].url == "http://news.test/tapi.html"


def test_a_late_evening_utc_date_is_the_next_day_in_the_region():
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
    <item><link>https://kun.uz/1</link><pubDate>Tue, 31 Dec 2024 21:00:00 GMT</pubDate></item>
    </channel></rss>"""

    assert parse_feed(rss).entries[0].published == dt.date(2025, 1, 1)


def test_relative_links_resolve_and_repeated_and_non_http_links_are_dropped():
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
    <item><title>a</title><link>/news/1</link></item>
    <item><title>again</title><link>https://kun.uz/news/1</link></item>
    <item><title>mail</title><link>mailto:editor@kun.uz</link></item>
    <item><title>guid</title><guid>https://kun.uz/news/2</guid></item>
    </channel></rss>"""

    feed = parse_feed(rss, url="https://kun.uz/rss")

    assert [entry.url for entry in feed.entries] == [
        "https://kun.uz/news/1",
        "https://kun.uz/news/2",
    ]
    assert feed.skipped == 1
    assert feed.entries[1].published is None


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "The feed is empty"),
        (b"   \n", "The feed is empty"),
        ((FIXTURES / "pipeline" / "feed-malformed.rss").read_bytes(), "Not an RSS or Atom feed"),
        (b"\x00\x01\x02\xff binary", "Not an RSS or Atom feed"),
        (b'{"items": []}', "Not an RSS or Atom feed"),
    ],
)
def test_what_is_not_a_feed_is_refused_with_a_reason(content, reason):
    with pytest.raises(FeedError) as raised:
        parse_feed(content)

    assert raised.value.reason.startswith(reason)


def test_a_truncated_feed_keeps_the_entries_read_before_the_break():
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
    <item><title>ok</title><link>https://kun.uz/news/1</link></item>
    <item><title>cut"""

    feed = parse_feed(rss)

    assert [entry.url for entry in feed.entries] == ["https://kun.uz/news/1"]

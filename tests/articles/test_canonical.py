from __future__ import annotations

import pytest

from articles.canonical import InvalidURL, canonicalize_url, url_domain


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("HTTPS://Kun.UZ/news/2024/09/23/x", "https://kun.uz/news/2024/09/23/x"),
        ("https://kun.uz:443/news/1#comments", "https://kun.uz/news/1"),
        ("https://kun.uz/news/1?utm_source=tg&utm_medium=x&id=5", "https://kun.uz/news/1?id=5"),
        ("https://kun.uz/a?b=2&a=1&fbclid=zz", "https://kun.uz/a?a=1&b=2"),
        (
            "https://www.inform.kz/en/kazakh-president_a3837852/amp",
            "https://www.inform.kz/en/kazakh-president_a3837852",
        ),
        ("https://example.org/story/amp/", "https://example.org/story"),
        ("https://example.org/story?amp=1", "https://example.org/story"),
        ("http://example.org:8080/x", "http://example.org:8080/x"),
        ("https://example.org", "https://example.org/"),
    ],
)
def test_links_to_one_report_share_one_canonical_url(given, canonical):
    assert canonicalize_url(given) == canonical


@pytest.mark.parametrize("bad", ["ftp://example.org/x", "javascript:alert(1)", "/relative", ""])
def test_it_refuses_what_is_not_an_absolute_http_url(bad):
    with pytest.raises(InvalidURL):
        canonicalize_url(bad)


def test_an_outlet_is_keyed_by_its_domain_without_www():
    assert url_domain("https://www.Inform.kz/en/x") == "inform.kz"
    assert url_domain("https://asiaplustj.info/news") == "asiaplustj.info"
    assert url_domain("https://old.asiaplustj.info/news") == "asiaplustj.info"
    assert url_domain("https://24.kg./x") == "24.kg"
    assert url_domain("https://m.kun.uz/x") == "kun.uz"
    assert url_domain("https://en.trend.az/x") == "en.trend.az"  # an edition, kept apart

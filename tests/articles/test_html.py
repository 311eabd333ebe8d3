"""Reading a fetched page: main text without boilerplate, title, site name, date, language."""

from __future__ import annotations

import datetime as dt

import pytest

from articles.pipeline.html import Page, parse_page
from tests.articles.conftest import FIXTURES

NEWS_URL = "https://vesti-asia.example/news/2024/07/17/uzbekistan-taliban-railway"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_a_news_page_gives_its_open_graph_title_and_site_name():
    page = parse_page(fixture("article-news-ru.html"), NEWS_URL)

    assert page.title == (
        "Узбекистан и талибы подписали дорожную карту по Трансафганской железной дороге"
    )
    assert page.site_name == "Вести Азии"


def test_the_date_is_the_original_publication_not_the_last_modification():
    page = parse_page(fixture("article-news-ru.html"), NEWS_URL)

    # The page also says article:modified_time 2024-07-19 and "Обновлено 19 июля 2024".
    assert page.published_date == dt.date(2024, 7, 17)


def test_the_language_comes_from_html_lang_reduced_to_two_letters():
    page = parse_page(fixture("article-news-ru.html"), NEWS_URL)

    assert page.language == "ru"  # the page says lang="ru-RU"


def test_the_text_keeps_the_report_and_drops_menus_teasers_and_footer():
    text = parse_page(fixture("article-news-ru.html"), NEWS_URL).text

    assert "Термез — Мазари-Шариф" in text
    assert "Абдул Гани Барадар" in text
    for boilerplate in (
        "Подписаться на рассылку",  # navigation
        "Главная",  # breadcrumbs
        "Курс доллара",  # "read also" teasers
        "Все права защищены",  # footer
        "dataLayer",  # scripts
    ):
        assert boilerplate not in text


def test_without_any_date_markup_the_date_is_found_in_the_text():
    page = parse_page(fixture("article-no-meta.html"), "https://news.example/world/tapi")

    assert page.published_date == dt.date(2024, 2, 5)


def test_without_og_title_the_title_element_is_used():
    page = parse_page(fixture("article-no-meta.html"), "https://news.example/world/tapi")

    assert page.title == "Turkmenistan and the Taliban discuss the TAPI gas pipeline"


def test_without_html_lang_the_language_is_detected_from_the_text():
    page = parse_page(fixture("article-no-meta.html"), "https://news.example/world/tapi")

    assert page.language == "en"
    assert "acting minister of mines and petroleum" in page.text
    assert "All rights reserved" not in page.text


def test_a_site_name_that_is_only_the_host_of_the_url_is_dropped():
    page = parse_page(fixture("article-no-meta.html"), "https://www.news.example/world/tapi")

    assert page.site_name == ""


def test_broken_html_still_gives_its_fields():
    page = parse_page(fixture("article-broken.html"), "https://kabar.example/news/aid")

    assert page.title == "Кыргызстан направил гуманитарную помощь в Афганистан"
    assert page.site_name == "Кабар"
    assert page.published_date == dt.date(2023, 11, 2)
    assert page.language == "ru"
    assert "станции Хайратон" in page.text


def test_a_date_in_the_future_is_never_taken():
    future = dt.date.today() + dt.timedelta(days=400)
    html = (
        fixture("article-no-meta.html")
        .replace(
            "<head>",
            f'<head><meta property="article:published_time" content="{future.isoformat()}">',
        )
        .replace("5 February 2024", future.strftime("%d %B %Y"))
    )

    assert parse_page(html).published_date is None


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "   \n ",
        "\x00\x01\x02 binary \xff\xfe",
        '{"title": "JSON, not a page"}',
        "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        "<html>",
        "<html><body></body></html>",
        "<<<>>><<<<html<<body>>",
    ],
)
def test_empty_or_garbage_input_gives_an_empty_page(garbage):
    assert parse_page(garbage, "https://example.org/") == Page()


def test_a_feed_is_not_a_page():
    feed = (FIXTURES / "feed-cp1251.rss").read_text(encoding="cp1251")

    assert parse_page(feed) == Page()


def test_a_page_is_frozen():
    page = parse_page(fixture("article-news-ru.html"))

    with pytest.raises(AttributeError):
        page.title = "changed"

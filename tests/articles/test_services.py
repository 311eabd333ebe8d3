from __future__ import annotations

import datetime as dt

import pytest

from articles.models import Article, Outlet
from articles.services import article_register

pytestmark = pytest.mark.django_db


def test_registering_the_same_report_twice_keeps_one_article():
    first = article_register(
        url="https://asiaplustj.info/news/1?utm_source=x", outlet_name="Asia-Plus"
    )
    second = article_register(url="https://asiaplustj.info/news/1#top", outlet_name="Other name")
    assert first.pk == second.pk
    assert Article.objects.count() == 1
    assert Outlet.objects.get().name == "Asia-Plus"


def test_later_registrations_fill_in_missing_metadata_but_never_overwrite():
    article_register(url="https://kun.uz/news/7", title="")
    article_register(url="https://kun.uz/news/7", title="Title", published_date=dt.date(2024, 1, 2))
    article_register(url="https://kun.uz/news/7", title="Another title", language="uz")
    article = Article.objects.get()
    assert (article.title, article.published_date, article.language) == (
        "Title",
        dt.date(2024, 1, 2),
        "uz",
    )


def test_articles_of_one_domain_share_an_outlet():
    article_register(url="https://www.inform.kz/a", outlet_name="Kazinform")
    article_register(url="https://inform.kz/b", outlet_name="Kazinform")
    assert Outlet.objects.count() == 1

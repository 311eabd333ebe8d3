"""The framework-free parts of extraction: dates, furniture removal, language."""

from __future__ import annotations

import datetime as dt

import pytest

from articles.pipeline.document import clean_plain_text
from articles.pipeline.language import detect_language
from articles.pipeline.reldates import event_date, find_dates

MONDAY = dt.date(2021, 9, 27)


def date_of(text: str, published: dt.date | None) -> tuple[dt.date | None, str | None]:
    found = event_date(find_dates(text, published))
    return (found.date, found.precision) if found else (None, None)


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("в воскресенье встретился", MONDAY, (dt.date(2021, 9, 26), "day")),
        ("on Monday, the minister", MONDAY, (MONDAY, "day")),  # the same day
        ("вчера в Кабуле", MONDAY, (dt.date(2021, 9, 26), "day")),
        ("26 сентября 2021 года", None, (dt.date(2021, 9, 26), "day")),
        ("on September 26", MONDAY, (dt.date(2021, 9, 26), "day")),
        ("15 авг делегация", MONDAY, (dt.date(2021, 8, 15), "day")),
        ("15 дек делегация", dt.date(2022, 1, 5), (dt.date(2021, 12, 15), "day")),
        ("в начале ноября", dt.date(2025, 11, 12), (dt.date(2025, 11, 1), "month")),
        ("в 2022 году", MONDAY, (dt.date(2022, 1, 1), "year")),
        ("в прошлом месяце", dt.date(2024, 3, 6), (dt.date(2024, 2, 1), "month")),
        ("2023-yil 15-may kuni", None, (dt.date(2023, 5, 15), "day")),
        ("жексенбі күні", MONDAY, (dt.date(2021, 9, 26), "day")),
        ("рӯзи шанбе", MONDAY, (dt.date(2021, 9, 25), "day")),
    ],
)
def test_it_resolves_dates_against_the_publication_date(text, published, expected):
    assert date_of(text, published) == expected


def test_last_week_is_a_month_only_when_the_week_lies_in_one_month():
    # Monday 14 November 2022: last week is 7-13 November.
    assert date_of("met last week", dt.date(2022, 11, 14)) == (dt.date(2022, 11, 1), "month")
    # Wednesday 3 August 2022: last week is 25-31 July, still one month.
    assert date_of("met last week", dt.date(2022, 8, 3)) == (dt.date(2022, 7, 1), "month")
    # Monday 6 June 2022: last week is 30 May-5 June, two months: no honest date.
    assert date_of("met last week", dt.date(2022, 6, 6)) == (None, None)


def test_relative_dates_need_a_publication_date():
    assert date_of("в воскресенье встретился", None) == (None, None)
    assert date_of("On October 20 the envoy said", None) == (None, None)


def test_a_date_after_since_or_the_takeover_is_not_the_event_date():
    assert date_of("since 2021 the two sides have met", MONDAY) == (None, None)
    text = "в воскресенье встретился с представителем движения, захватившего власть в августе"
    assert date_of(text, MONDAY) == (dt.date(2021, 9, 26), "day")


def test_numbers_that_look_like_years_are_not_dates():
    assert date_of("передал 2000 тонн муки", MONDAY) == (None, None)


def test_site_furniture_after_the_report_is_dropped():
    text = "\n".join(
        [
            "Посол встретился с министром",
            "Посол Казахстана в воскресенье встретился в Кабуле с министром.",
            "Стороны обсудили торговлю.",
            "Читайте нас в Telegram, Facebook, Instagram.",
            "Присылайте вопросы по номеру +992 93 000 00 00.",
            "Топ полезных блюд для иммунитета",
            "Анонсы событий на 24 ноября 2024 года",
            "Все новости",
            "Авторизуйтесь, пожалуйста",
        ]
    )
    clean = clean_plain_text(text, MONDAY)

    assert clean.title == "Посол встретился с министром"
    assert clean.paragraphs == [
        "Посол Казахстана в воскресенье встретился в Кабуле с министром.",
        "Стороны обсудили торговлю.",
    ]


def test_read_also_inside_a_report_drops_only_that_line():
    text = "Первый абзац отчета.\nЧитайте также: Другая новость\nВторой абзац отчета."

    assert clean_plain_text(text, None).paragraphs == [
        "Первый абзац отчета.",
        "Второй абзац отчета.",
    ]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Посол Казахстана в воскресенье встретился в Кабуле с министром.", "ru"),
        ("Kazakhstan's ambassador met the Taliban's acting foreign minister on Sunday.", "en"),
        ("Қазақстанның Ауғанстандағы елшісі жексенбі күні Кабулда министрмен кездесті.", "kk"),
        ("O‘zbekiston tashqi ishlar vaziri kecha Tolibon vaziri bilan suhbatlashdi.", "uz"),
        ("Акылбек Жапаров бүгүн Афганистандын өкүлүн кабыл алды, тараптар соода боюнча сүйлөштү.",
         "ky"),
        ("Ҳайати Тоҷикистон рӯзи шанбе ба Кобул расид ва бо вазир мулоқот кард.", "tg"),
    ],
)  # fmt: skip
def test_it_tells_the_languages_apart(text, language):
    assert detect_language(text) == language


def test_a_declared_language_wins():
    assert detect_language("Kazakhstan", "ru-RU") == "ru"

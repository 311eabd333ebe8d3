"""Event extraction end to end on short reports of our own, against a small registry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from articles.pipeline import registry as registry_module
from articles.pipeline.extract import Document, extract_document
from tests.factories import (
    ActorFactory,
    AliasFactory,
    CountryFactory,
    PositionFactory,
    TalibanActorFactory,
)

UNIT = Path(__file__).parent / "fixtures" / "extract_unit"
KEYS = {
    "kind", "country", "type", "date", "date_precision", "location", "participants", "topics",
    "dimension", "value", "evidence", "confidence",
}  # fmt: skip


def build_registry() -> registry_module.Registry:
    """Five tracked states, three comparators and a handful of actors with aliases."""
    for code, en, ru in [
        ("KZ", "Kazakhstan", "Казахстан"), ("KG", "Kyrgyzstan", "Киргизия"),
        ("TJ", "Tajikistan", "Таджикистан"), ("TM", "Turkmenistan", "Туркмения"),
        ("UZ", "Uzbekistan", "Узбекистан"),
    ]:  # fmt: skip
        CountryFactory(code=code, name_en=en, name_ru=ru, tracked=True)
    for code, en, ru in [("AF", "Afghanistan", "Афганистан"), ("PK", "Pakistan", "Пакистан"),
                         ("CN", "China", "Китай"), ("QA", "Qatar", "Катар")]:  # fmt: skip
        CountryFactory(code=code, name_en=en, name_ru=ru, tracked=False)
    muttaqi = TalibanActorFactory(slug="amir-khan-muttaqi", name="Amir Khan Muttaqi")
    for alias in ["Амир Хан Муттаки", "Амир Хан Моттаки", "Муттаки", "Muttaqi", "Mottaki"]:
        AliasFactory(actor=muttaqi, name=alias)
    PositionFactory(actor=muttaqi, title="acting Minister of Foreign Affairs", start=None)
    emirate = TalibanActorFactory(
        slug="iea", name="Islamic Emirate of Afghanistan", kind="organisation"
    )
    for alias in ["Taliban", "Талибан", "IEA"]:
        AliasFactory(actor=emirate, name=alias)
    kz = CountryFactory(code="KZ")
    ambassador = ActorFactory(slug="alimkhan-yesengeldiyev", name="Alimkhan Yesengeldiyev",
                              country=kz)  # fmt: skip
    AliasFactory(actor=ambassador, name="Алимхан Есенгельдиев")
    saidov = ActorFactory(slug="bakhtiyor-saidov", name="Bakhtiyor Saidov",
                          country=CountryFactory(code="UZ"))  # fmt: skip
    for alias in ["Бахтиёр Саидов", "Baxtiyor Saidov"]:
        AliasFactory(actor=saidov, name=alias)
    ActorFactory(slug="gaziz-akbasov", name="Gaziz Akbasov", country=kz)  # no alias at all
    registry_module.reset()
    return registry_module.get_registry()


@pytest.fixture
def registry(db):
    built = build_registry()
    yield built
    registry_module.reset()


def extract(registry, text: str, published: dt.date | None, **kwargs):
    return extract_document(Document(text=text, published=published, **kwargs), registry)


def unit(name: str) -> str:
    return (UNIT / name).read_text(encoding="utf-8")


def test_it_reads_a_report_of_the_sample_shape(registry):
    # Monday 15 May 2023: "в воскресенье" is Sunday 14 May.
    result = extract(registry, unit("ru-kz-meeting.txt"), dt.date(2023, 5, 15))

    assert result.relevant and result.language == "ru"
    contacts = [e for e in result.events if e.kind == "contact"]
    assert len(contacts) == 1
    meeting = contacts[0].as_json()
    assert set(meeting) == KEYS
    assert (meeting["country"], meeting["type"]) == ("KZ", "meeting")
    assert (meeting["date"], meeting["date_precision"]) == ("2023-05-14", "day")
    assert meeting["location"] == "Kabul"
    assert {(p["name"], p["side"]) for p in meeting["participants"]} == {
        ("Alimkhan Yesengeldiyev", "KZ"),
        ("Amir Khan Muttaqi", "TALIBAN"),
    }
    assert {"trade", "humanitarian_aid"} <= set(meeting["topics"])
    assert meeting["evidence"].startswith("Посол Казахстана в Афганистане")
    stances = [e.as_json() for e in result.events if e.kind == "stance_change"]
    assert [(s["country"], s["dimension"], s["value"]) for s in stances] == [
        ("TJ", "overall", "-2")
    ]
    # A standing refusal is not dated by the text: never the publication date.
    assert stances[0]["date"] is None


def test_furniture_and_undated_background_produce_no_events(registry):
    result = extract(registry, unit("ru-kz-meeting.txt"), dt.date(2023, 5, 15))

    countries = {e.country for e in result.events}
    # "Ранее … Узбекистан и Туркменистан" has no date; the railway headline is furniture.
    assert countries == {"KZ", "TJ"}
    assert all("Telegram" not in e.evidence and "железной" not in e.evidence for e in result.events)


@pytest.mark.parametrize(
    ("text", "expected_type"),
    [
        ("Uzbek Foreign Minister Bakhtiyor Saidov held a phone call with Taliban Foreign Minister "
         "Amir Khan Muttaqi on Tuesday.", "phone_call"),
        ("A Kazakh government delegation visited Kabul on Tuesday and held talks with Taliban "
         "Foreign Minister Amir Khan Muttaqi.", "visit"),
        ("Uzbekistan and the Taliban signed a memorandum on the Trans-Afghan railway on Tuesday.",
         "agreement"),
        ("Kazakhstan on Tuesday handed over 500 tonnes of humanitarian aid to Taliban officials "
         "in Hairatan.", "aid"),
        ("On Tuesday the Uzbek ambassador presented copies of his credentials to Taliban Foreign "
         "Minister Amir Khan Muttaqi.", "correspondence"),
        ("On the sidelines of the SCO summit on Tuesday, the Kazakh foreign minister met the "
         "Taliban delegation led by Amir Khan Muttaqi.", "conference"),
        ("Посол Казахстана Алимхан Есенгельдиев во вторник встретился с Муттаки в Кабуле.",
         "meeting"),
        ("Таджикские и талибские пограничники во вторник провели церемонию открытия приграничного "
         "рынка в Хороге.", "other"),
    ],
)  # fmt: skip
def test_it_tells_each_contact_type(registry, text, expected_type):
    result = extract(registry, text, dt.date(2024, 6, 13))  # a Thursday

    contacts = [e for e in result.events if e.kind == "contact"]
    assert [c.type for c in contacts] == [expected_type]
    assert contacts[0].date == dt.date(2024, 6, 11)


@pytest.mark.parametrize(
    ("text", "country", "dimension", "value"),
    [
        ("Движение «Талибан» больше не входит в перечень запрещенных в Казахстане организаций, "
         "сообщил в пятницу МИД.", "KZ", "legal_status", "delisted"),
        ("Kyrgyzstan removed the Taliban from its list of banned organizations on Friday, the "
         "foreign ministry said.", "KG", "legal_status", "delisted"),
        ("Движение «Талибан» признано в Казахстане террористическим, заявил в пятницу депутат.",
         "KZ", "legal_status", "banned"),
        ("Uzbekistan does not recognize the Taliban government, the foreign minister said on "
         "Friday.", "UZ", "recognition", "none"),
        ("Turkmenistan on Friday accredited a Taliban-appointed chargé d'affaires in Ashgabat.",
         "TM", "taliban_envoy", "charge_daffaires"),
        ("Kyrgyzstan said on Friday it had raised its diplomatic mission in Kabul to the level "
         "of an embassy, the Taliban welcomed the step.", "KG", "own_mission_in_kabul",
         "upgraded"),
        ("Таджикистан в пятницу вновь отверг возможность контактов с «Талибаном».", "TJ",
         "overall", "-2"),
        ("Tajikistan openly backs the armed resistance to the Taliban, officials said on Friday.",
         "TJ", "overall", "-2"),
    ],
)  # fmt: skip
def test_it_reads_each_stance_signal(registry, text, country, dimension, value):
    result = extract(registry, text, dt.date(2024, 6, 15))  # a Saturday

    stances = [e for e in result.events if e.kind == "stance_change"]
    assert [(s.country, s.dimension, s.value) for s in stances] == [(country, dimension, value)]
    assert stances[0].type is None
    assert stances[0].date == dt.date(2024, 6, 14)


def test_a_look_back_with_a_date_is_dated_as_it_says(registry):
    text = (
        "Ранее, в октябре 2022 года, посол Казахстана Алимхан Есенгельдиев встретился в Кабуле "
        "с Амир Ханом Муттаки."
    )
    result = extract(registry, text, dt.date(2024, 3, 5))

    (event,) = result.events
    assert (event.date, event.date_precision) == (dt.date(2022, 10, 1), "month")


def test_a_look_back_without_a_date_is_left_out(registry):
    text = "Ранее посол Казахстана Алимхан Есенгельдиев встретился в Кабуле с Амир Ханом Муттаки."
    result = extract(registry, text, dt.date(2024, 3, 5))

    assert result.relevant
    assert result.events == []


def test_a_report_without_a_date_word_gets_no_date(registry):
    text = "Посол Казахстана Алимхан Есенгельдиев встретился в Кабуле с Амир Ханом Муттаки."
    result = extract(registry, text, dt.date(2024, 3, 5))

    (event,) = result.events
    assert event.date is None and event.date_precision is None


def test_a_day_without_a_year_takes_the_publication_year(registry):
    text = "15 авг посол Казахстана Алимхан Есенгельдиев встретился в Кабуле с Амир Ханом Муттаки."

    (august,) = extract(registry, text, dt.date(2024, 8, 20)).events
    (december,) = extract(registry, text.replace("авг", "дек"), dt.date(2025, 1, 10)).events

    assert august.date == dt.date(2024, 8, 15)
    assert december.date == dt.date(2024, 12, 15)  # not a date eleven months ahead


def test_it_matches_aliases_inflections_and_spelling_variants(registry):
    text = (
        "Глава МИД талибов Амир Ханом Моттаки в среду принял в Кабуле министра иностранных дел "
        "Узбекистана Бахтиёра Саидова. "
        "Uzbek Foreign Minister Bakhtiyor Saidov met Amir Khan Muttaki in Kabul on Wednesday."
    )
    ru = extract(registry, text.split(". ")[0] + ".", dt.date(2024, 6, 13))
    en = extract(registry, text.split(". ")[1], dt.date(2024, 6, 13), language="en")

    for result in (ru, en):
        (event,) = result.events
        assert {p["name"] for p in event.participants} == {"Amir Khan Muttaqi", "Bakhtiyor Saidov"}


def test_it_proposes_unknown_people_with_their_side(registry):
    ru = extract(
        registry,
        "Заместитель министра иностранных дел Туркмении Вепа Гаджиев во вторник встретился в "
        "Ашхабаде с Амир Ханом Муттаки.",
        dt.date(2024, 6, 13),
    )
    en = extract(
        registry,
        "The Taliban's acting Deputy Prime Minister Abdul Salam Hanafi met Uzbek Prime Minister "
        "Abdulla Aripov in Tashkent on Tuesday.",
        dt.date(2024, 6, 13),
    )

    (ru_event,) = ru.events
    assert {"name": "Вепа Гаджиев", "side": "TM", "role": "deputy foreign minister"} in (
        ru_event.participants
    )
    (en_event,) = en.events
    sides = {p["name"]: p["side"] for p in en_event.participants}
    assert sides == {"Abdul Salam Hanafi": "TALIBAN", "Abdulla Aripov": "UZ"}
    assert en_event.type == "visit"  # a Taliban minister's talks in Tashkent


def test_a_known_person_without_a_russian_alias_is_found_by_transliteration(registry):
    text = (
        "Вчера в Хайратоне временный поверенный в делах Казахстана Газиз Акбасов передал "
        "представителям талибов 200 тонн гуманитарной помощи."
    )
    (event,) = extract(registry, text, dt.date(2025, 4, 18)).events

    assert event.type == "aid"
    assert event.participants[0]["name"] == "Gaziz Akbasov"


def test_taliban_and_pakistan_only_is_not_relevant(registry):
    result = extract(registry, unit("ru-pakistan-only.txt"), dt.date(2025, 10, 12))

    assert not result.relevant
    assert result.events == []


def test_central_asia_and_china_only_is_not_relevant(registry):
    result = extract(registry, unit("en-china-only.txt"), dt.date(2025, 6, 17))

    assert not result.relevant


@pytest.mark.parametrize(
    ("name", "published", "language", "country", "contact_type", "date"),
    [
        ("kk-kz-meeting.txt", dt.date(2021, 9, 27), "kk", "KZ", "meeting", dt.date(2021, 9, 26)),
        ("uz-phone.txt", dt.date(2025, 11, 3), "uz", "UZ", "phone_call", dt.date(2025, 11, 2)),
    ],
)
def test_it_reads_the_cheap_parts_of_kazakh_and_uzbek(
    registry, name, published, language, country, contact_type, date
):
    result = extract(registry, unit(name), published)

    assert result.language == language
    (event,) = result.events
    assert (event.country, event.type, event.date) == (country, contact_type, date)


def test_it_reads_html_through_the_page_parser(registry):
    html = (UNIT / "ru-tm-envoy.html").read_text(encoding="utf-8")
    result = extract_document(Document(html=html, url="https://example.org/a"), registry)

    assert result.published == dt.date(2022, 3, 18)
    envoy = [e for e in result.events if e.dimension == "taliban_envoy"]
    assert [(e.country, e.value, e.date) for e in envoy] == [
        ("TM", "staff_accepted", dt.date(2022, 3, 17))
    ]
    assert all(e.kind == "stance_change" for e in result.events)


def test_the_month_may_is_not_taken_for_a_hedge_and_quantities_may_carry_separators(registry):
    text = (
        "Kazakhstan on 3 May 2024 handed over 5,000 tonnes of flour to Taliban officials in "
        "Hairatan, the Kazakh embassy in Kabul said."
    )
    result = extract(registry, text, dt.date(2024, 5, 6))
    assert [(e.country, e.type, e.date) for e in result.events] == [
        ("KZ", "aid", dt.date(2024, 5, 3))
    ]
    hedged = extract(registry, "Kazakhstan may send aid to the Taliban next month.", None)
    assert hedged.events == []

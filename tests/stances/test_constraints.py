"""The database itself refuses invalid rows, whatever code writes them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from articles.models import Article, Citation
from stances.models import Actor, Country, StanceChange
from tests.factories import (
    ActorFactory,
    AliasFactory,
    ArticleFactory,
    ContactFactory,
    ParticipantFactory,
    PositionFactory,
    StanceChangeFactory,
)

pytestmark = pytest.mark.django_db


def refused(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_it_rejects_a_position_that_ends_before_it_starts(kz):
    actor = ActorFactory(country=kz)
    refused(
        lambda: PositionFactory(actor=actor, start=dt.date(2022, 5, 1), end=dt.date(2022, 4, 30))
    )
    PositionFactory(actor=actor, start=dt.date(2022, 5, 1), end=dt.date(2022, 5, 1))


def test_it_rejects_unknown_precision_type_direction_and_level_codes(kz):
    refused(lambda: ContactFactory(country=kz, date_precision="week"))
    refused(lambda: ContactFactory(country=kz, type="summit"))
    refused(lambda: ContactFactory(country=kz, direction="sideways"))
    refused(lambda: ContactFactory(country=kz, level_country="king"))
    refused(lambda: ContactFactory(country=kz, level_taliban="emir"))
    refused(lambda: ContactFactory(country=kz, verification="rumoured"))
    refused(lambda: ContactFactory(country=kz, status="hidden"))
    refused(lambda: PositionFactory(actor=ActorFactory(country=kz), level="viceroy"))
    refused(lambda: ParticipantFactory(contact=ContactFactory(country=kz), side="neutral"))


def test_it_accepts_every_valid_level_and_an_unknown_level(kz):
    ContactFactory(country=kz, level_country="", level_taliban="")
    for level in ("head_of_state", "special_envoy", "official"):
        ContactFactory(country=kz, level_country=level, level_taliban=level)


def test_it_rejects_a_stance_value_from_another_dimension(kz):
    refused(lambda: StanceChangeFactory(country=kz, dimension="overall", value="banned"))
    refused(lambda: StanceChangeFactory(country=kz, dimension="recognition", value="+2"))
    refused(lambda: StanceChangeFactory(country=kz, dimension="mood", value="0"))
    StanceChangeFactory(country=kz, dimension="legal_status", value="delisted")
    StanceChangeFactory(country=kz, dimension="overall", value="+3")
    assert StanceChange.objects.count() == 2


def test_it_rejects_two_articles_with_the_same_canonical_url():
    ArticleFactory(url="https://kun.uz/news/1", canonical_url="https://kun.uz/news/1")
    refused(
        lambda: ArticleFactory(url="https://kun.uz/news/1?x", canonical_url="https://kun.uz/news/1")
    )
    assert Article.objects.count() == 1


def test_a_citation_supports_exactly_one_record(kz):
    article = ArticleFactory()
    contact = ContactFactory(country=kz)
    change = StanceChangeFactory(country=kz)
    refused(lambda: Citation.objects.create(article=article))
    refused(lambda: Citation.objects.create(article=article, contact=contact, stance_change=change))
    Citation.objects.create(article=article, contact=contact)
    Citation.objects.create(article=article, stance_change=change)
    refused(lambda: Citation.objects.create(article=article, contact=contact))


def test_an_actor_is_on_one_side_only(kz):
    refused(lambda: Actor.objects.create(slug="both", name="Both", country=kz, taliban=True))


def test_an_alias_is_unique_per_actor_in_its_folded_form(kz):
    actor = ActorFactory(country=kz)
    AliasFactory(actor=actor, name="Муттаки")
    refused(lambda: AliasFactory(actor=actor, name="муттаки"))
    AliasFactory(actor=ActorFactory(country=kz), name="Муттаки")


def test_a_country_code_is_two_upper_case_letters():
    refused(lambda: Country.objects.create(code="kz", name_en="x", name_ru="x"))
    refused(lambda: Country.objects.create(code="K", name_en="x", name_ru="x"))
    Country.objects.create(code="RU", name_en="Russia", name_ru="Россия")

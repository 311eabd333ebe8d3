"""Factories for object graphs in tests (factory-boy)."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth.models import Group, User

from articles.models import Article, Citation, Outlet, Suggestion
from stances.models import (
    Actor,
    ActorAlias,
    Contact,
    Country,
    Participant,
    Position,
    StanceChange,
)
from stances.names import normalize_name


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = "KZ"
    name_en = "Kazakhstan"
    name_ru = "Казахстан"
    tracked = True


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    slug = factory.Sequence(lambda n: f"actor-{n}")
    name = factory.Sequence(lambda n: f"Actor {n}")
    country = factory.SubFactory(CountryFactory)
    taliban = False


class TalibanActorFactory(ActorFactory):
    country = None
    taliban = True


class AliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActorAlias

    actor = factory.SubFactory(ActorFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")
    language = "en"
    normalized = factory.LazyAttribute(lambda alias: normalize_name(alias.name))


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    actor = factory.SubFactory(ActorFactory)
    title = "Minister of Foreign Affairs"
    level = "minister"
    start = dt.date(2020, 1, 1)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    country = factory.SubFactory(CountryFactory)
    date = dt.date(2023, 5, 10)
    type = "meeting"
    direction = "to_afghanistan"
    location_city = "Kabul"
    level_country = "minister"
    level_taliban = "minister"
    summary = factory.Sequence(lambda n: f"Contact number {n}.")
    verification = "reported"
    status = "published"


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    contact = factory.SubFactory(ContactFactory)
    actor = factory.SubFactory(ActorFactory)
    side = "country"
    role = "Minister"


class StanceChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StanceChange

    country = factory.SubFactory(CountryFactory)
    dimension = "overall"
    value = "0"
    date = dt.date(2022, 1, 1)
    summary = factory.Sequence(lambda n: f"Stance change number {n}.")
    status = "published"


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet
        django_get_or_create = ("domain",)

    name = "Asia-Plus"
    domain = "asiaplustj.info"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    url = factory.Sequence(lambda n: f"https://asiaplustj.info/news/{n}")
    canonical_url = factory.LazyAttribute(lambda article: article.url)
    outlet = factory.SubFactory(OutletFactory)
    title = factory.Sequence(lambda n: f"Report {n}")
    language = "ru"
    published_date = dt.date(2023, 5, 11)


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    article = factory.SubFactory(ArticleFactory)
    contact = factory.SubFactory(ContactFactory)
    stance_change = None
    quote = ""


def person(username: str, *groups: str) -> User:
    """A user in the named groups ("editors", "admins"); none makes a logged-in analyst."""
    user = User.objects.create_user(username, password="unused-in-tests")
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suggestion

    article = factory.SubFactory(
        ArticleFactory,
        text="Вступление. Посол Казахстана встретился в Кабуле с Амир Ханом Муттаки. Конец.",
    )
    fingerprint = factory.Sequence(lambda n: f"{n:064x}")
    kind = "contact"
    country = factory.SubFactory(CountryFactory)
    contact_type = "meeting"
    date = dt.date(2021, 9, 26)
    date_precision = "day"
    location = "Kabul"
    participants = factory.LazyFunction(list)
    topics = factory.LazyFunction(lambda: ["trade"])
    evidence = "Посол Казахстана встретился в Кабуле с Амир Ханом Муттаки."
    confidence = 0.9

"""The real demo dataset loads, is complete by the issue's measure, and loads idempotently."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from articles.models import Article, Citation, Outlet
from stances import selectors
from stances.models import Actor, ActorAlias, Contact, Country, Participant, Position, StanceChange
from stances.names import normalize_name

pytestmark = pytest.mark.django_db

MODELS = [
    Country,
    Actor,
    ActorAlias,
    Position,
    Contact,
    Participant,
    StanceChange,
    Outlet,
    Article,
    Citation,
]


def row_counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in MODELS}
    counts["history"] = sum(model.history.count() for model in MODELS)
    counts["topic links"] = Contact.topics.through.objects.count()
    return counts


@pytest.fixture(scope="module")
def demo_rows(django_db_setup, django_db_blocker):
    """The demo data, loaded once for this module (a load takes seconds on PostgreSQL); each
    test still runs in its own transaction, rolled back, so what a test changes is undone."""
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0)
    yield
    with django_db_blocker.unblock():
        Contact.topics.through.objects.all().delete()
        for model in reversed(MODELS):
            model.objects.all().delete()
        # After the rows: deleting them writes "deleted" history records.
        for model in MODELS:
            model.history.all().delete()


@pytest.fixture
def demo(demo_rows, db):
    return None


def test_loading_twice_gives_the_same_rows_and_no_new_history(demo, capsys):
    first = row_counts()
    call_command("load_demo")
    assert row_counts() == first
    assert "nothing changed" in capsys.readouterr().out


def test_every_tracked_state_is_there_with_its_contacts_and_stance_changes(demo):
    tracked = set(Country.objects.filter(tracked=True).values_list("code", flat=True))
    assert tracked == {"KZ", "KG", "TJ", "TM", "UZ"}
    for code in tracked:
        assert Contact.objects.published().filter(country=code).exists(), code
        assert StanceChange.objects.published().filter(country=code).exists(), code
    assert Contact.objects.count() >= 64
    assert StanceChange.objects.count() >= 35
    first, last = Contact.objects.order_by("date").first(), Contact.objects.order_by("date").last()
    assert first.date.year == 2021
    assert last.date.year >= 2025


def test_every_record_cites_a_real_article_with_its_outlet(demo):
    assert not Contact.objects.filter(citations__isnull=True).exists()
    assert not StanceChange.objects.filter(citations__isnull=True).exists()
    assert not Article.objects.filter(outlet__isnull=True).exists()
    for url in Article.objects.values_list("canonical_url", flat=True):
        assert url.startswith(("https://", "http://")), url
    assert Article.objects.exclude(published_date=None).count() > Article.objects.count() / 2


def test_every_tracked_state_has_an_overall_stance_today(demo):
    countries = list(Country.objects.filter(tracked=True))
    stances = selectors.stances_as_of(countries, dt.date.today())
    for country in countries:
        assert stances[country.code]["overall"] is not None, country.code
        assert stances[country.code]["recognition"] is not None, country.code


def test_the_arcs_of_the_research_read_back_from_the_data(demo):
    """Spot checks from the research notes: Tajikistan hostile in 2021, Kazakhstan delisted the
    Taliban on 29 Dec 2023, Turkmenistan accepted the first Taliban envoy in March 2022."""
    kz, tj, tm = (Country.objects.get(code=c) for c in ("KZ", "TJ", "TM"))
    assert selectors.stance_as_of(tj, dt.date(2021, 10, 1))["overall"].value == "-2"
    assert selectors.stance_as_of(kz, dt.date(2023, 12, 28))["legal_status"].value == "banned"
    assert selectors.stance_as_of(kz, dt.date(2023, 12, 29))["legal_status"].value == "delisted"
    assert selectors.stance_as_of(tm, dt.date(2022, 3, 16))["taliban_envoy"] is None
    assert selectors.stance_as_of(tm, dt.date(2022, 3, 17))["taliban_envoy"] is not None


def test_muttaqi_is_found_by_his_spellings_in_several_scripts(demo):
    for spelling in ("Muttaqi", "Mottaki", "Муттаки", "Амир Хан Муттаки"):
        matches = Actor.objects.filter(aliases__normalized=normalize_name(spelling)).distinct()
        assert [a.slug for a in matches] == ["amir-khan-muttaqi"], spelling
    muttaqi = Actor.objects.get(slug="amir-khan-muttaqi")
    assert muttaqi.taliban
    assert muttaqi.position_on(dt.date(2022, 1, 1)).level == "minister"


def test_disagreements_between_sources_are_kept_as_disputed_records(demo):
    disputed = list(Contact.objects.filter(verification="disputed")) + list(
        StanceChange.objects.filter(verification="disputed")
    )
    assert disputed
    assert all(record.notes for record in disputed)

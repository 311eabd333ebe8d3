"""Synthetic benchmark data: realistic in shape, marked, removable, reproducible."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from articles.models import Article, Citation, Outlet
from stances.models import Actor, ActorAlias, Contact, Country, Participant, Position, StanceChange
from stances.vocabulary import Dimension, Precision, Side, Status
from tests.factories import (
    ActorFactory,
    CitationFactory,
    ContactFactory,
    ParticipantFactory,
    StanceChangeFactory,
    TalibanActorFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [
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
    counts["topic links"] = Contact.topics.through.objects.count()
    counts["history"] = sum(model.history.count() for model in MODELS)
    return counts


def snapshot() -> list[tuple]:
    """What a reader sees of the synthetic data, independent of database ids."""
    contacts = (
        Contact.objects.filter(key__startswith="synthetic-")
        .prefetch_related("topics", "participants__actor", "citations__article")
        .order_by("key")
    )
    rows: list[tuple] = [
        (
            c.key,
            c.country_id,
            c.date,
            c.date_precision,
            c.type,
            c.direction,
            c.location,
            c.level_country,
            c.level_taliban,
            c.summary,
            c.verification,
            c.status,
            sorted(t.code for t in c.topics.all()),
            [(p.actor.slug, p.side, p.role) for p in c.participants.all()],
            [(x.article.url, x.quote) for x in c.citations.all()],
        )
        for c in contacts
    ]
    rows += (
        StanceChange.objects.filter(key__startswith="synthetic-")
        .order_by("key")
        .values_list("key", "country", "date", "dimension", "value", "status")
    )
    return rows


def seed(contacts: int = 50, seed: int = 1) -> None:
    call_command("seed_synthetic", contacts=contacts, seed=seed, verbosity=0)


def test_seeding_writes_the_contacts_asked_for_with_their_evidence(capsys):
    call_command("seed_synthetic", contacts=50)
    assert Contact.objects.count() == 50
    assert StanceChange.objects.count() > 0
    assert Citation.objects.count() == Article.objects.count() >= 50
    assert Participant.objects.count() >= 100
    output = capsys.readouterr().out
    assert "50 contacts" in output and "Synthetic data written" in output


def test_the_five_states_are_created_as_tracked_and_all_get_contacts():
    seed()
    tracked = set(Country.objects.filter(tracked=True).values_list("code", flat=True))
    assert tracked == {"KZ", "KG", "TJ", "TM", "UZ"}
    per_country = dict(Contact.objects.values_list("country").annotate(n=Count("id")))
    assert set(per_country) == tracked
    assert all(n == 10 for n in per_country.values())
    assert not Country.objects.get(code="AF").tracked


def test_every_contact_has_participants_on_both_sides_and_a_citation():
    seed()
    contacts = Contact.objects.annotate(
        ours=Count("participants", filter=Q(participants__side=Side.COUNTRY), distinct=True),
        theirs=Count("participants", filter=Q(participants__side=Side.TALIBAN), distinct=True),
        sources=Count("citations", distinct=True),
    )
    for contact in contacts:
        assert contact.ours >= 1 and contact.theirs >= 1, contact.key
        assert 2 <= contact.ours + contact.theirs <= 5, contact.key
        assert 1 <= contact.sources <= 3, contact.key
    assert not StanceChange.objects.filter(citations__isnull=True).exists()


def test_the_levels_of_a_contact_are_those_of_its_participants_on_its_date():
    seed()
    contacts = Contact.objects.prefetch_related("participants__actor__positions")
    for contact in contacts:
        assert contact.derived_levels() == {
            Side.COUNTRY: contact.level_country,
            Side.TALIBAN: contact.level_taliban,
        }, contact.key


def test_everything_written_is_marked_synthetic():
    seed()
    assert not Contact.objects.exclude(key__startswith="synthetic-").exists()
    assert not Contact.objects.exclude(summary__startswith="[synthetic]").exists()
    assert not StanceChange.objects.exclude(key__startswith="synthetic-").exists()
    assert not StanceChange.objects.exclude(summary__startswith="[synthetic]").exists()
    assert not Actor.objects.exclude(slug__startswith="synthetic-").exists()
    assert not Outlet.objects.exclude(domain__endswith=".synthetic.invalid").exists()
    assert all(
        url.startswith("https://") and url.split("/")[2].endswith(".synthetic.invalid")
        for url in Article.objects.values_list("url", flat=True)
    )


def test_dates_span_the_period_with_their_precision_and_most_records_are_published():
    seed(contacts=200)
    dates = Contact.objects.values_list("date", "date_precision")
    assert min(d for d, _p in dates) >= dt.date(2021, 8, 1)
    assert max(d for d, _p in dates) <= dt.date(2026, 2, 28)
    assert {p for _d, p in dates} == set(Precision.values)
    assert all(d.day == 1 for d, p in dates if p == Precision.MONTH)
    assert all((d.month, d.day) == (1, 1) for d, p in dates if p == Precision.YEAR)
    assert len({c for c in Contact.objects.values_list("type", flat=True)}) == 8
    drafts = Contact.objects.filter(status=Status.DRAFT).count()
    assert 0 < drafts < 40


def test_every_tracked_state_has_a_published_value_on_every_dimension():
    seed()
    for code in ("KZ", "KG", "TJ", "TM", "UZ"):
        changes = StanceChange.objects.published().filter(country=code)
        assert set(changes.values_list("dimension", flat=True)) == set(Dimension.values), code
        years = {d.year for d in changes.values_list("date", flat=True)}
        assert years >= {2021, 2022, 2023, 2024, 2025}, code


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    seed(seed=7)
    first = snapshot()
    call_command("seed_synthetic", purge=True, contacts=50, seed=7, verbosity=0)
    assert snapshot() == first
    call_command("seed_synthetic", purge=True, contacts=50, seed=8, verbosity=0)
    assert snapshot() != first


def test_purge_removes_exactly_the_synthetic_rows_and_leaves_real_records(kz, capsys):
    real = ContactFactory(country=kz, key="kz-2023-real")
    ParticipantFactory(contact=real, actor=ActorFactory(country=kz))
    ParticipantFactory(contact=real, actor=TalibanActorFactory(), side="taliban")
    CitationFactory(contact=real)
    real_change = StanceChangeFactory(country=kz)
    CitationFactory(contact=None, stance_change=real_change)
    before = row_counts()

    seed()
    assert Contact.objects.count() == 51
    call_command("seed_synthetic", purge=True)

    assert row_counts() == before
    assert Contact.objects.get() == real
    assert real.participants.count() == 2 and real.citations.count() == 1
    assert "deleted:" in capsys.readouterr().out


def test_purge_also_removes_the_history_of_edited_synthetic_records():
    edited = [Contact, Participant, Citation, Article, Actor]
    before = {model.__name__: model.history.count() for model in edited}
    seed()
    contact = Contact.objects.order_by("key").first()
    contact.notes = "Checked by an editor."
    contact.save()
    for row in (contact.participants.first(), contact.citations.first(), Article.objects.first()):
        row.save()
    actor = Actor.objects.first()
    actor.notes = "Edited."
    actor.save()
    assert {m.__name__: m.history.count() - before[m.__name__] for m in edited} == dict.fromkeys(
        before, 1
    )
    call_command("seed_synthetic", purge=True, verbosity=0)
    assert {model.__name__: model.history.count() for model in edited} == before


def test_it_refuses_to_seed_on_top_of_synthetic_data():
    seed()
    with pytest.raises(CommandError, match="purge it first"):
        seed()
    assert Contact.objects.count() == 50


def test_purge_refuses_and_deletes_nothing_when_a_real_record_uses_a_synthetic_actor(kz):
    seed()
    synthetic_actor = Actor.objects.filter(country=kz).first()
    ParticipantFactory(contact=ContactFactory(country=kz), actor=synthetic_actor)
    counts = row_counts()
    with pytest.raises(CommandError, match="Real records"):
        call_command("seed_synthetic", purge=True)
    assert row_counts() == counts


def test_it_asks_for_contacts_or_purge():
    with pytest.raises(CommandError, match="--contacts"):
        call_command("seed_synthetic")

"""Stances as of a date and derived indicators, checked on both sides of every change."""

from __future__ import annotations

import datetime as dt

import pytest

from stances import selectors
from tests.factories import (
    ContactFactory,
    PositionFactory,
    StanceChangeFactory,
    TalibanActorFactory,
)

pytestmark = pytest.mark.django_db

D = dt.date


def test_a_dimension_is_unknown_before_its_first_change(kz):
    StanceChangeFactory(country=kz, dimension="legal_status", value="banned", date=D(2005, 1, 1))
    stances = selectors.stance_as_of(kz, D(2004, 12, 31))
    assert stances["legal_status"] is None
    assert set(stances) == {
        "recognition",
        "legal_status",
        "taliban_envoy",
        "own_mission_in_kabul",
        "overall",
    }


def test_a_dimension_takes_the_value_of_the_latest_change_on_or_before_the_date(kz):
    banned = StanceChangeFactory(
        country=kz,
        dimension="legal_status",
        value="banned",
        date=D(2005, 1, 1),
        date_precision="year",
    )
    delisted = StanceChangeFactory(
        country=kz, dimension="legal_status", value="delisted", date=D(2023, 12, 29)
    )
    day_before = selectors.stance_as_of(kz, D(2023, 12, 28))["legal_status"]
    assert (day_before.value, day_before.change_id, day_before.since) == (
        "banned",
        banned.pk,
        "2005",
    )
    on_the_day = selectors.stance_as_of(kz, D(2023, 12, 29))["legal_status"]
    assert (on_the_day.value, on_the_day.change_id) == ("delisted", delisted.pk)
    assert on_the_day.label == "delisted"
    assert on_the_day.since == "29 Dec 2023"


def test_drafts_and_other_countries_do_not_count(kz, tj):
    StanceChangeFactory(country=kz, value="+1", date=D(2022, 1, 1))
    StanceChangeFactory(country=kz, value="+2", date=D(2023, 1, 1), status="draft")
    StanceChangeFactory(country=tj, value="-2", date=D(2022, 6, 1))
    both = selectors.stances_as_of([kz, tj], D(2024, 1, 1))
    assert both["KZ"]["overall"].value == "+1"
    assert both["TJ"]["overall"].value == "-2"


def test_a_restated_value_keeps_the_date_it_took_effect(kz):
    StanceChangeFactory(country=kz, value="0", date=D(2021, 8, 20))
    took_effect = StanceChangeFactory(country=kz, value="+2", date=D(2023, 12, 29))
    restated = StanceChangeFactory(country=kz, value="+2", date=D(2024, 6, 3))
    value = selectors.stance_as_of(kz, D(2025, 1, 1))["overall"]
    assert (value.value, value.change, value.latest) == ("+2", took_effect, restated)
    assert value.since == "29 Dec 2023"
    assert value.restated
    before_restating = selectors.stance_as_of(kz, D(2024, 1, 1))["overall"]
    assert before_restating.change == before_restating.latest == took_effect
    assert not before_restating.restated
    back_to_zero = StanceChangeFactory(country=kz, value="0", date=D(2025, 2, 1))
    assert selectors.stance_as_of(kz, D(2025, 3, 1))["overall"].change == back_to_zero


def test_two_changes_on_one_day_resolve_to_the_later_entered(kz):
    StanceChangeFactory(country=kz, value="0", date=D(2022, 1, 1))
    later = StanceChangeFactory(country=kz, value="+1", date=D(2022, 1, 1))
    assert selectors.stance_as_of(kz, D(2022, 1, 1))["overall"].change_id == later.pk


def test_stances_for_many_countries_take_one_query(kz, tj, django_assert_num_queries):
    for day in range(1, 20):
        StanceChangeFactory(country=kz, value="+1", date=D(2022, 1, day))
        StanceChangeFactory(country=tj, value="-1", date=D(2022, 1, day))
    with django_assert_num_queries(1):
        selectors.stances_as_of([kz, tj], D(2023, 1, 1))


def test_indicators_count_contacts_before_the_date_only(kz):
    ContactFactory(country=kz, date=D(2022, 6, 1), level_country="ambassador")
    ContactFactory(country=kz, date=D(2023, 3, 1), type="agreement", level_country="minister")
    ContactFactory(country=kz, date=D(2023, 9, 1), level_country="minister")
    ContactFactory(country=kz, date=D(2024, 8, 1), level_country="head_of_government")
    ContactFactory(country=kz, date=D(2024, 9, 1), status="draft", level_country="head_of_state")

    before = selectors.indicators_as_of([kz], D(2023, 8, 31))["KZ"]
    assert before.contacts_to_date == 2
    assert before.agreements_to_date == 1
    assert before.contacts_last_12_months == 1  # 2022-06-01 is more than 12 months before
    assert before.highest_level == "minister"
    assert before.highest_level_date == D(2023, 3, 1)  # first reached, not last
    assert before.last_contact.date == D(2023, 3, 1)

    after = selectors.indicators_as_of([kz], D(2024, 8, 1))["KZ"]
    assert after.contacts_to_date == 4
    assert after.contacts_last_12_months == 2  # 2023-09-01 and 2024-08-01
    assert after.highest_level == "head_of_government"
    assert after.highest_level_contact.date == D(2024, 8, 1)
    assert after.agreements_to_date == 1
    assert after.last_contact.date == D(2024, 8, 1)  # the draft of 2024-09-01 does not count


def test_indicators_are_empty_for_a_country_without_contacts(kz):
    indicators = selectors.indicators_as_of([kz], D(2025, 1, 1))["KZ"]
    assert indicators.contacts_to_date == 0
    assert indicators.highest_level_contact is None
    assert indicators.top_topics == []


def test_top_topics_rank_by_frequency_then_name(kz):
    first = ContactFactory(country=kz, date=D(2022, 1, 1))
    first.topics.set(["trade", "railway"])
    second = ContactFactory(country=kz, date=D(2022, 2, 1))
    second.topics.set(["railway", "security"])
    later = ContactFactory(country=kz, date=D(2025, 1, 1))
    later.topics.set(["water"])
    indicators = selectors.indicators_as_of([kz], D(2024, 1, 1))["KZ"]
    assert indicators.top_topics == [("railway", 2), ("security", 1), ("trade", 1)]


def test_indicators_take_a_fixed_number_of_queries(kz, tj, django_assert_num_queries):
    def make(n: int) -> None:
        for i in range(n):
            ContactFactory(country=kz, date=D(2022, 1, 1) + dt.timedelta(days=i))
            ContactFactory(country=tj, date=D(2022, 1, 1) + dt.timedelta(days=i))

    make(2)
    with django_assert_num_queries(4):
        selectors.indicators_as_of([kz, tj], D(2024, 1, 1))
    make(30)
    with django_assert_num_queries(4):
        selectors.indicators_as_of([kz, tj], D(2024, 1, 1))


def test_a_role_is_read_at_the_date_of_the_contact(kz):
    actor = TalibanActorFactory(slug="badri", name="Hedayatullah Badri")
    PositionFactory(
        actor=actor,
        title="acting Minister of Finance",
        level="minister",
        start=D(2021, 9, 7),
        end=D(2023, 6, 30),
    )
    PositionFactory(
        actor=actor,
        title="acting Minister of Mines and Petroleum",
        level="minister",
        start=D(2023, 7, 1),
    )
    assert actor.position_on(D(2022, 1, 1)).title == "acting Minister of Finance"
    assert actor.position_on(D(2024, 1, 1)).title == "acting Minister of Mines and Petroleum"
    assert actor.position_on(D(2021, 1, 1)) is None

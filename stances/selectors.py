"""Reads that build pages: stances as of a date, derived indicators, country lists.

Each function runs a fixed number of queries whatever the number of rows or countries, so a page
that calls it keeps a fixed query budget (the tests pin the counts).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.db.models import Count, Max, Min, Q
from rapidfuzz import fuzz

from .models import ActorAlias, Contact, Country, StanceChange
from .names import normalize_name
from .vocabulary import LEVEL_RANK, ContactType, Dimension

TWELVE_MONTHS = dt.timedelta(days=365)


@dataclass(frozen=True)
class StanceValue:
    """A dimension's value for one country on a date.

    `change` is the record that set the value (the first of the latest run of records with this
    value) and `since` the date it took effect; `latest` is the newest record on or before the
    date, which may restate the same value.
    """

    dimension: str
    value: str
    label: str
    change: StanceChange
    latest: StanceChange

    @property
    def date(self) -> dt.date:
        return self.change.date

    @property
    def since(self) -> str:
        return self.change.display_date

    @property
    def change_id(self) -> int:
        return self.change.pk

    @property
    def restated(self) -> bool:
        return self.latest.pk != self.change.pk


@dataclass
class Indicators:
    """What is derived from a country's published contacts up to a date (never typed in)."""

    highest_level: str = ""
    highest_level_date: dt.date | None = None
    highest_level_contact: Contact | None = None
    contacts_last_12_months: int = 0
    contacts_to_date: int = 0
    agreements_to_date: int = 0
    last_contact: Contact | None = None
    top_topics: list[tuple[str, int]] = field(default_factory=list)

    @property
    def highest_level_rank(self) -> int:
        return LEVEL_RANK.get(self.highest_level, 0)


def tracked_countries() -> list[Country]:
    return list(Country.objects.filter(tracked=True).order_by("name_en"))


def stances_as_of(
    countries: Iterable[Country], date: dt.date
) -> dict[str, dict[str, StanceValue | None]]:
    """Each country's value on every dimension on `date`: that of the latest published stance
    change dated on or before it (ties on the same date: the later-entered record wins), with
    the date that value took effect (restatements of an unchanged value do not move it).

    One query for all countries: the rows up to `date` are few per country (a handful per
    dimension over years), streamed newest first per dimension.
    """
    codes = [country.code for country in countries]
    result: dict[str, dict[str, StanceValue | None]] = {
        code: dict.fromkeys(Dimension.values) for code in codes
    }
    settled: set[tuple[str, str]] = set()
    changes = (
        StanceChange.objects.published()
        .filter(country__in=codes, date__lte=date)
        .order_by("country", "dimension", "-date", "-id")
    )
    for change in changes:
        key = (change.country_id, change.dimension)
        if key in settled:
            continue
        per_country = result[change.country_id]
        current = per_country[change.dimension]
        if current is None:
            per_country[change.dimension] = StanceValue(
                dimension=change.dimension,
                value=change.value,
                label=change.value_label,
                change=change,
                latest=change,
            )
        elif change.value == current.value:
            # An earlier record with the same value: the value took effect then.
            per_country[change.dimension] = replace(current, change=change)
        else:
            settled.add(key)
    return result


def stance_as_of(country: Country, date: dt.date) -> dict[str, StanceValue | None]:
    return stances_as_of([country], date)[country.code]


def indicators_as_of(countries: Iterable[Country], date: dt.date) -> dict[str, Indicators]:
    """Derived indicators per country from published contacts dated on or before `date`.

    Four queries whatever the data size: counts and last dates, the highest level reached
    (grouped), the contacts that first reached it or came last, and topic frequencies.
    """
    codes = [country.code for country in countries]
    result = {code: Indicators() for code in codes}
    contacts = Contact.objects.published().filter(country__in=codes, date__lte=date)

    counts = list(
        contacts.values("country").annotate(
            total=Count("id"),
            recent=Count("id", filter=Q(date__gt=date - TWELVE_MONTHS)),
            agreements=Count("id", filter=Q(type=ContactType.AGREEMENT)),
            last=Max("date"),
        )
    )
    for row in counts:
        indicators = result[row["country"]]
        indicators.contacts_to_date = row["total"]
        indicators.contacts_last_12_months = row["recent"]
        indicators.agreements_to_date = row["agreements"]

    # The highest level on the tracked country's side, and the first date it was reached.
    best: dict[str, tuple[int, str, dt.date]] = {}
    levels = (
        contacts.exclude(level_country="")
        .values("country", "level_country")
        .annotate(first=Min("date"))
    )
    for row in levels:
        rank = LEVEL_RANK[row["level_country"]]
        current = best.get(row["country"])
        if current is None or (rank, -row["first"].toordinal()) > (
            current[0],
            -current[2].toordinal(),
        ):
            best[row["country"]] = (rank, row["level_country"], row["first"])
    # One query for the records behind two indicators: the contact that first reached the
    # highest level, and the latest contact (shown with its own precision).
    wanted = Q(pk__in=[])
    for code, (_rank, level, first) in best.items():
        wanted |= Q(country=code, level_country=level, date=first)
    for row in counts:
        wanted |= Q(country=row["country"], date=row["last"])
    if best or counts:
        for contact in contacts.filter(wanted).order_by("date", "id"):
            indicators = result[contact.country_id]
            rank_level_first = best.get(contact.country_id)
            if (
                indicators.highest_level_contact is None
                and rank_level_first is not None
                and (contact.level_country, contact.date) == rank_level_first[1:]
            ):
                indicators.highest_level = contact.level_country
                indicators.highest_level_date = contact.date
                indicators.highest_level_contact = contact
            # Ordered by date then id: the last one seen is the latest contact.
            indicators.last_contact = contact
    topic_counts: dict[str, Counter[str]] = defaultdict(Counter)
    topics = (
        Contact.topics.through.objects.filter(contact__in=contacts)
        .values("contact__country", "topic")
        .annotate(n=Count("id"))
    )
    for row in topics:
        topic_counts[row["contact__country"]][row["topic"]] = row["n"]
    for code, counter in topic_counts.items():
        result[code].top_topics = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    return result


def actor_suggestions(query: str, limit: int = 10) -> list[dict[str, object]]:
    """Actors whose canonical name or any alias matches `query`, best first (one query).

    Aliases list spellings in every script (Муттаки, Muttaqi, Mottaki), so a folded substring
    match finds most; a fuzzy match (rapidfuzz) catches spellings and Russian inflections the
    aliases do not list ("Муттаки" typed as "Мутаки", "Амир Ханом").
    """
    key = normalize_name(query)
    if len(key) < 2:
        return []
    best: dict[int, tuple[float, str, ActorAlias]] = {}
    aliases = ActorAlias.objects.select_related("actor__country").only(
        "name", "normalized", "actor__name", "actor__slug", "actor__taliban", "actor__country"
    )
    canonical: dict[int, str] = {}  # each actor's folded name, once (an actor has many aliases)
    for alias in aliases:
        if alias.actor_id not in canonical:
            canonical[alias.actor_id] = normalize_name(alias.actor.name)
        candidates = [(alias.normalized, alias.name), (canonical[alias.actor_id], "")]
        for text, shown in candidates:
            if text.startswith(key) or f" {key}" in f" {text}":
                score = 100.0 if text.startswith(key) else 95.0
            elif key in text:
                score = 90.0
            elif len(key) >= 4:
                score = (
                    fuzz.partial_ratio(key, text) if len(key) < len(text) else fuzz.ratio(key, text)
                )
                if score < 80:
                    continue
            else:
                continue
            if score > best.get(alias.actor_id, (0.0, "", alias))[0]:
                best[alias.actor_id] = (score, shown, alias)
    ranked = sorted(best.values(), key=lambda item: (-item[0], item[2].actor.name))[:limit]
    return [
        {
            "id": alias.actor_id,
            "name": alias.actor.name,
            "side": "taliban" if alias.actor.taliban else "country",
            "side_label": alias.actor.side_label,
            "matched": shown if shown and shown != alias.actor.name else "",
        }
        for _score, shown, alias in ranked
    ]

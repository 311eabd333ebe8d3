"""The countries and actors extraction knows, read from the database once per process.

`get_registry()` builds it on first use (four queries) and keeps it; `reset()` drops it, for
tests and for the ingestion pipeline after actors change. Extraction itself never queries.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass, field

from stances.models import Actor, Country
from stances.names import normalize_name

from .gazetteer import COUNTRY_FORMS, TALIBAN_STRONG, compile_any, fallback_stems

TALIBAN = "TALIBAN"
# Honorifics that precede names in both languages and are not part of anyone's name.
HONORIFICS = frozenset(
    {"mullah", "mulla", "mawlawi", "maulvi", "mawlavi", "haji", "hajji", "sheikh", "khalifa",
     "мулла", "мавлави", "маулави", "хаджи", "шейх", "халифа", "mr", "mrs", "ms", "dr", "г-н"}
)  # fmt: skip


@dataclass(frozen=True)
class PositionEntry:
    title: str
    level: str
    start: dt.date | None
    end: dt.date | None

    def held_on(self, date: dt.date) -> bool:
        return (self.start is None or self.start <= date) and (self.end is None or date <= self.end)


@dataclass
class ActorEntry:
    id: int
    name: str
    kind: str
    side: str  # "TALIBAN" or a country code; "" when the actor is on no side
    aliases: list[tuple[str, ...]] = field(default_factory=list)  # normalised token tuples
    positions: list[PositionEntry] = field(default_factory=list)
    # The Taliban movement itself ("Taliban", "IEA"): a side, never a participant.
    generic: bool = False

    @property
    def is_person(self) -> bool:
        return self.kind == "person"

    def position_on(self, date: dt.date | None) -> PositionEntry | None:
        if not self.positions:
            return None
        if date is None:
            current = [p for p in self.positions if p.end is None]
            return current[-1] if current else self.positions[-1]
        held = [p for p in self.positions if p.held_on(date)]
        return held[-1] if held else None


@dataclass
class CountryEntry:
    code: str
    name_en: str
    name_ru: str
    tracked: bool
    names: re.Pattern
    capitals: re.Pattern | None


@dataclass
class Registry:
    countries: dict[str, CountryEntry]
    actors: list[ActorEntry]
    # First alias token → [(alias tokens, actor)], longest alias first: the matcher's index.
    alias_index: dict[str, list[tuple[tuple[str, ...], ActorEntry]]]
    # A person's last name alone → the actors it may denote (used only when exactly one).
    surnames: dict[str, set[int]]
    by_id: dict[int, ActorEntry]
    taliban_pattern: re.Pattern

    @property
    def tracked_codes(self) -> list[str]:
        return [code for code, entry in self.countries.items() if entry.tracked]


TALIBAN_PATTERN = compile_any(TALIBAN_STRONG, ignore_case=True)
_lock = threading.Lock()
_registry: Registry | None = None
loads = 0  # how many times the database was read: tests assert "once per process"


def get_registry() -> Registry:
    global _registry, loads
    with _lock:
        if _registry is None:
            _registry = _load()
            loads += 1
        return _registry


def reset() -> None:
    """Forget the registry; the next `get_registry()` reads the database again."""
    global _registry
    with _lock:
        _registry = None


def alias_tokens(name: str) -> tuple[str, ...]:
    tokens = normalize_name(name).split()
    # "Mullah Baradar" is also written "Baradar": the honorific never has to match.
    while len(tokens) > 1 and tokens[0] in HONORIFICS:
        tokens = tokens[1:]
    return tuple(tokens)


def _load() -> Registry:
    countries: dict[str, CountryEntry] = {}
    for country in Country.objects.all():
        forms = COUNTRY_FORMS.get(country.code)
        names = forms.names if forms else fallback_stems(country.name_en, country.name_ru)
        capitals = forms.capitals if forms else ()
        countries[country.code] = CountryEntry(
            code=country.code,
            name_en=country.name_en,
            name_ru=country.name_ru,
            tracked=country.tracked,
            names=compile_any(names, ignore_case=True),
            capitals=compile_any(capitals) if capitals else None,
        )
    actors: list[ActorEntry] = []
    for actor in Actor.objects.prefetch_related("aliases", "positions").order_by("id"):
        side = TALIBAN if actor.taliban else (actor.country_id or "")
        entry = ActorEntry(id=actor.id, name=actor.name, kind=actor.kind, side=side)
        names = {alias_tokens(actor.name)} | {alias_tokens(a.name) for a in actor.aliases.all()}
        entry.aliases = sorted((n for n in names if n), key=len, reverse=True)
        entry.generic = not entry.is_person and any(
            TALIBAN_PATTERN.fullmatch(" ".join(alias)) for alias in entry.aliases
        )
        entry.positions = sorted(
            (PositionEntry(p.title, p.level, p.start, p.end) for p in actor.positions.all()),
            key=lambda p: p.start or dt.date.min,
        )
        actors.append(entry)
    return _index(countries, actors)


def _index(countries: dict[str, CountryEntry], actors: list[ActorEntry]) -> Registry:
    alias_index: dict[str, list[tuple[tuple[str, ...], ActorEntry]]] = {}
    surnames: dict[str, set[int]] = {}
    for actor in actors:
        for tokens in actor.aliases:
            alias_index.setdefault(tokens[0], []).append((tokens, actor))
            if actor.is_person and len(tokens) > 1 and len(tokens[-1]) >= 4:
                surnames.setdefault(tokens[-1], set()).add(actor.id)
    for entries in alias_index.values():
        entries.sort(key=lambda item: len(item[0]), reverse=True)
    # A single-word alias of a person (e.g. "Муттаки") is itself a surname entry.
    for actor in actors:
        for tokens in actor.aliases:
            if actor.is_person and len(tokens) == 1 and len(tokens[0]) >= 4:
                surnames.setdefault(tokens[0], set()).add(actor.id)
    return Registry(
        countries=countries,
        actors=actors,
        alias_index=alias_index,
        surnames=surnames,
        by_id={a.id: a for a in actors},
        taliban_pattern=TALIBAN_PATTERN,
    )

"""Where a reported event happened and who took part, read from the sentence that tells it."""

from __future__ import annotations

import datetime as dt
import re

from .lexicon import REPORTING
from .people import Person, title_before
from .registry import TALIBAN
from .relevance import SentenceFacts

PLACE_PREPOSITION = re.compile(r"(?i)(?:\bв|\bво|\bin|\bat|\bдар|\bна)\s+(?:[\w-]+\s+){0,2}?$")
POST_OR_POWER = re.compile(
    r"(?i)(?:consul\w*|консул\w*|посол|посла|ambassador|governor|губернатор\w*|власт\w*|"
    r"authorities|правительств\w*|government|режим\w*)\s+(?:[\w-]+\s+){0,3}?$"
)


def location(fact: SentenceFacts, *, bare: bool = True) -> str | None:
    """The city where it happened: one after "в"/"in"/"at" (an adjective may come between)
    first, else (if `bare`) any city the sentence names that is not someone's post ("Consul
    General in Herat") or a government ("власти Кабула")."""
    text = fact.sentence.text
    candidates = []
    for city, start, _end in fact.cities:
        before = text[max(0, start - 40) : start]
        if POST_OR_POWER.search(before):
            continue
        if PLACE_PREPOSITION.search(before):
            return city
        candidates.append(city)
    return candidates[0] if bare and candidates else None


def participants(
    fact: SentenceFacts, code: str, date: dt.date | None, *, contact_type: str | None = None,
    sides: frozenset[str] | None = None,
) -> list[dict[str, str]]:  # fmt: skip
    allowed = sides or frozenset({code, TALIBAN})
    result: list[dict[str, str]] = []
    seen: set[str] = set()
    text = fact.sentence.text
    for person in fact.people:
        if person.name in seen or person.side not in allowed:
            continue
        organisation = person.actor is not None and not person.actor.is_person
        # Organisations take part in agreements and make statements; elsewhere they report.
        if organisation and contact_type not in (None, "agreement"):
            continue
        if contact_type is not None and person.spokesperson and _reports(text, person):
            continue
        seen.add(person.name)
        result.append({"name": person.name, "side": person.side, "role": _role(person, fact, date)})
    return result


def _reports(text: str, person: Person) -> bool:
    """Whether the person is the one telling ("said Mujahid"), not taking part."""
    return bool(REPORTING.search(text[max(0, person.start - 40) : person.end + 40]))


def _role(person: Person, fact: SentenceFacts, date: dt.date | None) -> str:
    if person.role:
        return person.role
    found = title_before(fact.sentence.text, person.start, width=70)
    if found is not None and not any(
        found[1] < p.start < person.start for p in fact.people if p is not person
    ):
        return found[0]
    if person.actor is not None:
        position = person.actor.position_on(date)
        if position is not None:
            return position.title
    return ""

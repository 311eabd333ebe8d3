"""What each sentence names (countries, the Taliban side, cities), and whether a report is in
scope: a tracked country and the Taliban side both in play.

"The Afghan side", "Afghanistan" and "the Afghan delegation" stand for the Taliban side only in
reports published after the takeover (or undated ones) and only once the report names the
Taliban, the Islamic Emirate or a known Taliban official somewhere; alone they make nothing
relevant.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .gazetteer import CITIES, TALIBAN_TAKEOVER, TALIBAN_WEAK, compile_any
from .nlp import Sentence
from .people import Person
from .registry import TALIBAN, Registry

WEAK_TALIBAN = compile_any(TALIBAN_WEAK, ignore_case=True)
CITY_PATTERNS = [(city, code, compile_any(forms)) for city, (code, forms) in CITIES.items()]
TAKEOVER = dt.date(*TALIBAN_TAKEOVER)
# How far apart (in sentences) the tracked country and the Taliban may be named.
RELEVANCE_REACH = 3
# A country named after these words is where someone is posted or goes, not a party.
LOCATIVE = re.compile(r"(?i)(?:\bв|\bво|\bна|\bto|\bin|\bat|\bпри|\bиз|\bfrom)\s*$")


@dataclass(frozen=True)
class CountryMention:
    code: str
    start: int
    end: int
    capital: bool = False
    locative: bool = False  # "в Афганистане", "to Uzbekistan": a place more than a party


@dataclass
class SentenceFacts:
    sentence: Sentence
    countries: list[CountryMention] = field(default_factory=list)
    taliban_strong: list[tuple[int, int]] = field(default_factory=list)
    taliban_weak: list[tuple[int, int]] = field(default_factory=list)
    cities: list[tuple[str, int, int]] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)

    def tracked(self, registry: Registry) -> list[str]:
        """Tracked countries the sentence names (people count for their country), in order."""
        # Capitals are left out: "посетил Ташкент" names a city, not a party.
        codes: list[tuple[int, str]] = [
            (m.start, m.code)
            for m in self.countries
            if registry.countries[m.code].tracked and not m.capital
        ]
        codes += [(p.start, p.side) for p in self.people if p.side and p.side != TALIBAN]
        ordered: list[str] = []
        for _start, code in sorted(codes):
            tracked = code in registry.countries and registry.countries[code].tracked
            if tracked and code not in ordered:
                ordered.append(code)
        return ordered

    def foreign(self, registry: Registry) -> list[str]:
        """Untracked states named as parties (not Afghanistan): Pakistan, China…"""
        return [
            m.code
            for m in self.countries
            if not registry.countries[m.code].tracked and m.code != "AF" and not m.locative
        ]

    def has_taliban(self, weak_allowed: bool) -> bool:
        """The Taliban side named outright (or by one of its people); with `weak_allowed`, also
        "the Afghan side", Afghanistan or Kabul, which stand for it in a relevant report."""
        if self.taliban_strong or any(p.side == TALIBAN for p in self.people):
            return True
        if not weak_allowed:
            return False
        return bool(self.taliban_weak) or any(m.code == "AF" for m in self.countries)


def sentence_facts(sentence: Sentence, registry: Registry, people: list[Person]) -> SentenceFacts:
    text = sentence.text
    facts = SentenceFacts(sentence=sentence, people=people)
    for code, country in registry.countries.items():
        for match in country.names.finditer(text):
            locative = bool(LOCATIVE.search(text[max(0, match.start() - 6) : match.start()]))
            facts.countries.append(
                CountryMention(code, match.start(), match.end(), False, locative)
            )
        if country.capitals is not None:
            for match in country.capitals.finditer(text):
                locative = bool(LOCATIVE.search(text[max(0, match.start() - 6) : match.start()]))
                facts.countries.append(
                    CountryMention(code, match.start(), match.end(), True, locative)
                )
    facts.countries.sort(key=lambda m: m.start)
    facts.taliban_strong = [m.span() for m in registry.taliban_pattern.finditer(text)]
    facts.taliban_weak = [m.span() for m in WEAK_TALIBAN.finditer(text)]
    for city, _code, pattern in CITY_PATTERNS:
        for match in pattern.finditer(text):
            facts.cities.append((city, match.start(), match.end()))
    facts.cities.sort(key=lambda c: c[1])
    return facts


def weak_allowed(published: dt.date | None, facts: list[SentenceFacts], title_strong: bool) -> bool:
    """Whether "the Afghan side" may stand for the Taliban in this report."""
    if published is not None and published < TAKEOVER:
        return False
    return title_strong or any(f.has_taliban(False) for f in facts)


def is_relevant(
    facts: list[SentenceFacts], registry: Registry, title: SentenceFacts | None
) -> bool:
    """A tracked country and the Taliban side named within the same stretch of the report
    (a sentence and its neighbours, or the title with the lead)."""
    if title is not None and title.tracked(registry) and title.has_taliban(False):
        return True
    for index, fact in enumerate(facts):
        window = facts[max(0, index - RELEVANCE_REACH) : index + RELEVANCE_REACH + 1]
        if title is not None and index <= RELEVANCE_REACH:
            window = [title, *window]
        # A capital as a party ("Bishkek removed the Taliban from its list") counts here.
        named = fact.tracked(registry) or [
            m.code
            for m in fact.countries
            if m.capital and not m.locative and registry.countries[m.code].tracked
        ]
        if not named:
            continue
        if any(f.has_taliban(False) for f in window):
            return True
    return False

"""Events in a report: contacts between a tracked country and the Taliban side, and stance signals.

One pass over the sentences finds, per sentence, stance signals and a contact: a contact word not
in a future, negated or hypothetical clause, a tracked country and the Taliban side. A side the
sentence does not name may come from the sentence before (or the title), but never both sides:
"Стороны обсудили…" adds to an event, it does not make one. Then the sentences that tell one
event are merged (same country, compatible dates; the most specific type wins), the setting
decides between meeting and visit, and each contact collects its topics from the sentences that
go on describing it.

Dating: a sentence's own date wins; else the date of the nearest earlier sentence that reports
news (a contact: anywhere before; a stance: the two sentences before). A sentence that looks back
("Ранее…", "Earlier…", a date far from publication) without a date of its own is dropped, never
given the publication date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .lexicon import BACKGROUND, CONTACT_PATTERNS, FUTURE, NEGATED, REPORTING, TOPIC_PATTERNS
from .participants import location, participants
from .registry import TALIBAN, Registry
from .reldates import DAY, DateMention, event_date, find_dates
from .relevance import CITY_PATTERNS, SentenceFacts
from .signals import NEEDS_TALIBAN, Signal, find_signals

# When sentences of one event carry different contact words, the most specific names the event:
# a signing during a visit is the agreement, talks on a summit's sidelines are the conference.
TYPE_RANK = {
    "agreement": 7, "conference": 6, "visit": 5, "correspondence": 4, "aid": 3,
    "other": 2, "phone_call": 1, "meeting": 0,
}  # fmt: skip
# Taking up a post is the envoy stance change, not also a contact; receiving the envoy for talks is.
ENVOY_NOT_CONTACT = {"correspondence", "visit", "other"}
DELEGATION = re.compile(r"(?i)делегаци|delegation|ҳайат|delegatsiya")
QUOTE_START = re.compile(r"^\s*[«\"“„]")
DIMENSION_TOPIC = {
    "recognition": "recognition",
    "legal_status": "terrorism_listing",
    "taliban_envoy": "diplomatic_representation",
    "own_mission_in_kabul": "diplomatic_representation",
}
TOPIC_LOOKAHEAD = 3
# A stated date this far from publication makes a sentence background, not the news.
NEWS_WINDOW = dt.timedelta(days=45)
DIPLOMAT = re.compile(r"(?i)ambassador|charg[eé]|consul|посол|посл[ау]|поверенн|консул|envoy in")
CITY_COUNTRY = {city: code for city, code, _pattern in CITY_PATTERNS}
CLAUSE_BREAK = re.compile(r"[;:]|,\s+(?:но|а|однако|but|while|whereas)\b|\.\s")


@dataclass
class Event:
    kind: str  # "contact" or "stance_change"
    country: str
    type: str | None
    date: dt.date | None
    date_precision: str | None
    location: str | None
    participants: list[dict[str, str]]
    topics: list[str]
    dimension: str | None
    value: str | None
    evidence: str
    confidence: float
    sentences: list[int] = field(default_factory=list, repr=False)

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "country": self.country,
            "type": self.type,
            "date": self.date.isoformat() if self.date else None,
            "date_precision": self.date_precision if self.date else None,
            "location": self.location,
            "participants": self.participants,
            "topics": self.topics,
            "dimension": self.dimension,
            "value": self.value,
            "evidence": self.evidence,
            "confidence": round(self.confidence, 2),
        }


@dataclass
class _Sentence:
    """What one sentence says about time: its own date, and whether it may date others."""

    date: DateMention | None
    background: bool
    future: bool


def find_events(
    facts: list[SentenceFacts],
    registry: Registry,
    published: dt.date | None,
    weak_taliban: bool,
    main_country: str | None,
    title: SentenceFacts | None = None,
) -> list[Event]:
    timing = [_timing(f, published) for f in facts]
    contacts: list[Event] = []
    stances: list[Event] = []
    for index, fact in enumerate(facts):
        previous = facts[index - 1] if index else title
        signals = [
            s for s in find_signals(fact.sentence.text)
            if (s.dimension not in NEEDS_TALIBAN or _taliban_near(facts, index, weak_taliban))
            # "временный поверенный в делах Казахстана" is the state's own envoy
            and not (s.dimension == "taliban_envoy" and _own_diplomat(fact, registry, s))
        ]  # fmt: skip
        undated_look_back = timing[index].background and timing[index].date is None
        if not undated_look_back:
            reported = _reported_date(facts, timing, index)
            # A statement or an accreditation may take its date from the sentence before; a
            # standing fact ("the embassy works") is not dated by its neighbours.
            statement = bool(REPORTING.search(fact.sentence.text)) or any(
                s.dimension == "taliban_envoy" for s in signals
            )
            date = (
                timing[index].date
                or (_context_date(timing, index, reach=2) if statement else None)
                or (timing[reported].date if reported is not None else None)
            )
            found = _stances(fact, signals, registry, date, main_country, stances)
            if reported is not None:
                for event in found:
                    _add_people(event, facts[reported], frozenset({event.country}))
            stances.extend(found)
        trigger = _trigger(fact.sentence.text)
        if trigger is None or undated_look_back:
            continue
        if any(s.dimension == "taliban_envoy" for s in signals) and trigger[0] in ENVOY_NOT_CONTACT:
            continue
        if signals and not any(p.side == TALIBAN and p.actor for p in fact.people):
            continue  # a statement that mentions a meeting is about the stance
        context = _context_index(timing, index, reach=len(facts))
        date = timing[index].date or (timing[context].date if context is not None else None)
        found = _contacts(fact, trigger[0], previous, registry, date, weak_taliban, main_country)
        for event in found:
            if event.location is None and context is not None:
                event.location = location(facts[context], bare=False)
        contacts.extend(found)
    merged = _merge(contacts)
    for event in merged:
        _add_continuation_people(event, facts, merged, stances)
    merged = [e for e in _settle_types(merged, facts) if _keeps(e, facts)]
    for event in merged:
        event.topics = _topics(event, facts, merged, stances)
    return merged + _dedupe_stances(stances)


def _keeps(event: Event, facts: list[SentenceFacts]) -> bool:
    """Drop what is not one dated interaction: a year's total ("в текущем году направила…"), a
    summit where no Taliban delegate is named."""
    if event.date_precision == "year":
        return False
    if event.type == "conference":
        text = " ".join(facts[i].sentence.text for i in event.sentences)
        return any(p["side"] == TALIBAN for p in event.participants) or bool(
            DELEGATION.search(text)
        )
    return True


def _timing(fact: SentenceFacts, published: dt.date | None) -> _Sentence:
    text = fact.sentence.text
    dates = find_dates(text, published)
    chosen = event_date(dates)
    background = bool(BACKGROUND.search(text)) or bool(
        chosen is not None
        and published is not None
        and not chosen.relative
        and chosen.precision == DAY
        and abs(chosen.date - published) > NEWS_WINDOW
    )
    future = (
        bool(FUTURE.search(text))
        and chosen is not None
        and (published is not None and chosen.date > published)
    )
    return _Sentence(chosen, background, future)


def _context_index(timing: list[_Sentence], index: int, reach: int) -> int | None:
    """The nearest earlier sentence that dates the news (not a look back, not a plan)."""
    for back in range(index - 1, max(-1, index - 1 - reach), -1):
        entry = timing[back]
        if entry.date is not None and not entry.background and not entry.future:
            return back
    return None


def _context_date(timing: list[_Sentence], index: int, reach: int) -> DateMention | None:
    found = _context_index(timing, index, reach)
    return timing[found].date if found is not None else None


def _reported_date(facts: list[SentenceFacts], timing: list[_Sentence], index: int) -> int | None:
    """ "… больше не входит в перечень. Об этом в пятницу сообщил …": the next sentence reports
    the statement, says who made it and dates it (its index, if so)."""
    following = index + 1
    if following >= len(facts) or timing[following].date is None:
        return None
    if timing[following].background or not REPORTING.search(facts[following].sentence.text):
        return None
    return following


def _add_people(event: Event, fact: SentenceFacts, sides: frozenset[str]) -> None:
    names = {p["name"] for p in event.participants}
    for person in participants(fact, event.country, event.date, sides=sides):
        if person["name"] not in names:
            names.add(person["name"])
            event.participants.append(person)


def _taliban_near(facts: list[SentenceFacts], index: int, weak: bool) -> bool:
    return any(f.has_taliban(weak) for f in facts[max(0, index - 2) : index + 1])


def _trigger(text: str) -> tuple[str, re.Match] | None:
    """The first contact word (by type priority) that is not in a future or hypothetical
    clause, in a sentence that does not deny contact."""
    if NEGATED.search(text):
        return None
    for kind, pattern in CONTACT_PATTERNS:
        for match in pattern.finditer(text):
            before = text[max(0, match.start() - 100) : match.start()]
            breaks = list(CLAUSE_BREAK.finditer(before))
            clause = before[breaks[-1].end() :] if breaks else before
            window = clause + match.group() + text[match.end() : match.end() + 30]
            if FUTURE.search(window):
                continue
            return kind, match
    return None


def _contacts(
    fact: SentenceFacts,
    kind: str,
    previous: SentenceFacts | None,
    registry: Registry,
    date: DateMention | None,
    weak_taliban: bool,
    main_country: str | None,
) -> list[Event]:
    text = fact.sentence.text
    confidence = 0.6
    countries = fact.tracked(registry)
    explicit_taliban = fact.has_taliban(False)
    has_taliban = fact.has_taliban(weak_taliban)
    if fact.foreign(registry) and not (countries and explicit_taliban):
        return []  # the report's other parties (Pakistan, China…) are not ours to infer
    if not countries:
        # Carry the country over only to a sentence that names the Taliban side outright.
        if not explicit_taliban:
            return []
        carried = previous.tracked(registry) if previous is not None else []
        countries = carried[:1] or ([main_country] if main_country else [])
        confidence -= 0.15
    elif not has_taliban:
        if previous is None or not previous.has_taliban(False):
            return []
        confidence -= 0.15
    if not countries:
        return []
    if len(countries) > 1:
        named = [c for c in countries if any(p.side == c for p in fact.people)]
        countries = named or countries
    place = location(fact)
    if kind == "other" and not (explicit_taliban or place):
        return []  # "На церемонии присутствовал…" adds to an event told before
    events = []
    for code in countries:
        people = participants(fact, code, date.date if date else None, contact_type=kind)
        score = confidence
        score += 0.1 if any(p["side"] == TALIBAN for p in people) else 0.0
        score += 0.1 if any(p["side"] == code for p in people) else 0.0
        score += 0.1 if date is not None else 0.0
        score -= 0.1 if len(countries) > 1 else 0.0
        events.append(
            Event(
                kind="contact", country=code, type=kind,
                date=date.date if date else None,
                date_precision=date.precision if date else None,
                location=place, participants=people, topics=[], dimension=None,
                value=None, evidence=text, confidence=max(0.1, min(score, 0.95)),
                sentences=[fact.sentence.index],
            )
        )  # fmt: skip
    return events


def _stances(
    fact: SentenceFacts,
    signals: list,
    registry: Registry,
    date: DateMention | None,
    main_country: str | None,
    earlier: list[Event],
) -> list[Event]:
    text = fact.sentence.text
    events = []
    for signal in signals:
        if signal.dimension == "own_mission_in_kabul" and not (
            any(c[0] == "Kabul" for c in fact.cities) or any(m.code == "AF" for m in fact.countries)
        ):
            continue
        if (signal.dimension, signal.value) == ("recognition", "none") and not (
            REPORTING.search(text) or _dated_here(fact) or QUOTE_START.search(text)
        ):
            continue  # the journalist's description of a standing position is not a statement
        code = _stance_country(fact, registry, signal.start, None)
        if code is None:
            if fact.foreign(registry):
                continue
            # Unnamed here: the country of the same kind of statement just before, else the
            # report's country.
            same = [e.country for e in earlier if e.dimension == signal.dimension]
            code = same[-1] if same else main_country
        if code is None:
            continue
        sides = (
            frozenset({code, TALIBAN})
            if signal.dimension == "taliban_envoy"
            else (frozenset({code}))
        )
        topics = (
            [DIMENSION_TOPIC[signal.dimension]]
            if signal.dimension in DIMENSION_TOPIC
            else [topic for topic, pattern in TOPIC_PATTERNS.items() if pattern.search(text)]
        )
        events.append(
            Event(
                kind="stance_change", country=code, type=None,
                date=date.date if date else None,
                date_precision=date.precision if date else None,
                location=location(fact, bare=False),
                participants=participants(fact, code, date.date if date else None, sides=sides),
                topics=topics, dimension=signal.dimension, value=signal.value, evidence=text,
                confidence=0.6 + (0.1 if date is not None else 0.0),
                sentences=[fact.sentence.index],
            )
        )  # fmt: skip
    return events


def _own_diplomat(fact: SentenceFacts, registry: Registry, signal: Signal) -> bool:
    """Whether the diplomat a signal names serves a tracked state: its name right after the
    title ("поверенный в делах Казахстана", "ambassador of Uzbekistan") or its adjective right
    before ("the Kazakh ambassador")."""
    text = fact.sentence.text
    for mention in fact.countries:
        if not registry.countries[mention.code].tracked or mention.locative:
            continue
        after = 0 <= mention.start - signal.end <= 12
        before = 0 <= signal.start - mention.end <= 3
        if (
            after and not re.search(r"(?i)\b(?:в|in|to)\s*$", text[signal.end : mention.start])
        ) or (before):
            return True
    return False


def _dated_here(fact: SentenceFacts) -> bool:
    return bool(find_dates(fact.sentence.text, None))


def _stance_country(
    fact: SentenceFacts, registry: Registry, position: int, main_country: str | None
) -> str | None:
    mentions = [m for m in fact.countries if registry.countries[m.code].tracked and not m.capital]
    before = [m for m in mentions if m.start < position]
    if before:
        return before[-1].code
    if mentions:
        return mentions[0].code
    people = [p.side for p in fact.people if p.side and p.side != TALIBAN]
    if people:
        return people[0]
    capitals = [m for m in fact.countries if registry.countries[m.code].tracked]
    if capitals:
        return capitals[0].code
    return main_country


def _compatible(a: Event, b: Event) -> bool:
    if a.country != b.country:
        return False
    if a.date is None or b.date is None:
        return True
    return a.date == b.date or (
        a.date_precision != b.date_precision
        and (a.date.year, a.date.month) == (b.date.year, b.date.month)
    )


def _merge(contacts: list[Event]) -> list[Event]:
    merged: list[Event] = []
    for event in contacts:
        target = next((m for m in merged if _compatible(m, event)), None)
        if target is None:
            merged.append(event)
            continue
        if TYPE_RANK[event.type] > TYPE_RANK[target.type]:
            target.type = event.type
        if target.date is None or (
            event.date is not None and _rank(event.date_precision) > _rank(target.date_precision)
        ):
            target.date, target.date_precision = event.date, event.date_precision
        target.location = target.location or event.location
        names = {p["name"] for p in target.participants}
        target.participants += [p for p in event.participants if p["name"] not in names]
        target.sentences += event.sentences
        target.confidence = min(0.95, max(target.confidence, event.confidence) + 0.05)
    return merged


def _settle_types(events: list[Event], facts: list[SentenceFacts]) -> list[Event]:
    """Meeting or visit: talks on one side's ground with the other side's travelling officials
    (not its resident diplomats) are a visit; so are the other days of a visit."""
    visiting = {e.country for e in events if e.type == "visit"}
    lead_conference = any(
        (found := _trigger(f.sentence.text)) and found[0] == "conference" for f in facts[:2]
    )
    for event in events:
        if event.type not in {"meeting", "other"}:
            continue
        if event.type == "meeting" and lead_conference:
            event.type = "conference"
            continue
        host = CITY_COUNTRY.get(event.location or "")
        guests = {"AF": event.country, event.country: TALIBAN}.get(host or "")
        if guests is None and event.type == "meeting" and event.country in visiting:
            event.type = "visit"
            continue
        travellers = [p for p in event.participants if p["side"] == guests]
        travelled = travellers and not any(DIPLOMAT.search(p["role"]) for p in travellers)
        if travelled or (event.type == "meeting" and event.country in visiting):
            event.type = "visit"
    return events


def _rank(precision: str | None) -> int:
    return {"day": 3, "month": 2, "year": 1}.get(precision or "", 0)


def _topics(
    event: Event, facts: list[SentenceFacts], contacts: list[Event], stances: list[Event]
) -> list[str]:
    """Topics from the event's sentences and the ones right after that go on about it (until
    another event, a stance statement or a look back begins)."""
    others = {i for e in contacts if e is not event for i in e.sentences}
    stance_sentences = {i for e in stances for i in e.sentences}
    indexes = set(event.sentences)
    for start in event.sentences:
        for index in range(start + 1, min(start + 1 + TOPIC_LOOKAHEAD, len(facts))):
            text = facts[index].sentence.text
            if index in others or index in stance_sentences or BACKGROUND.search(text):
                break
            indexes.add(index)
    found: list[str] = []
    for index in sorted(indexes):
        text = facts[index].sentence.text
        for code, pattern in TOPIC_PATTERNS.items():
            if code not in found and pattern.search(text):
                found.append(code)
    return found


def _dedupe_stances(stances: list[Event]) -> list[Event]:
    """One event per (country, dimension, value, date); an undated repeat joins a dated one."""
    kept: list[Event] = []
    for event in stances:
        same = next((k for k in kept if _same_stance(k, event)), None)
        if same is None:
            kept.append(event)
            continue
        if same.date is None and event.date is not None:
            same.date, same.date_precision = event.date, event.date_precision
        same.location = same.location or event.location
        names = {p["name"] for p in same.participants}
        same.participants += [p for p in event.participants if p["name"] not in names]
        same.sentences += event.sentences
    return kept


def _same_stance(a: Event, b: Event) -> bool:
    same_value = (a.country, a.dimension, a.value) == (b.country, b.dimension, b.value)
    return same_value and (a.date == b.date or a.date is None or b.date is None)


def _add_continuation_people(
    event: Event, facts: list[SentenceFacts], contacts: list[Event], stances: list[Event]
) -> None:
    """People named in the sentences that go on telling the event ("Груз передали
    спецпредставитель … и хоким …") take part in it too."""
    others = {i for e in contacts if e is not event for i in e.sentences}
    stance_sentences = {i for e in stances for i in e.sentences}
    names = {p["name"] for p in event.participants}
    start = max(event.sentences)
    for index in range(start + 1, min(start + 1 + TOPIC_LOOKAHEAD, len(facts))):
        fact = facts[index]
        if index in others or index in stance_sentences or BACKGROUND.search(fact.sentence.text):
            break
        for person in participants(fact, event.country, event.date, contact_type=event.type):
            if person["name"] not in names:
                names.add(person["name"])
                event.participants.append(person)

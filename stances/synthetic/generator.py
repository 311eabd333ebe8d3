"""Writing synthetic data: actors, contacts, stance changes and their evidence, in bulk.

Every row is built in memory from one seeded random generator, in a fixed order, then written
with bulk_create in batches (no model save(), no signals, so no history rows).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import models
from django.utils.text import slugify
from django.utils.translation import override

from articles.models import Article, Citation, Outlet

from ..dates import period_start
from ..models import Actor, ActorAlias, Contact, Country, Participant, Position, StanceChange
from ..names import normalize_name
from ..vocabulary import (
    DIMENSION_VALUES,
    LEVEL_RANK,
    ContactType,
    Dimension,
    Direction,
    Precision,
    Side,
    Status,
    TopicCode,
    Verification,
    dimension_value_label,
)
from .pools import (
    AF_FIRST,
    AF_LAST,
    AFGHAN_CITIES,
    CA_FIRST,
    CA_LAST,
    CITIES,
    COUNTRIES,
    COUNTRY_POSTS,
    DIRECTIONS,
    DOCUMENTS,
    DOMAIN,
    FIRST_DATE,
    LAST_DATE,
    MARK,
    OUTLETS,
    PREFIX,
    TALIBAN_POSTS,
    THIRD_PLACES,
    TOPICS_RU,
    TYPE_TOPICS,
    TYPE_WEIGHTS,
    to_cyrillic,
)

BATCH_SIZE = 1000


class SyntheticDataError(Exception):
    """Synthetic data cannot be written or removed safely; nothing was changed."""


@dataclass
class SyntheticReport:
    created: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)


@dataclass
class _Holder:
    actor: Actor
    title: str
    level: str
    start: dt.date
    end: dt.date | None


@dataclass
class _Post:
    weight: int
    holders: list[_Holder]

    def holder_on(self, date: dt.date) -> _Holder:
        return next(h for h in self.holders if h.end is None or date <= h.end)


class Generator:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.report = SyntheticReport()

    def write(self, n_contacts: int) -> SyntheticReport:
        self.countries = self._countries()
        self.outlets = self._outlets()
        self.posts = self._actors()
        self.article_index = 0
        self.pending_articles: list[Article] = []
        self.pending_citations: list[tuple[Citation, int]] = []
        self._contacts(n_contacts)
        self._stance_changes()
        self._flush_citations()
        return self.report

    def _save(self, label: str, objects: Sequence[models.Model]) -> None:
        if objects:
            type(objects[0]).objects.bulk_create(objects, batch_size=BATCH_SIZE)
        self.report.created[label] = self.report.created.get(label, 0) + len(objects)

    def _countries(self) -> list[Country]:
        existing = set(Country.objects.values_list("code", flat=True))
        missing = [
            Country(code=code, name_en=en, name_ru=ru, tracked=tracked)
            for code, en, ru, tracked, _cities in COUNTRIES
            if code not in existing
        ]
        self._save("countries", missing)
        self.names_ru = dict(Country.objects.values_list("code", "name_ru"))
        tracked = list(Country.objects.filter(tracked=True).order_by("code"))
        if not tracked:
            raise SyntheticDataError("No tracked country to write synthetic data for.")
        return tracked

    def _outlets(self) -> list[Outlet]:
        outlets = [
            Outlet(name=name, domain=f"{sub}.{DOMAIN}", languages=langs, country_id=code)
            for name, sub, langs, code in OUTLETS
        ]
        outlets += [
            Outlet(
                name=f"Synthetic {country.name_en} Herald",
                domain=f"{country.slug}.{DOMAIN}",
                languages="ru",
                country=country,
            )
            for country in self.countries
        ]
        self._save("outlets", outlets)
        return outlets

    def _actors(self) -> dict[str, list[_Post]]:
        """Two holders per post per side (a country, or "AF" for the Taliban side)."""
        posts: dict[str, list[_Post]] = {}
        actors: list[Actor] = []
        for country in self.countries:
            posts[country.code] = self._posts(
                country.slug, COUNTRY_POSTS, dt.date(2019, 1, 1), actors, country=country
            )
        posts["AF"] = self._posts("af", TALIBAN_POSTS, FIRST_DATE, actors, country=None)
        self._save("actors", actors)
        aliases, positions = [], []
        for side_posts in posts.values():
            for post in side_posts:
                for holder in post.holders:
                    aliases += self._aliases(holder.actor)
                    positions.append(
                        Position(
                            actor=holder.actor,
                            title=holder.title,
                            level=holder.level,
                            start=holder.start,
                            end=holder.end,
                        )
                    )
        self._save("aliases", aliases)
        self._save("positions", positions)
        return posts

    def _posts(
        self,
        side: str,
        templates: Iterable[tuple[str, str, int]],
        start: dt.date,
        actors: list[Actor],
        *,
        country: Country | None,
    ) -> list[_Post]:
        first, last = (CA_FIRST, CA_LAST) if country else (AF_FIRST, AF_LAST)
        posts = []
        for index, (template, level, weight) in enumerate(templates):
            title = template.format(country=country.name_en if country else "")
            handover = self._date_between(dt.date(2022, 3, 1), dt.date(2025, 9, 30))
            holders = []
            for n, (begins, ends) in enumerate(
                ((start, handover - dt.timedelta(days=1)), (handover, None))
            ):
                name = f"{self.rng.choice(first)} {self.rng.choice(last)}"
                actor = Actor(
                    slug=f"{PREFIX}{side}-{index:02d}-{n}-{slugify(name)}",
                    name=name,
                    kind=Actor.Kind.PERSON,
                    country=country,
                    taliban=country is None,
                    notes=f"{MARK} Generated for benchmarks.",
                )
                actors.append(actor)
                holders.append(_Holder(actor, title, level, begins, ends))
            posts.append(_Post(weight, holders))
        return posts

    def _aliases(self, actor: Actor) -> list[ActorAlias]:
        variant = actor.name.replace("Mohammad", "Muhammad").replace("ullah", "ulla")
        variant = variant.replace("kh", "h").replace("Kh", "H").replace("zh", "j")
        spellings = [(actor.name, "en"), (variant, "en"), (to_cyrillic(actor.name), "ru")]
        if actor.taliban:
            spellings.append((f"Mawlawi {actor.name}", "en"))
        seen, aliases = set(), []
        for name, language in spellings:
            normalized = normalize_name(name)
            if normalized not in seen:
                seen.add(normalized)
                aliases.append(
                    ActorAlias(actor=actor, name=name, language=language, normalized=normalized)
                )
        return aliases

    def _contacts(self, n_contacts: int) -> None:
        rng = self.rng
        types, type_weights = zip(*TYPE_WEIGHTS.items(), strict=True)
        contacts, topic_codes, people = [], [], []
        for i in range(n_contacts):
            # Round-robin over the countries so each gets its share whatever the seed.
            country = self.countries[i % len(self.countries)]
            kind = rng.choices(types, type_weights)[0]
            precision, date = self._dated(FIRST_DATE, LAST_DATE, (85, 12, 3))
            direction = self._weighted(DIRECTIONS[kind])
            city, where, event = self._place(country, direction)
            topics = self._topics(kind)
            participants = self._participants(country, date, kind)
            best = {
                side: max((h for s, h in participants if s == side), key=_rank).level
                for side in (Side.COUNTRY, Side.TALIBAN)
            }
            verification = rng.choices(Verification.values, (55, 35, 10))[0]
            contact = Contact(
                key=f"{PREFIX}contact-{i + 1:06d}",
                country=country,
                date=date,
                date_precision=precision,
                type=kind,
                direction=direction,
                location_city=city,
                location_country_id=where,
                level_country=best[Side.COUNTRY],
                level_taliban=best[Side.TALIBAN],
                summary=self._summary(country, kind, direction, city, event, topics, participants),
                verification=verification,
                status=Status.PUBLISHED if rng.random() < 0.92 else Status.DRAFT,
                notes=(
                    f"{MARK} Accounts differ on the level of the delegation."
                    if verification == Verification.DISPUTED
                    else ""
                ),
            )
            contacts.append(contact)
            topic_codes.append(topics)
            people.append(participants)
        self._save("contacts", contacts)

        through = Contact.topics.through
        self._save(
            "topic links",
            [
                through(contact_id=contact.pk, topic_id=code)
                for contact, codes in zip(contacts, topic_codes, strict=True)
                for code in codes
            ],
        )
        self._save(
            "participants",
            [
                Participant(contact=contact, actor=holder.actor, side=side, role=holder.title)
                for contact, participants in zip(contacts, people, strict=True)
                for side, holder in participants
            ],
        )
        for contact, codes in zip(contacts, topic_codes, strict=True):
            minimum = 2 if contact.verification == Verification.DISPUTED else 1
            self._cite(contact, rng.randint(minimum, 3), codes)

    def _place(self, country: Country, direction: str) -> tuple[str, str | None, str]:
        """City, location country and (for conferences) the event."""
        if direction == Direction.TO_AFGHANISTAN:
            return self.rng.choice(AFGHAN_CITIES), "AF", ""
        if direction == Direction.FROM_AFGHANISTAN:
            cities = CITIES.get(country.code, ())
            return (self.rng.choice(cities) if cities else ""), country.code, ""
        if direction == Direction.THIRD_COUNTRY:
            city, where, event = self.rng.choice(
                [place for place in THIRD_PLACES if place[1] != country.code]
            )
            return city, where, event
        return "", None, ""

    def _topics(self, kind: str) -> list[str]:
        topics = [self.rng.choice(TYPE_TOPICS[kind])]
        for _ in range(self.rng.choice((0, 1, 1, 2))):
            topics.append(self.rng.choice(TopicCode.values))
        return list(dict.fromkeys(topics))

    def _participants(
        self, country: Country, date: dt.date, kind: str
    ) -> list[tuple[str, _Holder]]:
        """One to four people per side, 2–5 in all; the holder of each post on that date."""
        total = 2 if kind in (ContactType.PHONE_CALL, ContactType.CORRESPONDENCE) else None
        total = total or self.rng.choices((2, 3, 4, 5), (3, 4, 2, 1))[0]
        on_country_side = self.rng.randint(1, total - 1)
        chosen = []
        for side, posts, n in (
            (Side.COUNTRY, self.posts[country.code], on_country_side),
            (Side.TALIBAN, self.posts["AF"], total - on_country_side),
        ):
            for post in self._sample(posts, n):
                chosen.append((side, post.holder_on(date)))
        return chosen

    def _sample(self, posts: list[_Post], n: int) -> list[_Post]:
        picked: list[_Post] = []
        while len(picked) < n:
            post = self.rng.choices(posts, [p.weight for p in posts])[0]
            if post not in picked:
                picked.append(post)
        return picked

    def _summary(
        self,
        country: Country,
        kind: str,
        direction: str,
        city: str,
        event: str,
        topics: list[str],
        participants: list[tuple[str, _Holder]],
    ) -> str:
        ours = max((h for s, h in participants if s == Side.COUNTRY), key=_rank)
        theirs = max((h for s, h in participants if s == Side.TALIBAN), key=_rank)
        us = f"{ours.title.removesuffix(f' of {country.name_en}')} {ours.actor.name}"
        them = f"{theirs.title} {theirs.actor.name}"
        about = _join([code.replace("_", " ") for code in topics])
        place = f" in {city}" if city else ""
        name = country.name_en
        if kind == ContactType.VISIT and direction == Direction.FROM_AFGHANISTAN:
            text = (
                f"A Taliban delegation led by {them} visited {city or name} "
                f"for talks with {us} on {about}."
            )
        elif kind == ContactType.VISIT:
            text = (
                f"A {name} delegation led by {us} visited {city} "
                f"and held talks with {them} on {about}."
            )
        elif kind == ContactType.CONFERENCE:
            text = f"On the sidelines of {event}{place}, {us} met {them}; they discussed {about}."
        elif kind == ContactType.PHONE_CALL:
            text = f"{us} and {them} spoke by phone about {about}."
        elif kind == ContactType.AGREEMENT:
            document = self.rng.choice(DOCUMENTS)
            text = (
                f"{name} and the Taliban authorities signed a {document} on {about}{place}; "
                f"{us} and {them} attended."
            )
        elif kind == ContactType.AID:
            tonnes = self.rng.randrange(20, 2000, 10)
            text = (
                f"{name} handed over {tonnes} tonnes of humanitarian aid{place}; "
                f"{them} received it from {us}."
            )
        elif kind == ContactType.CORRESPONDENCE:
            text = f"{us} sent a letter to {them} on {about}."
        elif kind == ContactType.OTHER:
            text = f"A working group of {name} and the Taliban authorities met{place} on {about}."
        else:
            text = f"{us} met {them}{place} to discuss {about}."
        return f"{MARK} {text}"

    def _stance_changes(self) -> None:
        """Every dimension set once in autumn 2021, then a few moves per country per year."""
        rng = self.rng
        weights = {
            Dimension.OVERALL: 4,
            Dimension.TALIBAN_ENVOY: 2,
            Dimension.OWN_MISSION_IN_KABUL: 2,
            Dimension.LEGAL_STATUS: 1,
            Dimension.RECOGNITION: 1,
        }
        changes = []
        for country in self.countries:
            position = {
                Dimension.RECOGNITION: 0,
                Dimension.LEGAL_STATUS: rng.choice((0, 1)),
                Dimension.TALIBAN_ENVOY: 0,
                Dimension.OWN_MISSION_IN_KABUL: rng.choice((0, 1)),
                Dimension.OVERALL: rng.choice((1, 2)),
            }
            plan = [
                (self._date_between(FIRST_DATE, dt.date(2021, 10, 31)), dimension)
                for dimension in Dimension.values
            ]
            for year in range(2022, LAST_DATE.year + 1):
                end = min(dt.date(year, 12, 31), LAST_DATE)
                for _ in range(rng.randint(1, 2) if year == LAST_DATE.year else rng.randint(2, 4)):
                    dimension = rng.choices(list(weights), list(weights.values()))[0]
                    plan.append((self._date_between(dt.date(year, 1, 1), end), dimension))
            plan.sort()
            baseline = len(Dimension.values)
            for number, (date, dimension) in enumerate(plan, start=1):
                values = list(DIMENSION_VALUES[dimension])
                draft = rng.random() < 0.1
                if number > baseline and rng.random() > 0.1:  # else: restated
                    step = 1 if rng.random() < 0.7 else -1
                    # Formal recognition stays out of reach, as in reality so far.
                    top = len(values) - (2 if dimension == Dimension.RECOGNITION else 1)
                    position[dimension] = min(max(position[dimension] + step, 0), top)
                value = values[position[dimension]]
                precision, date = self._dated(date, date, (90, 10, 0))
                with override("en"):
                    summary = (
                        f"{MARK} {country.name_en}: {Dimension(dimension).label} — "
                        f"{dimension_value_label(dimension, value)}."
                    )
                changes.append(
                    StanceChange(
                        key=f"{PREFIX}stance-{country.slug}-{number:03d}",
                        country=country,
                        date=date,
                        date_precision=precision,
                        dimension=dimension,
                        value=value,
                        summary=summary,
                        verification=rng.choices(Verification.values, (40, 55, 5))[0],
                        # The autumn 2021 baseline is published, so every dimension has a
                        # value; later changes are sometimes still drafts.
                        status=Status.DRAFT if baseline < number and draft else Status.PUBLISHED,
                    )
                )
        self._save("stance changes", changes)
        for change in changes:
            self._cite(change, rng.randint(1, 2), [])

    def _cite(self, record: Contact | StanceChange, n: int, topics: list[str]) -> None:
        """n citations of new synthetic articles from distinct outlets, the country's own outlet
        most often, in the outlet's language."""
        country = record.country
        for outlet in self._sample_outlets(country.code, n):
            languages = outlet.languages.split(",")
            language = self.rng.choice(languages) if len(languages) > 1 else languages[0]
            title, quote = self._headline(record, language, topics)
            published = record.date + dt.timedelta(days=self.rng.randint(0, 3))
            self.article_index += 1
            kind = "stance" if isinstance(record, StanceChange) else record.type
            url = (
                f"https://{outlet.domain}/{published:%Y/%m/%d}/"
                f"{country.slug}-{kind}-{self.article_index}"
            )
            text = f"{title}\n\n{quote}"
            self.pending_articles.append(
                Article(
                    url=url,
                    canonical_url=url,
                    outlet=outlet,
                    title=title,
                    language=language,
                    published_date=published,
                    fetched_at=dt.datetime.combine(published, dt.time(12), tzinfo=dt.UTC),
                    text=text,
                    content_hash=hashlib.sha256(text.encode()).hexdigest(),
                    state=Article.State.FETCHED,
                )
            )
            citation = Citation(quote=quote)
            if isinstance(record, Contact):
                citation.contact = record
            else:
                citation.stance_change = record
            self.pending_citations.append((citation, len(self.pending_articles) - 1))

    def _headline(
        self, record: Contact | StanceChange, language: str, topics: list[str]
    ) -> tuple[str, str]:
        """An article title (marked) and a supporting quote in `language`."""
        if isinstance(record, StanceChange):
            if language == "ru":
                return (
                    f"{MARK} {self.names_ru[record.country_id]}: новое решение по талибам",
                    "«Решение вступает в силу с сегодняшнего дня», — сообщили в министерстве.",
                )
            with override("en"):
                label = Dimension(record.dimension).label
                return (
                    f"{MARK} {record.country.name_en} changes course: {label}",
                    f"“The decision on {label} takes effect today,” the ministry said.",
                )
        if language == "ru":
            subjects = ", ".join(TOPICS_RU[code] for code in topics)
            return (
                f"{MARK} {self.names_ru[record.country_id]} и талибы: {subjects}",
                f"«Стороны обсудили вопросы: {subjects}», — сообщили в министерстве.",
            )
        subjects = _join([code.replace("_", " ") for code in topics])
        return (
            f"{MARK} {record.country.name_en} and the Taliban: {subjects}",
            f"“The sides discussed {subjects},” the foreign ministry said.",
        )

    def _sample_outlets(self, code: str, n: int) -> list[Outlet]:
        local = [o for o in self.outlets if o.country_id == code]
        pool = local * 2 + [o for o in self.outlets if o.country_id is None or o.country_id == "AF"]
        picked: list[Outlet] = []
        while len(picked) < n:
            outlet = self.rng.choice(pool)
            if outlet not in picked:
                picked.append(outlet)
        return picked

    def _flush_citations(self) -> None:
        self._save("articles", self.pending_articles)
        citations = []
        for citation, index in self.pending_citations:
            citation.article = self.pending_articles[index]
            citations.append(citation)
        self._save("citations", citations)

    def _dated(
        self, first: dt.date, last: dt.date, weights: tuple[int, int, int]
    ) -> tuple[str, dt.date]:
        """A precision (day, month, year by `weights`) and a date between first and last stored
        as the start of its period; a period starting before the Taliban takeover falls back
        to the day, so no record predates the Taliban side's positions."""
        precision = self.rng.choices(Precision.values, weights)[0]
        date = self._date_between(first, last)
        if period_start(date, precision) < FIRST_DATE:
            return Precision.DAY, date
        return precision, period_start(date, precision)

    def _date_between(self, first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days))

    def _weighted(self, options: Sequence[tuple[str, int]]) -> str:
        values, weights = zip(*options, strict=True)
        return self.rng.choices(values, weights)[0]


def _rank(holder: _Holder) -> int:
    return LEVEL_RANK[holder.level]


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"

"""The analyse stage: a fetched article becomes a near-duplicate, irrelevant, or analysed with
one suggestion per extracted event.

`article_analyse` runs twice without harm and survives a worker killed half-way: everything slow
(the near-duplicate search, extraction) happens before any write, and the single write
transaction starts by claiming the row (`fetched` → final state, a conditional update). A run
that loses the claim writes nothing; a run killed before its commit left nothing behind, and the
redelivered task starts again from `fetched`. Suggestions are also unique per (article,
fingerprint), so even a second writer could not double them.

Near-duplicates (see `dedupe`): an article whose SimHash lies within the threshold of a recent
pipeline article is a duplicate of it (of *its* original, if that one is a duplicate too) and
becomes another source of the original's suggestions. Two near-duplicates analysed at the same
time must not both become originals or both duplicates, so an undecided (`fetched`) article only
counts as an original for articles registered after it: the lower id wins. The duplicate's
transaction locks the original's row before it reads the original's suggestions, and the
original's own transaction holds that row (its claim) while it creates them and then attaches the
duplicates it can see; whichever commits second sees the other's rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from rapidfuzz import fuzz

from stances.dates import period_end, period_start
from stances.models import Actor, ActorAlias, Contact, Country, Position

from ..models import Article, Suggestion, SuggestionSource
from . import registry as registry_module
from .dedupe import NEAR_DUPLICATE_BITS, hamming, simhash
from .extract import Document, Event, extract_document
from .registry import Registry

logger = logging.getLogger(__name__)

# Near-duplicates are looked for among pipeline articles found this recently (a rewrite of a
# report comes within days), at most this many, newest first: the comparison runs in Python.
DEDUPE_WINDOW = dt.timedelta(days=60)
DEDUPE_CANDIDATES = 20_000
# A sentence of the duplicate is its evidence when it is at least this similar (0–100) to the
# original's supporting sentence.
EVIDENCE_MIN_SIMILARITY = 60
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
SENTENCE_END_CHARACTERS = re.compile(r"[.!?…]\W*$")
HEADLINE_MAX_WORDS = 25
PIPELINE_ORIGINS = (
    Article.Origin.FEED,
    Article.Origin.PASTED_URL,
    Article.Origin.PASTED_TEXT,
)


def article_analyse(*, article_id: int) -> Article:
    """Take a `fetched` pipeline article to its final state; any other article is returned as
    it is. Raises `Article.DoesNotExist` for an unknown id."""
    article = Article.objects.get(pk=article_id)
    if article.state != Article.State.FETCHED or article.origin not in PIPELINE_ORIGINS:
        return article
    if not article.text.strip():
        return _finish_failed(article_id, "The page has no readable text to analyse")
    fingerprint = article.simhash if article.simhash is not None else simhash(article.text)

    original_id = _original_of(article, fingerprint)
    if original_id is not None:
        return _finish_duplicate(article_id, original_id, fingerprint)

    registry = fresh_registry()
    try:
        result = extract_document(
            Document(
                text=_document_text(article),
                url="" if article.url.startswith("urn:") else article.url,
                published=article.published_date,
                language=article.language or None,
            ),
            registry,
        )
    except Exception as exc:  # a bug in extraction must show on the article, not vanish in a log
        logger.exception("Extraction failed on article %s", article_id)
        return _finish_failed(article_id, f"Extraction failed ({type(exc).__name__}: {exc})")

    with transaction.atomic():
        state = Article.State.ANALYSED if result.relevant else Article.State.IRRELEVANT
        claimed = _claim(article_id, state=state, simhash=fingerprint)
        article = Article.objects.get(pk=article_id)
        if not claimed:
            return article
        if not article.language and result.language:
            Article.objects.filter(pk=article_id).update(language=result.language)
            article.language = result.language
        if result.relevant:
            suggestions = _create_suggestions(article, result.events, registry)
            _attach_duplicates(article_id, suggestions)
        # After the conditional update, so the article's history records the outcome.
        article.save(update_fields=["state", "analysed_at", "language"])
    return article


@dataclass(frozen=True)
class _Registered:
    """What the registry was built from; a change means an editor added or edited actors."""

    actors: tuple
    aliases: tuple
    positions: tuple
    tracked: tuple


_registry_seen: _Registered | None = None


def fresh_registry() -> Registry:
    """The actor registry, re-read when actors, aliases, positions or tracked countries
    changed since it was built, so a long-running worker sees new actors (three queries)."""
    global _registry_seen
    current = _Registered(
        actors=tuple(Actor.objects.aggregate(n=Count("id"), last=Max("id")).values()),
        aliases=tuple(ActorAlias.objects.aggregate(n=Count("id"), last=Max("id")).values()),
        positions=tuple(Position.objects.aggregate(n=Count("id"), last=Max("id")).values()),
        tracked=tuple(
            Country.objects.filter(tracked=True).order_by("code").values_list("code", flat=True)
        ),
    )
    if _registry_seen is not None and current != _registry_seen:
        registry_module.reset()
    _registry_seen = current
    return registry_module.get_registry()


def suggestion_fingerprint(event: Event) -> str:
    """The event's identity within its article: kind, country, what, date, and the supporting
    sentence (case and spacing aside)."""
    what = event.type if event.kind == "contact" else f"{event.dimension}/{event.value}"
    date = event.date.isoformat() if event.date else ""
    evidence = " ".join(event.evidence.casefold().split())
    key = "|".join([event.kind, event.country, what or "", date, evidence])
    return hashlib.sha256(key.encode()).hexdigest()


def matching_contact(
    *, country: str, date: dt.date | None, precision: str, actor_ids: set[int]
) -> Contact | None:
    """An existing contact the event is most likely another report of: same country, dates
    whose periods overlap, and at least one participant in common. The closest in date wins."""
    if date is None or not actor_ids:
        return None
    precision = precision or "day"
    start, end = period_start(date, precision), period_end(date, precision)
    # A contact dated to the year starts up to a year before the event's period.
    candidates = (
        Contact.objects.live()
        .filter(
            country_id=country,
            date__lte=end,
            date__gte=start - dt.timedelta(days=366),
            participants__actor_id__in=actor_ids,
        )
        .distinct()
        .order_by("id")
    )
    overlapping = [c for c in candidates if period_end(c.date, c.date_precision) >= start]
    if not overlapping:
        return None
    return min(overlapping, key=lambda c: (abs((c.date - date).days), c.id))


def _claim(article_id: int, *, state: str, **fields: object) -> bool:
    return bool(
        Article.objects.filter(pk=article_id, state=Article.State.FETCHED).update(
            state=state, analysed_at=timezone.now(), **fields
        )
    )


def _finish_failed(article_id: int, reason: str) -> Article:
    with transaction.atomic():
        claimed = _claim(article_id, state=Article.State.FAILED, failure_reason=reason)
        article = Article.objects.get(pk=article_id)
        if claimed:
            article.save(update_fields=["state", "analysed_at", "failure_reason"])
    return article


def _finish_duplicate(article_id: int, original_id: int, fingerprint: int | None) -> Article:
    with transaction.atomic():
        # Lock the original first: its own analysis holds this row while it writes suggestions.
        list(Article.objects.select_for_update().filter(pk=original_id).values_list("pk"))
        claimed = _claim(
            article_id,
            state=Article.State.DUPLICATE,
            duplicate_of_id=original_id,
            simhash=fingerprint,
        )
        article = Article.objects.get(pk=article_id)
        if not claimed:
            return article
        sources = list(Suggestion.objects.filter(article_id=original_id))
        _add_sources(article, sources)
        article.save(update_fields=["state", "analysed_at", "duplicate_of"])
    return article


def _original_of(article: Article, fingerprint: int | None) -> int | None:
    """The id of the article this one is a near-duplicate of, or None."""
    if fingerprint is None:
        return None
    settled = (Article.State.ANALYSED, Article.State.IRRELEVANT, Article.State.DUPLICATE)
    rows = (
        Article.objects.filter(
            simhash__isnull=False,
            origin__in=PIPELINE_ORIGINS,
            found_at__gte=timezone.now() - DEDUPE_WINDOW,
        )
        .filter(Q(state__in=settled) | Q(state=Article.State.FETCHED, pk__lt=article.pk))
        .exclude(pk=article.pk)
        .order_by("-pk")
        .values_list("pk", "simhash", "state", "duplicate_of_id")[:DEDUPE_CANDIDATES]
    )
    best: tuple[int, int] | None = None
    for pk, other, state, duplicate_of in rows:
        original = duplicate_of if state == Article.State.DUPLICATE else pk
        if original is None or original == article.pk:
            continue  # a duplicate whose original was deleted, or one of this article's own
        distance = hamming(fingerprint, other)
        if distance <= NEAR_DUPLICATE_BITS and (best is None or (distance, original) < best):
            best = (distance, original)
    return best[1] if best else None


def _document_text(article: Article) -> str:
    """The text as extraction reads a report: a headline line, then the paragraphs. A page's
    text usually opens with its own headline (trafilatura keeps the <h1>); otherwise the
    article's title (from the feed, the page or the editor) is put above it."""
    text = article.text.strip()
    title = article.title.strip()
    first_line = text.split("\n", 1)[0].strip()
    opens_with_headline = (
        first_line != text
        and not SENTENCE_END_CHARACTERS.search(first_line)
        and len(first_line.split()) <= HEADLINE_MAX_WORDS
    )
    if title and not opens_with_headline and not text.startswith(title):
        return f"{title}\n\n{text}"
    return text


def _create_suggestions(
    article: Article, events: list[Event], registry: Registry
) -> list[Suggestion]:
    known_countries = set(Country.objects.values_list("code", flat=True))
    suggestions = []
    for event in events:
        if event.country not in known_countries:
            logger.warning("Event for unknown country %s in article %s", event.country, article.pk)
            continue
        participants = [
            {**participant, "actor_id": _actor_id(registry, participant)}
            for participant in event.participants
        ]
        actor_ids = {p["actor_id"] for p in participants if p["actor_id"] is not None}
        merge_into = None
        if event.kind == "contact":
            merge_into = matching_contact(
                country=event.country,
                date=event.date,
                precision=event.date_precision or "",
                actor_ids=actor_ids,
            )
        suggestion, _created = Suggestion.objects.get_or_create(
            article=article,
            fingerprint=suggestion_fingerprint(event),
            defaults={
                "kind": event.kind,
                "country_id": event.country,
                "contact_type": (event.type or "") if event.kind == "contact" else "",
                "dimension": event.dimension or "",
                "value": event.value or "",
                "date": event.date,
                "date_precision": (event.date_precision or "") if event.date else "",
                "location": (event.location or "")[:200],
                "participants": participants,
                "topics": list(event.topics),
                "evidence": event.evidence,
                "confidence": min(1.0, max(0.0, float(event.confidence))),
                "action": Suggestion.Action.MERGE if merge_into else Suggestion.Action.NEW,
                "merge_into": merge_into,
            },
        )
        suggestions.append(suggestion)
    return suggestions


def _actor_id(registry: Registry, participant: dict[str, str]) -> int | None:
    """The registry actor a participant names: extraction reports known actors by their
    canonical name, and a proposed new one by the name as written (no match here)."""
    name = participant.get("name", "")
    matches = [actor for actor in registry.actors if actor.name == name]
    if len(matches) > 1:
        matches = [actor for actor in matches if actor.side == participant.get("side")]
    return matches[0].id if len(matches) == 1 else None


def _attach_duplicates(article_id: int, suggestions: list[Suggestion]) -> None:
    """Near-duplicates decided while this article was still undecided get its suggestions."""
    for duplicate in Article.objects.filter(duplicate_of_id=article_id):
        _add_sources(duplicate, suggestions)


def _add_sources(duplicate: Article, suggestions: list[Suggestion]) -> None:
    sentences = [s for s in SENTENCE_END.split(duplicate.text) if s.strip()]
    for suggestion in suggestions:
        SuggestionSource.objects.get_or_create(
            suggestion=suggestion,
            article=duplicate,
            defaults={"evidence": _closest_sentence(sentences, suggestion.evidence)},
        )


def _closest_sentence(sentences: list[str], evidence: str) -> str:
    """The duplicate's own sentence for the original's evidence, or "" when none is close."""
    best, score = "", 0.0
    for sentence in sentences:
        similarity = fuzz.ratio(sentence.casefold(), evidence.casefold())
        if similarity > score:
            best, score = sentence.strip(), similarity
    return best if score >= EVIDENCE_MIN_SIMILARITY else ""

"""Synthetic data for benchmarks: realistic in shape, marked so it never passes for real data.

Marking (what `synthetic_purge` removes, and nothing else):
- contacts and stance changes: `key` starts with `synthetic-`, `summary` with "[synthetic]";
- actors (with their aliases and positions): `slug` starts with `synthetic-`;
- outlets on `synthetic.invalid` or a sub-domain of it (`.invalid` never resolves, RFC 2606),
  and their articles, whose URLs are all `https://….synthetic.invalid/…`.
Countries are reference data shared with real records: missing ones are created (the tracked
Central Asian states as tracked) and stay after a purge.

The shape follows domain.md: contacts from Aug 2021 to Feb 2026 with day, month and year
precision, every contact type, 2–5 participants from both sides (actors drawn from a pool whose
positions change hands, so the role and level match the date), topics, 1–3 citations of
synthetic articles with quotes in Russian or English, and a few stance changes per country per
year on every dimension; most records published, some drafts.

Rows are written with bulk_create in batches, which skips django-simple-history on purpose:
synthetic rows have no editing history worth keeping, and one history row per synthetic row
would double the work and fill the history tables with noise. For the same reason the purge
deletes without per-row signals (see `_delete`). The same seed on the same database state gives
the same data.
"""

from __future__ import annotations

import random

from django.db import models, transaction
from django.db.models import Q

from articles.models import Article, Citation, Outlet

from ..models import Actor, ActorAlias, Contact, Participant, Position, StanceChange
from ..pagecache import content_version_bump
from .generator import Generator, SyntheticDataError, SyntheticReport
from .pools import DOMAIN, MARK, PREFIX

__all__ = [
    "DOMAIN",
    "MARK",
    "PREFIX",
    "SyntheticDataError",
    "SyntheticReport",
    "synthetic_purge",
    "synthetic_seed",
]


def synthetic_seed(*, contacts: int, seed: int) -> SyntheticReport:
    """Write `contacts` synthetic contacts (spread over the tracked countries) with their actors,
    participants, topics, citations and articles, and the stance changes of every tracked
    country. Refuses if synthetic data is already there (purge it first)."""
    if contacts < 1:
        raise SyntheticDataError("The number of contacts must be at least 1.")
    with transaction.atomic():
        if _synthetic_present():
            raise SyntheticDataError(
                "Synthetic data is already in this database: purge it first (--purge)."
            )
        report = Generator(random.Random(seed)).write(contacts)
        content_version_bump()  # bulk writes send no signals: cached pages must go
        return report


def synthetic_purge() -> SyntheticReport:
    """Delete every synthetic row (see the module docstring) and its history, and nothing else.

    Refuses, changing nothing, if a real record points at a synthetic row (a participant who is
    a synthetic actor, a citation of a synthetic article)."""
    contacts = Contact.objects.filter(key__startswith=PREFIX)
    changes = StanceChange.objects.filter(key__startswith=PREFIX)
    actors = Actor.objects.filter(slug__startswith=PREFIX)
    outlets = Outlet.objects.filter(Q(domain=DOMAIN) | Q(domain__endswith=f".{DOMAIN}"))
    articles = Article.objects.filter(outlet__in=outlets)
    citations = Citation.objects.filter(
        Q(contact__in=contacts) | Q(stance_change__in=changes) | Q(article__in=articles)
    )
    real_citations = citations.exclude(Q(contact__in=contacts) | Q(stance_change__in=changes))
    real_participants = Participant.objects.filter(actor__in=actors).exclude(contact__in=contacts)
    report = SyntheticReport()
    with transaction.atomic():
        if real_citations.exists() or real_participants.exists():
            raise SyntheticDataError(
                "Real records cite synthetic articles or list synthetic actors; nothing was "
                "deleted. Edit those records first."
            )
        _purge_history(contacts, changes, actors, outlets, articles)
        # Children before parents, so the foreign keys hold at every step.
        for label, queryset in (
            ("topic links", Contact.topics.through.objects.filter(contact__in=contacts)),
            ("citations", citations),
            ("participants", Participant.objects.filter(contact__in=contacts)),
            ("contacts", contacts),
            ("stance changes", changes),
            ("aliases", ActorAlias.objects.filter(actor__in=actors)),
            ("positions", Position.objects.filter(actor__in=actors)),
            ("actors", actors),
            ("articles", articles),
            ("outlets", outlets),
        ):
            report.deleted[label] = _delete(queryset)
        content_version_bump()  # raw deletes send no signals: cached pages must go
    return report


def _synthetic_present() -> bool:
    return (
        Contact.objects.filter(key__startswith=PREFIX).exists()
        or StanceChange.objects.filter(key__startswith=PREFIX).exists()
        or Actor.objects.filter(slug__startswith=PREFIX).exists()
        or Outlet.objects.filter(Q(domain=DOMAIN) | Q(domain__endswith=f".{DOMAIN}")).exists()
    )


def _delete(queryset: models.QuerySet) -> int:
    # One DELETE per table, no per-row signals: QuerySet.delete() would load every row and make
    # django-simple-history write a "deleted" history row for each synthetic one (the seed
    # wrote none). Children are deleted explicitly before this, so no cascade is needed.
    return queryset._raw_delete(queryset.db)


def _purge_history(
    contacts: models.QuerySet,
    changes: models.QuerySet,
    actors: models.QuerySet,
    outlets: models.QuerySet,
    articles: models.QuerySet,
) -> None:
    """History rows exist only for synthetic rows someone edited after seeding (e.g. in the
    admin); they go with the rows they describe."""
    contact_ids = contacts.values("pk")
    change_ids = changes.values("pk")
    actor_ids = actors.values("pk")
    article_ids = articles.values("pk")
    Contact.history.filter(key__startswith=PREFIX).delete()
    StanceChange.history.filter(key__startswith=PREFIX).delete()
    Participant.history.filter(contact_id__in=contact_ids).delete()
    Citation.history.filter(
        Q(contact_id__in=contact_ids)
        | Q(stance_change_id__in=change_ids)
        | Q(article_id__in=article_ids)
    ).delete()
    Actor.history.filter(slug__startswith=PREFIX).delete()
    ActorAlias.history.filter(actor_id__in=actor_ids).delete()
    Position.history.filter(actor_id__in=actor_ids).delete()
    # Historical rows have their own primary key; `id` is the article's.
    Article.history.filter(id__in=article_ids).delete()
    Outlet.history.filter(Q(domain=DOMAIN) | Q(domain__endswith=f".{DOMAIN}")).delete()

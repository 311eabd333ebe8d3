"""Writes editors make on contacts and stance changes (issue 4): save with optimistic
concurrency, publish and unpublish, soft delete and restore, new actors typed inline.

Every write runs in one transaction holding the record's row lock, records its author in the
history, and adds one to the record's `version`. A save names the version the editor started
from; if the row has moved on since, nothing is written and `VersionConflict` carries the
current row so the editor can compare and merge.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from articles.models import Article, Citation

from .models import Actor, ActorAlias, Contact, Country, Participant, Record, StanceChange, Topic
from .names import normalize_name
from .pagecache import content_changes_batched
from .vocabulary import ActorKind, Side, Status


class VersionConflict(Exception):
    """The record was saved by someone else after the editor opened it."""

    def __init__(self, current: Record) -> None:
        super().__init__(f"{type(current).__name__} {current.pk} is at version {current.version}")
        self.current = current


@dataclass(frozen=True)
class ParticipantInput:
    """One participant row: a known actor, or the name of a new one on `side`."""

    side: str
    actor: Actor | None = None
    new_actor_name: str = ""
    role: str = ""
    level: str = ""


@dataclass(frozen=True)
class CitationInput:
    article: Article
    quote: str = ""


def actor_create(*, name: str, side: str, country: Country, editor: Any) -> Actor:
    """A new actor typed inline in a participant row, or the existing one with that exact name
    or alias on that side (so two editors typing the same new name get one actor)."""
    name = " ".join(name.split())
    taliban = side == Side.TALIBAN
    same_side = Actor.objects.filter(taliban=taliban)
    if not taliban:
        same_side = same_side.filter(country=country)
    existing = same_side.filter(aliases__normalized=normalize_name(name)).first()
    if existing is None:
        existing = same_side.filter(name__iexact=name).first()
    if existing is not None:
        return existing
    base = slugify(name) or slugify(f"actor-{country.code if not taliban else 'taliban'}")
    slug, n = base, 1
    while Actor.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    actor = Actor(
        slug=slug,
        name=name,
        kind=ActorKind.PERSON,
        taliban=taliban,
        country=None if taliban else country,
        notes=_("Created from a participant row; add positions and aliases."),
    )
    actor._history_user = editor
    actor.save()
    alias = ActorAlias(actor=actor, name=name)
    alias.set_normalized()
    alias._history_user = editor
    alias.save()
    return actor


def _lock_current[R: Record](model: type[R], pk: int, expected_version: int | None) -> R:
    current = model.objects.select_for_update().get(pk=pk)
    if expected_version is not None and current.version != expected_version:
        raise VersionConflict(current)
    return current


def _apply(record: Record, fields: dict[str, Any], editor: Any, reason: str = "") -> None:
    for name, value in fields.items():
        setattr(record, name, value)
    record.version += 1
    record._history_user = editor
    if reason:
        record._change_reason = reason


def _save_citations(record: Record, citations: Iterable[CitationInput], editor: Any) -> None:
    """Make the record's citations exactly `citations` (by article), keeping unchanged rows."""
    link = {"contact": record} if isinstance(record, Contact) else {"stance_change": record}
    wanted = {c.article.pk: c for c in citations}
    for citation in Citation.objects.filter(**link):
        citation._history_user = editor
        if citation.article_id not in wanted:
            citation.delete()
            continue
        quote = wanted.pop(citation.article_id).quote
        if citation.quote != quote:
            citation.quote = quote
            citation.save(update_fields=["quote"])
    for item in wanted.values():
        citation = Citation(article=item.article, quote=item.quote, **link)
        citation._history_user = editor
        citation.save()


def _save_participants(
    contact: Contact, participants: Iterable[ParticipantInput], editor: Any
) -> None:
    """Make the contact's participants exactly `participants` (by actor)."""
    wanted: dict[int, ParticipantInput] = {}
    for item in participants:
        actor = item.actor or actor_create(
            name=item.new_actor_name, side=item.side, country=contact.country, editor=editor
        )
        wanted[actor.pk] = ParticipantInput(
            side=item.side, actor=actor, role=item.role, level=item.level
        )
    for participant in Participant.objects.filter(contact=contact):
        participant._history_user = editor
        item = wanted.pop(participant.actor_id, None)
        if item is None:
            participant.delete()
            continue
        values = {"side": item.side, "role": item.role, "level": item.level}
        if any(getattr(participant, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(participant, k, v)
            participant.save()
    for item in wanted.values():
        participant = Participant(
            contact=contact, actor=item.actor, side=item.side, role=item.role, level=item.level
        )
        participant._history_user = editor
        participant.save()


def _check_published_is_cited(record: Record) -> None:
    if record.status == Status.PUBLISHED and not record.citations.exists():
        raise ValidationError(_("A record can only be published with at least one citation."))


def _save_with_topics(contact: Contact, topics: Iterable[Topic], created: bool) -> None:
    """Save the contact and its topics as one version in its history."""
    topics = list(topics)
    if created:
        contact.save_without_historical_record()
    # Without this flag every m2m change writes a version of its own.
    contact.skip_history_when_saving = True
    try:
        contact.topics.set(topics)
    finally:
        del contact.skip_history_when_saving
    contact.save()
    if created:
        # The save above recorded the creation as a change; it is the first version.
        contact.history.filter(history_id=contact.history.latest().history_id).update(
            history_type="+"
        )


@transaction.atomic
def contact_save(
    *,
    contact: Contact | None,
    fields: dict[str, Any],
    topics: Iterable[Topic],
    participants: Iterable[ParticipantInput],
    citations: Iterable[CitationInput],
    editor: Any,
    expected_version: int | None = None,
) -> Contact:
    """Create (`contact` None) or update a contact with its participants and citations.

    Raises VersionConflict when `expected_version` is not the stored version, and
    ValidationError when the result would be published without a citation.
    """
    with content_changes_batched():
        created = contact is None
        record = Contact() if created else _lock_current(Contact, contact.pk, expected_version)
        if created:
            record.version = 0
        _apply(record, fields, editor)
        _save_with_topics(record, topics, created)
        _save_participants(record, participants, editor)
        _save_citations(record, citations, editor)
        _check_published_is_cited(record)
    return record


@transaction.atomic
def stance_change_save(
    *,
    change: StanceChange | None,
    fields: dict[str, Any],
    citations: Iterable[CitationInput],
    editor: Any,
    expected_version: int | None = None,
) -> StanceChange:
    """Create (`change` None) or update a stance change with its citations (as contact_save)."""
    with content_changes_batched():
        created = change is None
        record = (
            StanceChange() if created else _lock_current(StanceChange, change.pk, expected_version)
        )
        if created:
            record.version = 0
        _apply(record, fields, editor)
        record.full_clean(exclude=["key"], validate_unique=False)
        record.save()
        _save_citations(record, citations, editor)
        _check_published_is_cited(record)
    return record


@transaction.atomic
def record_set_status[R: Record](*, record: R, status: str, editor: Any) -> R:
    """Publish or unpublish; recorded in the history like any change."""
    current = _lock_current(type(record), record.pk, None)
    if current.status == status:
        return current
    _apply(
        current,
        {"status": status},
        editor,
        _("Published") if status == Status.PUBLISHED else _("Unpublished"),
    )
    _check_published_is_cited(current)
    current.save()
    return current


@transaction.atomic
def record_delete[R: Record](*, record: R, editor: Any) -> R:
    """Soft delete: the record leaves every public view but keeps its history; restorable."""
    current = _lock_current(type(record), record.pk, None)
    if current.deleted_at is None:
        _apply(current, {"deleted_at": timezone.now()}, editor, _("Deleted"))
        current.save()
    return current


@transaction.atomic
def record_restore[R: Record](*, record: R, editor: Any) -> R:
    """Undo a soft delete: the record is back with the status it had."""
    current = _lock_current(type(record), record.pk, None)
    if current.deleted_at is not None:
        _apply(current, {"deleted_at": None}, editor, _("Restored"))
        current.save()
    return current

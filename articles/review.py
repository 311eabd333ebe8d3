"""Writes of the review queue (issue 6): accept, merge, reject a suggestion.

Each decision claims the suggestion with a conditional update (pending → decided), so two
editors clicking at once produce one decision and the loser is told it was already decided.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from stances.models import Contact, StanceChange

from .models import Citation, Suggestion


class AlreadyDecided(Exception):
    """Another editor decided this suggestion first."""


def _claim(suggestion: Suggestion, **values: Any) -> None:
    claimed = Suggestion.objects.filter(pk=suggestion.pk, state=Suggestion.State.PENDING).update(
        decided_at=timezone.now(), **values
    )
    if not claimed:
        raise AlreadyDecided(suggestion.pk)
    suggestion.refresh_from_db()


def _history(suggestion: Suggestion, editor: Any, reason: str) -> None:
    # The conditional update above writes no history row; this save records who decided.
    suggestion._history_user = editor
    suggestion._change_reason = reason
    suggestion.save(update_fields=["state"])


@transaction.atomic
def suggestion_reject(*, suggestion: Suggestion, editor: Any, reason: str) -> Suggestion:
    """Reject with a reason; the row stays, so re-analysing the article never suggests it again."""
    reason = reason.strip()
    if not reason:
        raise ValueError(_("A rejection needs a reason."))
    _claim(suggestion, state=Suggestion.State.REJECTED, reject_reason=reason, decided_by=editor)
    _history(suggestion, editor, _("Rejected"))
    return suggestion


@transaction.atomic
def suggestion_merge(*, suggestion: Suggestion, editor: Any) -> Contact:
    """Add the suggestion's article (and its near-duplicate sources) to the existing contact as
    citations, each with its supporting sentence as the quote."""
    contact = suggestion.merge_into
    if contact is None:
        raise ValueError(_("This suggestion matches no existing contact."))
    _claim(
        suggestion,
        state=Suggestion.State.ACCEPTED,
        decided_by=editor,
        contact=contact,
    )
    sources = [(suggestion.article, suggestion.evidence)] + [
        (source.article, source.evidence) for source in suggestion.sources.select_related("article")
    ]
    cited = set(Citation.objects.filter(contact=contact).values_list("article_id", flat=True))
    for article, quote in sources:
        if article.pk in cited:
            continue
        citation = Citation(article=article, contact=contact, quote=quote)
        citation._history_user = editor
        citation.save()
        cited.add(article.pk)
    # A new citation changes the contact: a form opened before must see a newer version.
    Contact.objects.filter(pk=contact.pk).update(version=F("version") + 1)
    _history(suggestion, editor, _("Merged into contact %(id)s") % {"id": contact.pk})
    return contact


@transaction.atomic
def suggestion_accept(
    *, suggestion: Suggestion, editor: Any, record: Contact | StanceChange
) -> Suggestion:
    """Mark the suggestion accepted as `record`, which the editor just saved from the
    pre-filled form (the citation and quote went in with it)."""
    link = {"contact": record} if isinstance(record, Contact) else {"stance_change": record}
    _claim(suggestion, state=Suggestion.State.ACCEPTED, decided_by=editor, **link)
    _history(suggestion, editor, _("Accepted"))
    return suggestion


def pending_suggestion(pk: Any) -> Suggestion | None:
    """The pending suggestion with id `pk` (None for a malformed id or a decided one)."""
    try:
        return (
            Suggestion.objects.select_related("article__outlet", "country")
            .filter(state=Suggestion.State.PENDING)
            .get(pk=int(pk))
        )
    except (TypeError, ValueError, Suggestion.DoesNotExist):
        return None


def suggestion_initial(suggestion: Suggestion) -> dict[str, Any]:
    """What the contact or stance-change form starts with when an editor accepts a suggestion:
    the fields, the participants (known actors by id, others as new names) and the citations
    (the article and its near-duplicate sources, each quoting its supporting sentence)."""
    sources = list(suggestion.sources.select_related("article__outlet"))
    outlets = {suggestion.article.outlet_id} | {s.article.outlet_id for s in sources}
    form = {
        "country": suggestion.country_id,
        "date": suggestion.date,
        "date_precision": suggestion.date_precision or "day",
        "summary": suggestion.evidence,
        # domain.md: two independent outlets confirm; one source is "reported".
        "verification": "confirmed" if len(outlets - {None}) >= 2 else "reported",
        "status": "draft",
    }
    if suggestion.kind == Suggestion.Kind.CONTACT:
        form.update(
            type=suggestion.contact_type,
            location_city=suggestion.location,
            topics=list(suggestion.topics),
        )
    else:
        form.update(dimension=suggestion.dimension, value=suggestion.value)
    participants = []
    for p in suggestion.participants:
        side = "taliban" if p.get("side") == "TALIBAN" else "country"
        if p.get("side") not in ("TALIBAN", suggestion.country_id):
            continue
        row = {"side": side, "role": p.get("role") or ""}
        if p.get("actor_id"):
            row["actor"] = p["actor_id"]
        else:
            row["new_actor_name"] = p.get("name") or ""
        participants.append(row)
    citations = [{"article": suggestion.article_id, "quote": suggestion.evidence}] + [
        {"article": s.article_id, "quote": s.evidence} for s in sources
    ]
    return {"form": form, "participants": participants, "citations": citations}

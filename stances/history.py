"""Readable history of records: who changed which field when (issue 4, "full history").

simple-history stores one full snapshot per save. The diffs here are computed in Python between
consecutive snapshots, not with `diff_against`, because that runs queries per version (for m2m
fields) and the pages must keep a fixed query count whatever the number of versions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import OuterRef, Subquery, Value
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import Article, Citation

from .dates import display_date
from .models import Actor, Contact, StanceChange, Topic
from .vocabulary import TopicCode, dimension_value_label

CHANGE_TYPES = {
    "+": gettext_lazy("created"),
    "~": gettext_lazy("changed"),
    "-": gettext_lazy("deleted"),
}

# Bookkeeping columns that change on every save and say nothing to a reader.
UNTRACKED = {"id", "created_at", "updated_at", "found_at", "version"}

EMPTY = "—"


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Version:
    history_id: int
    when: dt.datetime
    user: Any
    change_type: str
    history_type: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)
    is_current: bool = False


def diffable_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields of `model` its history tracks, minus bookkeeping columns."""
    tracked = model.history.model.tracked_fields
    return [f for f in tracked if f.name not in UNTRACKED]


def _m2m_names(model: type[models.Model]) -> list[str]:
    return [f.name for f in getattr(model.history.model, "_history_m2m_fields", [])]


def m2m_rows_accessor(model: type[models.Model], name: str) -> str:
    """The attribute of a historical row holding its snapshot of the m2m field `name`."""
    relation = model.history.model._meta.get_field(f"historical{model._meta.model_name}_{name}")
    return relation.get_accessor_name()


def _display(model_field: models.Field, snapshot: Any, fk_names: dict[tuple, str]) -> str:
    value = getattr(snapshot, model_field.attname)
    if value in (None, ""):
        return EMPTY
    if model_field.is_relation:
        return fk_names.get((model_field.related_model, value), str(value))
    if model_field.name == "date" and hasattr(snapshot, "date_precision"):
        return display_date(value, snapshot.date_precision)
    if model_field.name == "value" and hasattr(snapshot, "dimension"):
        return dimension_value_label(snapshot.dimension, value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _fk_names(fields: list[models.Field], snapshots: list[Any]) -> dict[tuple, str]:
    """`str()` of every related row the snapshots point at: one query per related model."""
    ids: dict[type[models.Model], set] = defaultdict(set)
    for f in fields:
        if f.is_relation:
            ids[f.related_model].update(
                v for s in snapshots if (v := getattr(s, f.attname)) is not None
            )
    names: dict[tuple, str] = {}
    for related, pks in ids.items():
        if pks:
            for obj in related._default_manager.filter(pk__in=pks):
                names[(related, obj.pk)] = str(obj)
    return names


def _changes(
    fields: list[models.Field], old: Any, new: Any, fk_names: dict[tuple, str]
) -> list[FieldChange]:
    changes = []
    for f in fields:
        if old is not None and getattr(old, f.attname) == getattr(new, f.attname):
            continue
        before = _display(f, old, fk_names) if old is not None else EMPTY
        after = _display(f, new, fk_names)
        if old is None and after == EMPTY:
            continue
        changes.append(FieldChange(str(f.verbose_name).capitalize(), before, after))
    return changes


def _topic_labels(codes: set[str]) -> str:
    labels = sorted(str(TopicCode(c).label) if c in TopicCode.values else c for c in codes)
    return ", ".join(labels) or EMPTY


def record_history(record: Contact | StanceChange) -> list[Version]:
    """Every version of a contact or stance change, newest first, each diffed to the one before.

    Two queries for a stance change (versions with their users, the names of the countries they
    point at); three for a contact (plus the topics of every version), whatever the number of
    versions.
    """
    model = type(record)
    m2m = _m2m_names(model)
    snapshots = list(
        record.history.select_related("history_user")
        .prefetch_related(*[m2m_rows_accessor(model, name) for name in m2m])
        .order_by("history_date", "history_id")
    )
    fields = diffable_fields(model)
    fk_names = _fk_names(fields, snapshots)
    versions: list[Version] = []
    previous = None
    previous_topics: set[str] | None = None
    for snapshot in snapshots:
        version = Version(
            history_id=snapshot.history_id,
            when=snapshot.history_date,
            user=snapshot.history_user,
            change_type=str(CHANGE_TYPES.get(snapshot.history_type, snapshot.history_type)),
            history_type=snapshot.history_type,
            reason=snapshot.history_change_reason or "",
            changes=_changes(fields, previous, snapshot, fk_names),
        )
        if "topics" in m2m:
            through = getattr(snapshot, m2m_rows_accessor(model, "topics")).all()
            topics = {row.topic_id for row in through}
            if topics != (previous_topics or set()):
                version.changes.append(
                    FieldChange(
                        str(Topic._meta.verbose_name_plural).capitalize(),
                        _topic_labels(previous_topics or set()),
                        _topic_labels(topics),
                    )
                )
            previous_topics = topics
        versions.append(version)
        previous = snapshot
    if versions:
        versions[-1].is_current = True
    versions.reverse()
    return versions


# --- Recent changes across records ---------------------------------------------------------

RECENT_MODELS: dict[str, type[models.Model]] = {
    "contact": Contact,
    "stancechange": StanceChange,
    "actor": Actor,
    "article": Article,
    "citation": Citation,
}


@dataclass(frozen=True)
class RecentChange:
    when: dt.datetime
    user: Any
    kind: str
    title: str
    url: str
    change_type: str
    fields: list[str]


def _record_link(kind: str, snapshot: Any) -> tuple[str, str]:
    if kind == "citation":
        target = (
            reverse("stances:contact", kwargs={"pk": snapshot.contact_id})
            if snapshot.contact_id
            else reverse("stances:stance", kwargs={"pk": snapshot.stance_change_id})
        )
        return _("Citation %(id)s") % {"id": snapshot.id}, target
    # Not `snapshot.instance`: it reloads the fields history excludes (an article's text).
    model = RECENT_MODELS[kind]
    instance = model(
        **{f.attname: getattr(snapshot, f.attname) for f in model.history.model.tracked_fields}
    )
    return str(instance), instance.get_absolute_url()


def recent_changes_page(page_number: int | str | None, per_page: int = 50) -> Page:
    """One page of every version of contacts, stance changes, actors, articles and citations,
    newest first. The page's `object_list` holds `RecentChange` rows.

    Queries: the count, the page of ids (one UNION), then for each kind present on the page its
    versions (with users) and the versions before them: at most 2 + 2 × 5, whatever the size.
    """
    parts = [
        # Each part unordered: compound statements only take the ORDER BY of the whole.
        model.history.model.objects.order_by()
        .values("history_id", "history_date")
        .annotate(kind=Value(kind, output_field=models.CharField()))
        for kind, model in RECENT_MODELS.items()
    ]
    union = parts[0].union(*parts[1:], all=True).order_by("-history_date", "-history_id")
    page = Paginator(union, per_page).get_page(page_number)
    ids: dict[str, list[int]] = defaultdict(list)
    for row in page.object_list:
        ids[row["kind"]].append(row["history_id"])
    snapshots: dict[tuple[str, int], Any] = {}
    previous: dict[tuple[str, int], Any] = {}
    for kind, history_ids in ids.items():
        history_model = RECENT_MODELS[kind].history.model
        earlier = history_model.objects.filter(
            id=OuterRef("id"), history_date__lt=OuterRef("history_date")
        ).order_by("-history_date", "-history_id")
        rows = list(
            history_model.objects.filter(history_id__in=history_ids)
            .select_related("history_user")
            .annotate(previous_id=Subquery(earlier.values("history_id")[:1]))
        )
        before = history_model.objects.in_bulk([r.previous_id for r in rows if r.previous_id])
        for row in rows:
            snapshots[(kind, row.history_id)] = row
            if row.previous_id:
                previous[(kind, row.history_id)] = before[row.previous_id]
    changes = []
    for row in page.object_list:
        key = (row["kind"], row["history_id"])
        snapshot = snapshots[key]
        model = RECENT_MODELS[row["kind"]]
        old = previous.get(key)
        if snapshot.history_type == "~" and old is not None:
            changed = [
                str(f.verbose_name).capitalize()
                for f in diffable_fields(model)
                if getattr(old, f.attname) != getattr(snapshot, f.attname)
            ]
        else:
            changed = []
        title, url = _record_link(row["kind"], snapshot)
        changes.append(
            RecentChange(
                when=snapshot.history_date,
                user=snapshot.history_user,
                kind=str(model._meta.verbose_name).capitalize(),
                title=title,
                url=url,
                change_type=str(CHANGE_TYPES.get(snapshot.history_type, "")),
                fields=changed,
            )
        )
    page.object_list = changes
    return page

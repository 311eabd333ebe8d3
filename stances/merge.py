"""The conflict page of optimistic concurrency: what the editor typed against what a colleague
saved meanwhile, field by field, and the merge the editor chooses.

Three versions take part: the *base* the editor opened (found in the history by its version
number), *theirs* (the row as stored now) and *mine* (the submitted form). A field only the
colleague changed defaults to theirs, anything else to mine; the editor's choice travels as
`merge-<field>` = `mine`/`theirs` with the re-submitted form, and `merged_post` swaps in the
stored values the editor chose to keep.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

from .dates import display_date
from .history import m2m_rows_accessor
from .models import Contact, Record
from .vocabulary import Side

MINE, THEIRS = "mine", "theirs"
SETS = ("participants", "citations")


@dataclass(frozen=True)
class ConflictRow:
    name: str
    label: str
    mine: str
    theirs: str
    they_changed: bool
    i_changed: bool

    @property
    def default(self) -> str:
        return THEIRS if self.they_changed and not self.i_changed else MINE


@dataclass(frozen=True)
class ConflictSet:
    name: str
    label: str
    mine: list[str]
    theirs: list[str]


def _norm(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | set | tuple):
        return frozenset(_norm(v) for v in value)
    return "" if value is None else value


def _show(field: forms.Field, value: Any) -> str:
    if value in (None, "") or value == frozenset():
        return "—"
    if isinstance(value, frozenset | list | set | tuple | models.QuerySet):
        return ", ".join(sorted(_show(field, v) for v in value))
    if isinstance(value, models.Model):
        return str(value)
    choices = getattr(field, "choices", None)
    if choices and not isinstance(field, forms.ModelChoiceField):
        flat: dict[str, str] = {}
        for key, label in choices:
            if isinstance(label, list | tuple):
                flat.update({str(k): str(v) for k, v in label})
            else:
                flat[str(key)] = str(label)
        return flat.get(str(value), str(value))
    return str(value)


def _stored(record: Record, name: str) -> Any:
    return list(record.topics.all()) if name == "topics" else getattr(record, name)


def _base_values(record: Record, version: int | None) -> dict[str, Any] | None:
    base = record.history.filter(version=version).order_by("-history_id").first()
    if base is None:
        return None
    values = {f.name: getattr(base, f.attname) for f in type(record)._meta.concrete_fields}
    if isinstance(record, Contact):
        rows = getattr(base, m2m_rows_accessor(Contact, "topics")).all()
        values["topics"] = frozenset(row.topic_id for row in rows)
    return values


def conflict_rows(
    form: forms.ModelForm,
    participants: Any,
    citations: Any,
    current: Record,
) -> dict[str, Any]:
    """Everything the conflict page shows: differing fields and differing sets."""
    base = _base_values(current, form.opened_version)
    rows = []
    for name in form.Meta.fields:
        field = form.fields[name]
        mine = _norm(form.cleaned_data.get(name))
        theirs = (
            _norm(list(current.topics.all())) if name == "topics" else _norm(getattr(current, name))
        )
        if mine == theirs:
            continue
        before = base.get(name, "") if base is not None else None
        before = _norm(before)
        rows.append(
            ConflictRow(
                name=name,
                label=str(field.label or name).capitalize(),
                mine=_show(field, form.cleaned_data.get(name)),
                theirs=_show(
                    field,
                    list(current.topics.all()) if name == "topics" else getattr(current, name),
                ),
                they_changed=base is None or before != theirs,
                i_changed=base is None or before != mine,
            )
        )
    sets = []
    if participants is not None:
        mine_p = sorted(_participant_label(f.cleaned_data) for f in participants.kept_forms())
        theirs_p = sorted(
            _participant_label({"actor": p.actor, "side": p.side, "role": p.role})
            for p in current.participants.select_related("actor")
        )
        if mine_p != theirs_p:
            sets.append(ConflictSet("participants", _("Participants"), mine_p, theirs_p))
    mine_c = sorted(
        _citation_label(f.cleaned_data["article"], f.cleaned_data.get("quote", ""))
        for f in citations.kept_forms()
    )
    theirs_c = sorted(
        _citation_label(c.article, c.quote) for c in current.citations.select_related("article")
    )
    if mine_c != theirs_c:
        sets.append(ConflictSet("citations", _("Citations"), mine_c, theirs_c))
    author = current.history.select_related("history_user").order_by("-history_id").first()
    return {
        "rows": rows,
        "sets": sets,
        "current": current,
        "author": author.history_user if author else None,
        "when": author.history_date if author else None,
        "date": display_date(current.date, current.date_precision),
    }


def _participant_label(data: dict[str, Any]) -> str:
    actor = data.get("actor")
    name = actor.name if actor else data.get("new_actor_name", "")
    side = _("Taliban") if data.get("side") == Side.TALIBAN else _("country")
    role = data.get("role", "")
    return f"{name} ({side}{', ' + role if role else ''})"


def _citation_label(article: Any, quote: str) -> str:
    label = str(article)
    return f"{label}: “{quote}”" if quote else label


def _as_strings(value: Any) -> list[str]:
    if value is None:
        return [""]
    if isinstance(value, list | tuple | set | frozenset):
        return [str(_norm(v)) for v in value]
    if hasattr(value, "isoformat"):
        return [value.isoformat()]
    return [str(_norm(value))]


def merged_post(
    request: HttpRequest,
    record: Record,
    forms_of: Callable[[HttpRequest, Record, QueryDict | None], tuple],
) -> QueryDict:
    """The submitted data with the stored values put back where the editor chose "theirs"."""
    post = request.POST
    chosen = {k[len("merge-") :] for k, v in post.items() if k.startswith("merge-") and v == THEIRS}
    if not chosen:
        return post
    data = post.copy()
    stored = forms_of(request, record, None)
    form = stored[0]
    for name in chosen & set(form.fields):
        data.setlist(form.add_prefix(name), _as_strings(form[name].value()))
    for formset in stored[1:]:
        if formset.prefix not in chosen or formset.prefix not in SETS:
            continue
        for key in [k for k in data if k.startswith(f"{formset.prefix}-")]:
            del data[key]
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value() or 0)
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(formset.initial_forms))
        for item in formset.initial_forms:
            for name in item.fields:
                if name != "DELETE":
                    data.setlist(item.add_prefix(name), _as_strings(item[name].value()))
    for key in [k for k in data if k.startswith("merge-")]:
        del data[key]
    return data

"""Revert a contact or stance change to an earlier version; the revert is itself a new version."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .history import diffable_fields, m2m_rows_accessor
from .models import Contact, StanceChange

REVERT_SKIPS = {"deleted_at"}


class VersionNotFound(Exception):
    """The history id is unknown or belongs to another record."""


@transaction.atomic
def record_revert[R: (Contact, StanceChange)](*, record: R, history_id: int, editor: Any) -> R:
    """Copy the field values (and, for a contact, the topics) of version `history_id` of
    `record` onto it and save, recorded as a change by `editor` with the reason saying so.

    Raises VersionNotFound when `history_id` is not a version of this record.
    """
    version = record.history.filter(history_id=history_id).first()
    if version is None:
        raise VersionNotFound(history_id)
    # Lock the live row so two reverts (or a revert and an edit) cannot interleave.
    record = type(record).objects.select_for_update().get(pk=record.pk)
    for f in diffable_fields(type(record)):
        # Deletion is undone by restoring, not by reverting content.
        if f.name not in REVERT_SKIPS:
            setattr(record, f.attname, getattr(version, f.attname))
    # A form opened before the revert must see it as a newer version (optimistic concurrency).
    record.version += 1
    if isinstance(record, Contact):
        topics = [
            row.topic_id for row in getattr(version, m2m_rows_accessor(Contact, "topics")).all()
        ]
        # Without this flag every m2m change writes a version of its own; the save below
        # records one version holding both the fields and the topics.
        record.skip_history_when_saving = True
        try:
            record.topics.set(topics)
        finally:
            del record.skip_history_when_saving
    record._history_user = editor
    record._change_reason = _("Reverted to version of %(date)s") % {
        "date": formats.date_format(timezone.localtime(version.history_date), "Y-m-d H:i")
    }
    record.save()
    return record

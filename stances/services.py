"""Writes on countries, actors, contacts and stance changes.

`demo_data_load` loads the project's own demo dataset (data/demo/*.yaml, format in
docs/demo-data.md). It is idempotent: rows are matched by their natural keys (country code,
actor slug, record key, canonical URL) and saved only when something differs, so a second run
changes nothing and writes no history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from articles.models import Citation
from articles.services import article_register

from .dates import period_start
from .models import (
    Actor,
    ActorAlias,
    Contact,
    Country,
    Participant,
    Position,
    StanceChange,
    Topic,
)
from .names import normalize_name
from .pagecache import content_changes_batched
from .vocabulary import Precision, Side, Status, TopicCode


class DemoDataError(Exception):
    """The demo data is malformed; the message names the file and record."""


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, model: type[models.Model], created: bool | None) -> None:
        if created is None:
            return
        bucket = self.created if created else self.updated
        name = model._meta.verbose_name_plural
        bucket[str(name)] = bucket.get(str(name), 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _upsert[M: models.Model](
    model: type[M], report: LoadReport, lookup: Mapping[str, Any], values: Mapping[str, Any]
) -> tuple[M, bool]:
    """Get-or-create by `lookup`; save only the fields of `values` that differ. Returns the row
    and whether it was created.

    Unlike update_or_create this never saves an unchanged row, so reloading the same data does
    not add history records.
    """
    obj = model.objects.filter(**lookup).first()
    created = obj is None
    if obj is None:
        obj = model(**lookup, **values)
    else:
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if not changed:
            return obj, False
        for name in changed:
            setattr(obj, name, values[name])
    try:
        _validate(obj)
        obj.save()
    except (ValidationError, IntegrityError) as exc:
        described = ", ".join(f"{k}={v}" for k, v in lookup.items())
        raise DemoDataError(f"{model._meta.verbose_name} ({described}): {exc}") from exc
    report.count(model, created=created)
    return obj, created


def _validate(obj: models.Model) -> None:
    """Field and model validation without a query per row: relations are resolved by the save
    and every constraint is enforced by the database itself (full_clean would add a query for
    each foreign key, unique field and check constraint, which made loading slow)."""
    relations = [f.name for f in obj._meta.concrete_fields if f.is_relation]
    obj.clean_fields(exclude=relations)
    obj.clean()


def _date(value: Any, where: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DemoDataError(f"{where}: {value!r} is not a YYYY-MM-DD date") from None


def _required_date(value: Any, where: str) -> dt.date:
    date = _date(value, where)
    if date is None:
        raise DemoDataError(f"{where}: a date is required")
    return date


def _read(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except (OSError, yaml.YAMLError) as exc:
        raise DemoDataError(f"{path.name}: {exc}") from exc


@transaction.atomic
def demo_data_load(*, directory: Path) -> LoadReport:
    """Load countries.yaml, taliban.yaml and every other *.yaml (one per tracked state)."""
    with content_changes_batched():
        return _demo_data_load(directory)


def _demo_data_load(directory: Path) -> LoadReport:
    report = LoadReport()
    topics_ensure()
    countries_file = directory / "countries.yaml"
    if not countries_file.exists():
        raise DemoDataError(f"{directory} has no countries.yaml")
    for row in _read(countries_file):
        _upsert(
            Country,
            report,
            {"code": row["code"]},
            {"name_en": row["name_en"], "name_ru": row["name_ru"], "tracked": row["tracked"]},
        )

    taliban_file = directory / "taliban.yaml"
    if taliban_file.exists():
        _load_actors(_read(taliban_file)["actors"], report, country=None, where=taliban_file.name)

    state_files = sorted(
        p for p in directory.glob("*.yaml") if p.name not in {"countries.yaml", "taliban.yaml"}
    )
    for path in state_files:
        data = _read(path)
        try:
            country = Country.objects.get(code=data["country"])
        except (KeyError, TypeError, Country.DoesNotExist):
            raise DemoDataError(f"{path.name}: unknown or missing `country`") from None
        _load_actors(data.get("actors") or [], report, country=country, where=path.name)
        for row in data.get("contacts") or []:
            _load_contact(row, country, report, where=f"{path.name}: {row.get('key')}")
        for row in data.get("stance_changes") or []:
            _load_stance_change(row, country, report, where=f"{path.name}: {row.get('key')}")
    return report


def topics_ensure() -> None:
    """The topic vocabulary as rows (a migration creates them; `manage.py flush` and test
    flushes remove them, so whatever loads records puts any missing ones back)."""
    existing = set(Topic.objects.values_list("code", flat=True))
    Topic.objects.bulk_create(Topic(code=code) for code in TopicCode.values if code not in existing)


def _load_actors(
    rows: Iterable[dict[str, Any]], report: LoadReport, *, country: Country | None, where: str
) -> None:
    for row in rows:
        here = f"{where}: actor {row.get('slug')}"
        actor, _created = _upsert(
            Actor,
            report,
            {"slug": row["slug"]},
            {
                "name": row["name"],
                "kind": row.get("kind", "person"),
                "country": country,
                "taliban": country is None,
            },
        )
        aliases = [{"name": row["name"], "lang": "en"}, *(row.get("aliases") or [])]
        seen: set[str] = set()
        for alias in aliases:
            normalized = normalize_name(alias["name"])
            if normalized in seen:
                continue
            seen.add(normalized)
            _upsert(
                ActorAlias,
                report,
                {"actor": actor, "normalized": normalized},
                {"name": alias["name"], "language": alias.get("lang", "")},
            )
        for position in row.get("positions") or []:
            start = _date(position.get("start"), f"{here} position start")
            _upsert(
                Position,
                report,
                {"actor": actor, "title": position["title"], "start": start},
                {
                    "level": position["level"],
                    "start_precision": position.get("start_precision", Precision.DAY),
                    "end": _date(position.get("end"), f"{here} position end"),
                    "end_precision": position.get("end_precision", Precision.DAY),
                },
            )


def _record_values(row: dict[str, Any], where: str) -> dict[str, Any]:
    date = _required_date(row.get("date"), where)
    precision = row.get("precision", Precision.DAY)
    if precision not in Precision.values:
        raise DemoDataError(f"{where}: precision {precision!r} is not one of {Precision.values}")
    if date != period_start(date, precision):
        raise DemoDataError(f"{where}: a {precision}-precision date must be the period's first day")
    if not row.get("citations"):
        raise DemoDataError(f"{where}: every record needs at least one citation")
    return {
        "date": date,
        "date_precision": precision,
        "summary": row["summary"].strip(),
        "verification": row.get("verification", "reported"),
        "status": Status.PUBLISHED,
        "notes": (row.get("notes") or "").strip(),
    }


def _load_contact(row: dict[str, Any], country: Country, report: LoadReport, where: str) -> None:
    location = row.get("location") or {}
    levels = row.get("levels") or {}
    values = _record_values(row, where) | {
        "country": country,
        "type": row["type"],
        "direction": row.get("direction") or "",
        "location_city": location.get("city") or "",
        "location_country_id": location.get("country"),
        "level_country": levels.get("country") or "",
        "level_taliban": levels.get("taliban") or "",
    }
    contact, created = _upsert(Contact, report, {"key": row["key"]}, values)

    wanted: dict[int, dict[str, Any]] = {}
    for participant in row.get("participants") or []:
        try:
            actor = Actor.objects.get(slug=participant["actor"])
        except Actor.DoesNotExist:
            raise DemoDataError(f"{where}: unknown actor {participant['actor']!r}") from None
        if participant["side"] not in Side.values:
            raise DemoDataError(
                f"{where}: side {participant['side']!r} is not one of {Side.values}"
            )
        wanted[actor.pk] = {
            "side": participant["side"],
            "role": participant.get("role") or "",
            "level": participant.get("level") or "",
        }
    stale = contact.participants.exclude(actor_id__in=wanted)
    if stale.exists():
        stale.delete()
        report.count(Participant, created=False)
    for actor_id, fields in wanted.items():
        _upsert(Participant, report, {"contact": contact, "actor_id": actor_id}, fields)

    topics = set(row.get("topics") or [])
    unknown = topics - set(Topic.objects.values_list("code", flat=True))
    if unknown:
        raise DemoDataError(f"{where}: unknown topics {sorted(unknown)}")
    if created or set(contact.topics.values_list("code", flat=True)) != topics:
        contact.topics.set(topics)
        if not created:
            report.count(Contact, created=False)

    _load_citations(row["citations"], report, {"contact": contact}, where)


def _load_stance_change(
    row: dict[str, Any], country: Country, report: LoadReport, where: str
) -> None:
    values = _record_values(row, where) | {
        "country": country,
        "dimension": row["dimension"],
        "value": str(row["value"]),
    }
    change, _created = _upsert(StanceChange, report, {"key": row["key"]}, values)
    _load_citations(row["citations"], report, {"stance_change": change}, where)


def _load_citations(
    rows: Iterable[dict[str, Any]], report: LoadReport, record: dict[str, Any], where: str
) -> None:
    for source in rows:
        article = article_register(
            url=source["url"],
            outlet_name=source.get("outlet", ""),
            language=source.get("language") or "",
            published_date=_date(source.get("published"), f"{where}: citation"),
        )
        _upsert(
            Citation, report, {"article": article, **record}, {"quote": source.get("quote", "")}
        )

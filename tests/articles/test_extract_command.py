"""`manage.py extract`: the manifest mode, the single-file mode, and what it must not do."""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article
from articles.pipeline import registry as registry_module
from stances.models import Actor, ActorAlias, Contact, StanceChange
from tests.articles.test_extract_events import UNIT, build_registry

TOP_KEYS = ["url", "language", "relevant", "events"]
EVENT_KEYS = [
    "kind", "country", "type", "date", "date_precision", "location", "participants", "topics",
    "dimension", "value", "evidence", "confidence",
]  # fmt: skip


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    """Three reports in a folder of their own, one of them a page, listed by relative path."""
    for name in ("ru-kz-meeting.txt", "ru-pakistan-only.txt", "ru-tm-envoy.html"):
        shutil.copy(UNIT / name, tmp_path / name)
    lines = [
        {"path": "ru-kz-meeting.txt", "url": "https://example.org/1", "published": "2023-05-15",
         "language": "ru"},
        {"path": "ru-pakistan-only.txt", "url": "https://example.org/2", "published": None,
         "language": None},
        {"path": "ru-tm-envoy.html", "url": "https://example.org/3", "published": None,
         "language": None},
    ]  # fmt: skip
    path = tmp_path / "manifest.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def registry_rows(db):
    build_registry()
    registry_module.reset()
    yield
    registry_module.reset()


def run(*args: str) -> str:
    out = StringIO()
    call_command("extract", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Actor, ActorAlias, Contact, StanceChange, Article)
    }


def test_jsonl_prints_one_line_per_input_in_order_with_exact_keys(registry_rows, manifest):
    lines = run("--jsonl", str(manifest)).splitlines()

    assert len(lines) == 3
    results = [json.loads(line) for line in lines]
    assert [r["url"] for r in results] == [
        "https://example.org/1",
        "https://example.org/2",
        "https://example.org/3",
    ]
    assert all(list(r) == TOP_KEYS for r in results)
    assert [r["relevant"] for r in results] == [True, False, True]
    events = [e for r in results for e in r["events"]]
    assert events and all(list(e) == EVENT_KEYS for e in events)
    assert results[0]["events"][0]["date"] == "2023-05-14"
    # The page's own date (18 March 2022) dates "Вчера".
    assert results[2]["events"][0]["date"] == "2022-03-17"


def test_a_missing_file_still_gets_its_line(registry_rows, manifest):
    with manifest.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"path": "gone.txt", "url": "https://example.org/4"}) + "\n")

    lines = run("--jsonl", str(manifest)).splitlines()

    assert len(lines) == 4
    assert json.loads(lines[3]) == {
        "url": "https://example.org/4", "language": None, "relevant": False, "events": [],
    }  # fmt: skip


def test_it_writes_nothing_to_the_database(registry_rows, manifest):
    before = counts()

    run("--jsonl", str(manifest))

    assert counts() == before


def test_it_reads_the_registry_once_for_many_reports(
    registry_rows, manifest, django_assert_max_num_queries
):
    many = manifest.parent / "many.jsonl"
    many.write_text(manifest.read_text(encoding="utf-8") * 10, encoding="utf-8")
    loads = registry_module.loads

    # Countries, actors and their prefetched aliases and positions: four queries in all.
    with django_assert_max_num_queries(4):
        lines = run("--jsonl", str(many)).splitlines()

    assert len(lines) == 30
    assert registry_module.loads == loads + 1


def test_single_file_mode_prints_a_readable_summary(registry_rows):
    out = run(str(UNIT / "ru-kz-meeting.txt"), "--published", "2023-05-15", "--url", "u")

    assert "Relevant: yes" in out
    assert "contact · KZ · meeting · 2023-05-14 (day)" in out
    assert "participant: Amir Khan Muttaqi (TALIBAN" in out
    assert "evidence: Посол Казахстана" in out


def test_single_file_mode_prints_json_on_request(registry_rows):
    out = run(str(UNIT / "en-uz-call.txt"), "--published", "2025-05-15", "--json")

    result = json.loads(out)
    assert result["language"] == "en"
    (event,) = result["events"]
    assert (event["country"], event["type"], event["date"]) == ("UZ", "phone_call", "2025-05-13")


def test_it_refuses_both_or_neither_input(registry_rows, manifest):
    with pytest.raises(CommandError):
        run()
    with pytest.raises(CommandError):
        run(str(UNIT / "en-uz-call.txt"), "--jsonl", str(manifest))


def test_publication_dates_must_be_iso(registry_rows):
    with pytest.raises(CommandError, match=r"15\.05\.2025"):
        run(str(UNIT / "en-uz-call.txt"), "--published", "15.05.2025")

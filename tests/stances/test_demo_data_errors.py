"""Malformed demo data stops the load, names the place, and writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from stances.models import Country, Topic

pytestmark = pytest.mark.django_db


def write_state_file(directory: Path, body: str) -> None:
    shutil.copy(settings.DEMO_DATA_DIR / "countries.yaml", directory)
    (directory / "kz.yaml").write_text("country: KZ\nactors: []\n" + body, encoding="utf-8")


def test_bad_data_stops_the_load_with_the_file_and_record_named_and_changes_nothing(tmp_path: Path):
    write_state_file(
        tmp_path,
        "contacts:\n"
        "  - key: broken-record\n    date: '2023-03-13'\n    precision: month\n"
        "    type: meeting\n    direction: remote\n    summary: x\n"
        "    citations: [{url: 'https://example.org/a', outlet: Example}]\n"
        "stance_changes: []\n",
    )
    with pytest.raises(CommandError, match=r"kz\.yaml: broken-record: a month-precision date"):
        call_command("load_demo", directory=tmp_path)
    assert Country.objects.count() == 0  # the whole load is one transaction


def test_a_value_outside_its_dimension_is_refused_by_the_database(tmp_path: Path):
    write_state_file(
        tmp_path,
        "contacts: []\nstance_changes:\n"
        "  - key: wrong-value\n    dimension: overall\n    value: delisted\n"
        "    date: '2023-12-29'\n    summary: x\n"
        "    citations: [{url: 'https://example.org/a', outlet: Example}]\n",
    )
    with pytest.raises(CommandError, match=r"stance change \(key=wrong-value\)"):
        call_command("load_demo", directory=tmp_path)
    assert Country.objects.count() == 0


def test_an_unknown_actor_is_named(tmp_path: Path):
    write_state_file(
        tmp_path,
        "contacts:\n"
        "  - key: ghost-meeting\n    date: '2023-03-01'\n    type: meeting\n"
        "    direction: remote\n    summary: x\n"
        "    participants: [{actor: nobody-known, side: taliban}]\n"
        "    citations: [{url: 'https://example.org/a', outlet: Example}]\n"
        "stance_changes: []\n",
    )
    with pytest.raises(CommandError, match=r"ghost-meeting: unknown actor 'nobody-known'"):
        call_command("load_demo", directory=tmp_path)


def test_the_loader_restores_missing_topic_rows():
    Topic.objects.filter(code__in=["trade", "railway"]).delete()
    call_command("load_demo", verbosity=0)
    assert Topic.objects.count() == 17

"""The extraction evaluation set (tests/articles/fixtures/extract/) and its scorer, bench/eval.py.

The set is checked for shape (manifest and expected lines agree, every code is in the
vocabularies, every evidence sentence is in the article as a reader sees it) and for the coverage
its README claims. The scorer is checked on the set itself: perfect predictions score 1.0, and
each kind of mistake lowers the line that should notice it, and only that line.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import htmldate
import yaml
from lxml import html as lxml_html

from bench.eval import fold_name, main, match_events, score_article, score_set
from stances.vocabulary import DIMENSION_VALUES, ContactType, Precision, TopicCode

ROOT = Path(__file__).resolve().parents[2]
SET = Path(__file__).parent / "fixtures" / "extract"
TRACKED = {"KZ", "KG", "TJ", "TM", "UZ"}
LANGUAGES = {"ru", "en", "kk", "uz", "ky", "tg"}
EVENT_KEYS = {
    "kind",
    "country",
    "type",
    "date",
    "date_precision",
    "location",
    "participants",
    "topics",
    "dimension",
    "value",
    "evidence",
    "confidence",
}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


MANIFEST = read_jsonl(SET / "manifest.jsonl")
EXPECTED = read_jsonl(SET / "expected.jsonl")
PAIRS = list(zip(MANIFEST, EXPECTED, strict=False))
EVENTS = [event for line in EXPECTED for event in line["events"]]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def visible_text(line: dict) -> str:
    """What a reader sees: the whole text file, or an HTML page without its head and scripts."""
    raw = (SET / line["path"]).read_text(encoding="utf-8")
    if not line["path"].endswith((".html", ".htm")):
        return squash(raw)
    tree = lxml_html.fromstring(raw)
    for hidden in tree.xpath("//head|//script|//style"):
        hidden.drop_tree()
    return squash(tree.text_content())


def canonical_names() -> dict[str, str]:
    """Folded name or alias → canonical actor name, from the demo data the registry loads."""
    names: dict[str, str] = {}
    for path in sorted((ROOT / "data" / "demo").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            continue
        for actor in data.get("actors") or []:
            names[fold_name(actor["name"])] = actor["name"]
            for alias in actor.get("aliases") or []:
                names[fold_name(alias["name"])] = actor["name"]
    return names


def f1s(expected: list[dict], predicted: list[dict]) -> dict[str, float]:
    totals, *_ = score_set(expected, predicted)
    return {metric: tally.f1 for metric, tally in totals.items()}


def first_article_with(condition) -> int:
    return next(i for i, line in enumerate(EXPECTED) if condition(line))


# The set's shape


def test_the_manifest_and_the_expected_file_line_up():
    assert len(MANIFEST) == len(EXPECTED)
    assert [m["url"] for m in MANIFEST] == [e["url"] for e in EXPECTED]
    assert len({m["url"] for m in MANIFEST}) == len(MANIFEST)


def test_every_manifest_line_names_an_existing_file_and_valid_fields():
    for line in MANIFEST:
        assert set(line) == {"path", "url", "published", "language"}, line
        assert not Path(line["path"]).is_absolute()
        assert (SET / line["path"]).is_file(), line["path"]
        assert line["url"].startswith("https://")
        assert line["language"] in LANGUAGES | {None}
        if line["published"] is not None:
            dt.date.fromisoformat(line["published"])


def test_the_manifest_gives_only_the_true_publication_date_and_language():
    for manifest, expected in PAIRS:
        assert manifest["published"] in (None, expected["published"]), manifest["path"]
        assert manifest["language"] in (None, expected["language"]), manifest["path"]


def test_every_expected_line_is_in_the_output_format():
    for line in EXPECTED:
        assert {"url", "language", "relevant", "events"} <= set(line)
        assert set(line) <= {"url", "language", "relevant", "events", "published", "note"}
        assert line["language"] in LANGUAGES
        if not line["relevant"]:
            assert line["events"] == [], line["url"]


def test_every_event_uses_the_vocabularies():
    topics = set(TopicCode.values)
    for event in EVENTS:
        assert EVENT_KEYS <= set(event) <= EVENT_KEYS | {"note", "optional"}, event
        assert event["kind"] in {"contact", "stance_change"}
        assert event["country"] in TRACKED
        if event["kind"] == "contact":
            assert event["type"] in ContactType.values
            assert event["dimension"] is None and event["value"] is None
        else:
            assert event["type"] is None
            assert event["dimension"] in DIMENSION_VALUES
            values = {v.lstrip("+") for v in DIMENSION_VALUES[event["dimension"]]}
            assert event["value"] in values, event
        assert set(event["topics"]) <= topics, event["topics"]
        assert event["confidence"] == 1.0
        assert event["evidence"].strip()
        for participant in event["participants"]:
            assert set(participant) == {"name", "side", "role"}
            assert participant["name"].strip()
            assert participant["side"] == "TALIBAN" or participant["side"] in TRACKED


def test_every_date_is_valid_and_a_period_starts_on_its_first_day():
    for event in EVENTS:
        if event["date"] is None:
            assert event["date_precision"] is None, event
            continue
        day = dt.date.fromisoformat(event["date"])
        assert event["date_precision"] in Precision.values
        if event["date_precision"] in {"month", "year"}:
            assert day.day == 1, event
        if event["date_precision"] == "year":
            assert day.month == 1, event


def test_no_event_is_dated_after_its_article():
    for line in EXPECTED:
        for event in line["events"]:
            if line["published"] and event["date"]:
                assert event["date"] <= line["published"], (line["url"], event["date"])


def test_every_evidence_sentence_is_verbatim_in_what_a_reader_sees():
    for manifest, expected in PAIRS:
        text = visible_text(manifest)
        for event in expected["events"]:
            assert squash(event["evidence"]) in text, (manifest["path"], event["evidence"][:60])


def test_known_actors_are_named_by_their_canonical_name():
    names = canonical_names()
    assert names[fold_name("Моттаки")] == "Amir Khan Muttaqi"
    for event in EVENTS:
        for participant in event["participants"]:
            canonical = names.get(fold_name(participant["name"]))
            assert canonical in (None, participant["name"]), participant


def test_htmldate_finds_the_date_of_every_page_the_manifest_leaves_undated():
    undated = [(m, e) for m, e in PAIRS if m["path"].endswith(".html") and m["published"] is None]
    assert len(undated) >= 5
    for manifest, expected in undated:
        html = (SET / manifest["path"]).read_text(encoding="utf-8")
        assert htmldate.find_date(html) == expected["published"], manifest["path"]


# Coverage claimed in the README


def test_the_set_covers_what_the_readme_claims():
    languages = Counter(line["language"] for line in EXPECTED)
    types = Counter(e["type"] for e in EVENTS if e["kind"] == "contact" and not e.get("optional"))
    dimensions = Counter(e["dimension"] for e in EVENTS if e["kind"] == "stance_change")
    html_pages = sum(m["path"].endswith(".html") for m in MANIFEST)

    assert len(EXPECTED) >= 60
    assert sum(not line["relevant"] for line in EXPECTED) >= 10
    assert languages["ru"] >= 25 and languages["en"] >= 20
    assert all(languages[lang] >= 2 for lang in ("kk", "uz", "ky", "tg"))
    assert all(types[code] >= 2 for code in ContactType.values), types
    assert set(dimensions) == set(DIMENSION_VALUES)
    assert 0.35 <= html_pages / len(MANIFEST) <= 0.65
    assert sum(len(line["events"]) >= 2 for line in EXPECTED) >= 10
    assert sum(m["published"] is None for m in MANIFEST if not m["path"].endswith(".html")) >= 3
    assert any(e["date"] is None for e in EVENTS)
    assert {"month", "year"} <= {e["date_precision"] for e in EVENTS}
    assert any(e.get("optional") for e in EVENTS)


def test_the_set_holds_inflected_and_variant_spellings_of_known_actors():
    texts = " ".join(visible_text(m) for m in MANIFEST)
    for form in ("Амир Ханом Муттаки", "Амиром Ханом Муттаки", "Моттаки", "Mottaki", "Beradar"):
        assert form in texts, form
    assert "Мавлави Абдул Кабиром" in texts


# The scorer


def test_perfect_predictions_score_one_on_every_line():
    scores = f1s(EXPECTED, copy.deepcopy(EXPECTED))
    assert scores == {metric: 1.0 for metric in scores}


def test_predictions_without_the_optional_events_still_score_one():
    predicted = copy.deepcopy(EXPECTED)
    for line in predicted:
        line["events"] = [e for e in line["events"] if not e.get("optional")]
    scores = f1s(EXPECTED, predicted)
    assert scores == {metric: 1.0 for metric in scores}


def test_a_dropped_event_lowers_the_recall_of_countries():
    predicted = copy.deepcopy(EXPECTED)
    i = first_article_with(lambda line: any(not e.get("optional") for e in line["events"]))
    predicted[i]["events"] = [e for e in predicted[i]["events"] if e.get("optional")]
    totals, *_ = score_set(EXPECTED, predicted)
    assert totals["country"].recall < 1.0
    assert totals["country"].precision == 1.0


def test_a_shifted_date_lowers_the_date_line_only():
    predicted = copy.deepcopy(EXPECTED)
    i = first_article_with(lambda line: any(e["date"] for e in line["events"]))
    event = next(e for e in predicted[i]["events"] if e["date"])
    event["date"] = (dt.date.fromisoformat(event["date"]) + dt.timedelta(days=1)).isoformat()
    scores = f1s(EXPECTED, predicted)
    assert scores["date"] < 1.0
    assert scores["country"] == scores["type"] == scores["participants"] == 1.0


def test_a_wrong_participant_lowers_the_participants_line_only():
    predicted = copy.deepcopy(EXPECTED)
    i = first_article_with(lambda line: any(e["participants"] for e in line["events"]))
    event = next(e for e in predicted[i]["events"] if e["participants"])
    event["participants"][0]["name"] = "Someone Else"
    scores = f1s(EXPECTED, predicted)
    assert scores["participants"] < 1.0
    assert scores["date"] == scores["country"] == 1.0


def test_a_wrong_contact_type_lowers_the_type_line():
    predicted = copy.deepcopy(EXPECTED)
    i = first_article_with(lambda line: any(e["type"] == "visit" for e in line["events"]))
    next(e for e in predicted[i]["events"] if e["type"] == "visit")["type"] = "meeting"
    scores = f1s(EXPECTED, predicted)
    assert scores["type"] < 1.0
    assert scores["country"] == scores["date"] == 1.0


def test_calling_an_irrelevant_article_relevant_lowers_relevance_precision():
    predicted = copy.deepcopy(EXPECTED)
    predicted[first_article_with(lambda line: not line["relevant"])]["relevant"] = True
    totals, *_ = score_set(EXPECTED, predicted)
    assert totals["relevance"].precision < 1.0
    assert totals["relevance"].recall == 1.0


def test_an_optional_event_with_the_wrong_date_counts_against_the_date_line():
    expected = {
        "relevant": True,
        "events": [
            {"kind": "contact", "country": "KZ", "type": "visit", "date": "2023-04-15"},
            {
                "kind": "stance_change",
                "country": "KZ",
                "dimension": "legal_status",
                "value": "banned",
                "date": "2005-01-01",
                "date_precision": "year",
                "optional": True,
            },
        ],
    }
    wrong = copy.deepcopy(expected)
    wrong["events"][1].update(date="2023-04-17", date_precision="day")
    del wrong["events"][1]["optional"]
    assert score_article(expected, wrong).tallies["date"].fp == 1
    left_out = {"relevant": True, "events": [expected["events"][0]]}
    assert score_article(expected, left_out).tallies["date"].f1 == 1.0


def test_events_pair_by_kind_and_country_then_by_the_best_date():
    expected = [
        {"kind": "contact", "country": "KG", "type": "visit", "date": "2025-12-16"},
        {"kind": "contact", "country": "KG", "type": "visit", "date": "2025-12-17"},
    ]
    predicted = [
        {"kind": "contact", "country": "KG", "type": "visit", "date": "2025-12-17"},
        {"kind": "stance_change", "country": "KG", "dimension": "overall", "value": "+2"},
        {"kind": "contact", "country": "KG", "type": "visit", "date": "2025-12-16"},
    ]
    pairs, missed, extra = match_events(expected, predicted)
    assert [(e["date"], p["date"]) for e, p in pairs] == [
        ("2025-12-16", "2025-12-16"),
        ("2025-12-17", "2025-12-17"),
    ]
    assert missed == []
    assert extra == [predicted[1]]


def test_names_are_compared_without_case_diacritics_or_hyphens():
    assert fold_name("Qasym-Zhomart Toqaev") == fold_name("qasym zhomart TOQAEV")
    assert fold_name("Amir Khan Muttaqī") == fold_name("amir khan muttaqi")
    assert fold_name("Баходир Курбанов") != fold_name("Bahodir Qurbonov")


def test_the_overall_scale_matches_with_or_without_a_plus_sign():
    expected = {
        "relevant": True,
        "events": [
            {"kind": "stance_change", "country": "UZ", "dimension": "overall", "value": "1"}
        ],
    }
    predicted = copy.deepcopy(expected)
    predicted["events"][0]["value"] = "+1"
    assert score_article(expected, predicted).tallies["stance"].f1 == 1.0


def test_the_command_scores_saved_predictions_and_prints_the_lines(capsys):
    assert main(["--predictions", str(SET / "expected.jsonl")]) == 0
    out = capsys.readouterr().out
    for metric in ("relevance", "country", "type", "date", "participants"):
        assert re.search(rf"^{metric}\s+1\.00\s+1\.00\s+1\.00", out, re.MULTILINE), metric
    assert re.search(r"^\s+tg\s*\(\s*2\)", out, re.MULTILINE)


def test_the_command_fails_when_the_extractor_gives_the_wrong_number_of_lines(tmp_path, capsys):
    short = tmp_path / "short.jsonl"
    short.write_text("".join(json.dumps(line) + "\n" for line in EXPECTED[:-1]), encoding="utf-8")
    assert main(["--predictions", str(short)]) == 1
    assert "lines for" in capsys.readouterr().err


def test_verbose_output_names_each_miss(tmp_path, capsys):
    predicted = copy.deepcopy(EXPECTED)
    i = first_article_with(lambda line: any(not e.get("optional") for e in line["events"]))
    predicted[i]["events"] = []
    saved = tmp_path / "predicted.jsonl"
    saved.write_text("".join(json.dumps(line) + "\n" for line in predicted), encoding="utf-8")
    assert main(["--predictions", str(saved), "-v"]) == 0
    out = capsys.readouterr().out
    assert MANIFEST[i]["path"] in out
    assert "missed contact" in out or "missed stance_change" in out

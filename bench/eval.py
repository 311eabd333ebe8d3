"""Precision and recall of the event extractor on the project's evaluation set.

    make eval                      # or: uv run --frozen python bench/eval.py [options]
    python bench/eval.py --predictions out.jsonl -v     # score a saved output, print every miss

Without --predictions the script makes a temporary SQLite database (DATABASE_URL points at it, so
the configured database is never touched), runs `manage.py migrate` and `manage.py load_demo` into
it so the actor registry exists, then `manage.py extract --jsonl MANIFEST` and reads its stdout,
one JSON object per manifest line. It exits non-zero only when the extractor fails or prints the
wrong number of lines; a low score is a figure, not a failure.

The set and its format are described in tests/articles/fixtures/extract/README.md. Scoring:

- relevance: the article-level flag (true positives are articles both call relevant);
- country: per article, the multiset of (kind, country) over events;
- type: contact events, the multiset of (country, type);
- date: events, the multiset of (kind, country, date, date_precision);
- stance: stance changes, the multiset of (country, dimension, value);
- participants: within each matched pair of events, names after folding case, diacritics and
  hyphens, one point per participant (partial credit).

Events are paired within an article by kind and country, then by best agreement on type, date
and dimension; the pairs decide which participants are compared and what -v reports.

An expected event marked "optional" (a background fact the text dates, or a reading an analyst may
or may not record) costs nothing when it is missing; when a prediction pairs with it, it is scored
like any other, so an optional event given the wrong date still counts against the date line.

The scoring functions take plain dicts and need no Django.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "articles" / "fixtures" / "extract"
METRICS = ("relevance", "country", "type", "date", "stance", "participants")
HYPHENS = "-‐‑‒–—―"
APOSTROPHES = "'’‘ʻʼ`´"


@dataclass
class Tally:
    """True positives, false positives and false negatives; participants add fractions."""

    tp: float = 0
    fp: float = 0
    fn: float = 0

    def add(self, other: Tally) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def empty(self) -> bool:
        return self.tp + self.fp + self.fn == 0

    @property
    def precision(self) -> float:
        # Nothing predicted is perfect precision only when nothing was expected either.
        if self.tp + self.fp == 0:
            return 1.0 if self.fn == 0 else 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.tp + self.fn == 0:
            return 1.0 if self.fp == 0 else 0.0
        return self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)


@dataclass
class ArticleScore:
    tallies: dict[str, Tally] = field(default_factory=lambda: {m: Tally() for m in METRICS})
    misses: list[str] = field(default_factory=list)
    expected_events: int = 0
    predicted_events: int = 0


def fold_name(name: str | None) -> str:
    """A name reduced for comparison: no case, no diacritics, hyphens and apostrophes as spaces."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for ch in HYPHENS:
        text = text.replace(ch, " ")
    for ch in APOSTROPHES:
        text = text.replace(ch, "")
    return " ".join(text.casefold().split())


def normalise_value(value: object) -> str | None:
    """Stance values as strings; the overall scale may come as "+1" or "1" or 1."""
    if value is None:
        return None
    text = str(value).strip()
    return text[1:] if text.startswith("+") else text


def _multiset_tally(expected: Iterable, predicted: Iterable) -> Tally:
    exp, pred = Counter(expected), Counter(predicted)
    tp = sum((exp & pred).values())
    return Tally(tp=tp, fp=sum(pred.values()) - tp, fn=sum(exp.values()) - tp)


def _agreement(expected: dict, predicted: dict) -> int:
    score = 0
    if expected.get("type") == predicted.get("type"):
        score += 2
    if expected.get("date") == predicted.get("date"):
        score += 2
        if expected.get("date_precision") == predicted.get("date_precision"):
            score += 1
    if expected.get("dimension") == predicted.get("dimension"):
        score += 2
    if normalise_value(expected.get("value")) == normalise_value(predicted.get("value")):
        score += 1
    return score


def match_events(
    expected: Sequence[dict], predicted: Sequence[dict]
) -> tuple[list[tuple[dict, dict]], list[dict], list[dict]]:
    """Pair events of the same kind and country, best agreement first, required before optional
    on a tie.

    Returns (pairs, required expected events left unpaired, predicted events left unpaired).
    """
    candidates = []
    for i, e in enumerate(expected):
        for j, p in enumerate(predicted):
            if (e.get("kind"), e.get("country")) != (p.get("kind"), p.get("country")):
                continue
            required = 0 if e.get("optional") else 1
            # Best agreement first; on a tie a required event before an optional one, then
            # document order so ties break the same way every run.
            candidates.append((-_agreement(e, p), -required, i, j))
    candidates.sort()
    used_e: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, _, i, j in candidates:
        if i in used_e or j in used_p:
            continue
        used_e.add(i)
        used_p.add(j)
        pairs.append((i, j))
    pairs.sort()
    missed = [e for i, e in enumerate(expected) if i not in used_e and not e.get("optional")]
    extra = [p for j, p in enumerate(predicted) if j not in used_p]
    return [(expected[i], predicted[j]) for i, j in pairs], missed, extra


def _describe(event: dict) -> str:
    what = event.get("type") or f"{event.get('dimension')}={event.get('value')}"
    when = event.get("date") or "no date"
    if event.get("date") and event.get("date_precision") != "day":
        when += f" ({event.get('date_precision')})"
    return f"{event.get('kind')} {event.get('country')} {what} {when}"


def score_article(expected: dict, predicted: dict) -> ArticleScore:
    """Score one article's output against its expected line (both in the output format)."""
    result = ArticleScore()
    t = result.tallies
    exp_rel, pred_rel = bool(expected.get("relevant")), bool(predicted.get("relevant"))
    t["relevance"] = Tally(
        tp=int(exp_rel and pred_rel),
        fp=int(pred_rel and not exp_rel),
        fn=int(exp_rel and not pred_rel),
    )
    if exp_rel != pred_rel:
        result.misses.append(f"relevant: expected {exp_rel}, got {pred_rel}")

    exp_events = list(expected.get("events") or [])
    pred_events = list(predicted.get("events") or [])
    pairs, missed, extra = match_events(exp_events, pred_events)
    # Optional events count once a prediction pairs with them; unpaired ones are ignored.
    counted = [e for e in exp_events if not e.get("optional")]
    counted += [e for e, _ in pairs if e.get("optional")]
    result.expected_events = len(counted)
    result.predicted_events = len(pred_events)

    t["country"] = _multiset_tally(
        ((e["kind"], e["country"]) for e in counted),
        ((p.get("kind"), p.get("country")) for p in pred_events),
    )
    t["type"] = _multiset_tally(
        ((e["country"], e.get("type")) for e in counted if e["kind"] == "contact"),
        ((p.get("country"), p.get("type")) for p in pred_events if p.get("kind") == "contact"),
    )
    t["date"] = _multiset_tally(
        ((e["kind"], e["country"], e.get("date"), e.get("date_precision")) for e in counted),
        (
            (p.get("kind"), p.get("country"), p.get("date"), p.get("date_precision"))
            for p in pred_events
        ),
    )
    t["stance"] = _multiset_tally(
        (
            (e["country"], e.get("dimension"), normalise_value(e.get("value")))
            for e in counted
            if e["kind"] == "stance_change"
        ),
        (
            (p.get("country"), p.get("dimension"), normalise_value(p.get("value")))
            for p in pred_events
            if p.get("kind") == "stance_change"
        ),
    )
    for e, p in pairs:
        exp_names = Counter(fold_name(x.get("name")) for x in e.get("participants") or [])
        pred_names = Counter(fold_name(x.get("name")) for x in p.get("participants") or [])
        tally = _multiset_tally(exp_names.elements(), pred_names.elements())
        t["participants"].add(tally)
        diffs = []
        if e.get("type") != p.get("type"):
            diffs.append(f"type {e.get('type')} → {p.get('type')}")
        if (e.get("date"), e.get("date_precision")) != (p.get("date"), p.get("date_precision")):
            diffs.append(
                f"date {e.get('date')}/{e.get('date_precision')} → "
                f"{p.get('date')}/{p.get('date_precision')}"
            )
        if e["kind"] == "stance_change" and (
            e.get("dimension"),
            normalise_value(e.get("value")),
        ) != (p.get("dimension"), normalise_value(p.get("value"))):
            diffs.append(
                f"stance {e.get('dimension')}={e.get('value')} → "
                f"{p.get('dimension')}={p.get('value')}"
            )
        if tally.fp or tally.fn:
            missing = sorted((exp_names - pred_names).elements())
            unexpected = sorted((pred_names - exp_names).elements())
            diffs.append(f"participants missing {missing}, unexpected {unexpected}")
        if diffs:
            result.misses.append(f"{_describe(e)}: " + "; ".join(diffs))
    for e in missed:
        result.misses.append(f"missed {_describe(e)} — «{e.get('evidence', '')[:90]}»")
    for p in extra:
        result.misses.append(f"unexpected {_describe(p)} — «{(p.get('evidence') or '')[:90]}»")
    return result


def score_set(
    expected_lines: Sequence[dict], predicted_lines: Sequence[dict]
) -> tuple[dict[str, Tally], dict[str, dict[str, Tally]], list[tuple[dict, ArticleScore]], Counter]:
    """Totals, totals per language, the per-article scores and event counts for a whole set."""
    if len(expected_lines) != len(predicted_lines):
        raise ValueError(
            f"{len(predicted_lines)} predicted lines for {len(expected_lines)} expected lines"
        )
    totals = {m: Tally() for m in METRICS}
    by_language: dict[str, dict[str, Tally]] = {}
    articles = []
    counts: Counter = Counter()
    for exp, pred in zip(expected_lines, predicted_lines, strict=True):
        score = score_article(exp, pred)
        lang = exp.get("language") or "?"
        per_lang = by_language.setdefault(lang, {m: Tally() for m in METRICS})
        for metric, tally in score.tallies.items():
            totals[metric].add(tally)
            per_lang[metric].add(tally)
        counts["expected"] += score.expected_events
        counts["predicted"] += score.predicted_events
        counts[f"articles:{lang}"] += 1
        articles.append((exp, score))
    return totals, by_language, articles, counts


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def run_extractor(manifest: Path) -> list[dict]:
    """Run migrate, load_demo and extract against a throw-away SQLite database."""
    with tempfile.TemporaryDirectory(prefix="stancewatch-eval-") as tmp:
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{Path(tmp) / 'eval.sqlite3'}")
        manage = [sys.executable, str(ROOT / "manage.py")]
        for step in (["migrate", "--no-input"], ["load_demo"]):
            done = subprocess.run(
                [*manage, *step], cwd=ROOT, env=env, capture_output=True, text=True, check=False
            )
            if done.returncode != 0:
                raise SystemExit(f"manage.py {step[0]} failed:\n{done.stderr[-3000:]}")
        done = subprocess.run(
            [*manage, "extract", "--jsonl", str(manifest)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"manage.py extract failed:\n{done.stderr[-3000:]}")
        try:
            return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            raise SystemExit(f"manage.py extract printed a line that is not JSON: {exc}") from exc


def format_report(
    totals: dict[str, Tally],
    by_language: dict[str, dict[str, Tally]],
    counts: Counter,
) -> str:
    lines = [f"{'metric':<14}{'precision':>10}{'recall':>8}{'F1':>7}{'tp':>8}{'fp':>7}{'fn':>7}"]
    lines.append("-" * len(lines[0]))
    for metric in METRICS:
        t = totals[metric]
        if t.empty:
            # e.g. participants when no event was matched: no figure rather than a vacuous 1.0
            lines.append(f"{metric:<14}{'–':>10}{'–':>8}{'–':>7}{0:>8.1f}{0:>7.1f}{0:>7.1f}")
            continue
        lines.append(
            f"{metric:<14}{t.precision:>10.2f}{t.recall:>8.2f}{t.f1:>7.2f}"
            f"{t.tp:>8.1f}{t.fp:>7.1f}{t.fn:>7.1f}"
        )
    lines.append("")
    lines.append("F1 by language (articles): " + ", ".join(METRICS))
    for lang in sorted(by_language, key=lambda x: -counts[f"articles:{x}"]):
        figures = "  ".join(
            "   –" if by_language[lang][m].empty else f"{by_language[lang][m].f1:.2f}"
            for m in METRICS
        )
        lines.append(f"  {lang:<4}({counts[f'articles:{lang}']:>2})  {figures}")
    lines.append("")
    lines.append(
        f"events: {counts['expected']} expected (optional ones counted when matched), "
        f"{counts['predicted']} predicted"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifest", type=Path, default=FIXTURES / "manifest.jsonl")
    parser.add_argument("--expected", type=Path, default=FIXTURES / "expected.jsonl")
    parser.add_argument(
        "--predictions", type=Path, help="score this saved extractor output instead of running it"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print every miss")
    args = parser.parse_args(argv)

    manifest = read_jsonl(args.manifest)
    expected = read_jsonl(args.expected)
    if len(manifest) != len(expected):
        print(f"{len(manifest)} manifest lines but {len(expected)} expected lines", file=sys.stderr)
        return 2
    predicted = (
        read_jsonl(args.predictions) if args.predictions else run_extractor(args.manifest.resolve())
    )
    if len(predicted) != len(expected):
        print(
            f"the extractor gave {len(predicted)} lines for {len(expected)} articles",
            file=sys.stderr,
        )
        return 1

    totals, by_language, articles, counts = score_set(expected, predicted)
    if args.verbose:
        for (exp, score), line in zip(articles, manifest, strict=True):
            if score.misses:
                print(f"{line['path']}  ({exp['url']})")
                for miss in score.misses:
                    print(f"    {miss}")
        print()
    print(format_report(totals, by_language, counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())

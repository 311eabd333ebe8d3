"""bench/extract.py: how it reads the manifest, times a child process and compares the tools."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bench.extract import Run, format_table, is_html, read_manifest, run_child, write_manifest


def write_lines(path: Path, objects: list[dict]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in objects), encoding="utf-8")
    return path


def test_it_resolves_relative_paths_against_the_manifest_folder(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "one.html").write_text("<p>1</p>")
    elsewhere = tmp_path / "two.txt"
    elsewhere.write_text("2")
    manifest = write_lines(
        tmp_path / "pages" / "manifest.jsonl",
        [
            {"path": "one.html", "url": "https://a.example/1", "language": "ru"},
            {"path": str(elsewhere), "url": "https://a.example/2", "published": None},
        ],
    )

    entries = read_manifest(manifest)

    assert [entry["path"] for entry in entries] == [
        str(tmp_path / "pages" / "one.html"),
        str(elsewhere),
    ]
    assert entries[0]["language"] == "ru"
    assert entries[1]["url"] == "https://a.example/2"


def test_it_stops_on_a_manifest_line_whose_file_is_missing(tmp_path: Path) -> None:
    manifest = write_lines(tmp_path / "manifest.jsonl", [{"path": "gone.html", "url": "u"}])

    with pytest.raises(SystemExit, match="no file at"):
        read_manifest(manifest)


def test_it_counts_only_html_and_htm_paths_as_html() -> None:
    assert is_html("/a/page.html")
    assert is_html("/a/PAGE.HTM")
    assert not is_html("/a/page.txt")
    assert not is_html("/a/html")


def test_it_repeats_the_manifest_in_order(tmp_path: Path) -> None:
    entries = [{"path": "/a.html", "url": "1"}, {"path": "/b.txt", "url": "2"}]

    written = write_manifest(entries, 3, tmp_path / "repeated.jsonl")

    urls = [json.loads(line)["url"] for line in written.read_text().splitlines()]
    assert urls == ["1", "2", "1", "2", "1", "2"]


def test_the_steady_rate_leaves_out_the_time_to_the_first_line() -> None:
    run = Run(tool="t", articles=11, seconds=5.0, first_line=2.0, last_line=4.5)

    assert run.steady_rate == pytest.approx(10 / 2.5)
    assert run.overall_rate == pytest.approx(11 / 5.0)


def test_lines_that_come_out_in_one_burst_give_no_steady_rate() -> None:
    run = Run(tool="t", articles=50, seconds=3.0, first_line=2.99, last_line=2.995)

    assert run.steady_rate is None


def test_it_times_each_line_and_reads_the_childs_own_peak_memory(tmp_path: Path) -> None:
    child = (
        "import json, time\n"
        "time.sleep(0.3)\n"
        "ballast = b'x' * (150 * 1024 * 1024)\n"
        "for n in range(4):\n"
        "    print(json.dumps({'n': n}), flush=True)\n"
        "    time.sleep(0.05)\n"
    )

    run = run_child("child", [sys.executable, "-c", child], None, tmp_path, expected=4)

    assert run.failure == ""
    assert [line["n"] for line in run.lines] == [0, 1, 2, 3]
    assert run.startup is not None and run.startup >= 0.3
    assert run.last_line is not None and run.last_line - run.startup >= 0.15
    assert run.seconds >= run.last_line
    assert run.peak_rss_mb >= 150


def test_it_fails_a_child_that_prints_fewer_lines_than_it_was_given(tmp_path: Path) -> None:
    child = "print('{\"n\": 0}')"

    run = run_child("child", [sys.executable, "-c", child], None, tmp_path, expected=2)

    assert run.failure == "1 output lines for 2 input lines"


def test_it_fails_a_child_that_exits_with_an_error_and_keeps_its_stderr(tmp_path: Path) -> None:
    child = "import sys; sys.exit('Unknown command: extract')"

    run = run_child("child", [sys.executable, "-c", child], None, tmp_path, expected=1)

    assert run.failure == "exit status 1"
    assert "Unknown command: extract" in run.stderr_tail


def test_the_table_gives_ours_over_news_please_on_the_html_pages() -> None:
    ours = Run(tool="ours, HTML", articles=100, seconds=10.0, first_line=1.0, last_line=10.0)
    ours.peak_rss_kb = 300 * 1024
    theirs = Run(tool="news-please", articles=100, seconds=5.0, first_line=2.0, last_line=5.0)
    theirs.peak_rss_kb = 150 * 1024

    table = format_table([ours, theirs], ours, theirs).splitlines()

    ratios = next(line for line in table if line.startswith("ours / news-please")).split()
    assert ratios[:4] == ["ours", "/", "news-please,", "HTML"]
    # start-up, overall articles/s, steady articles/s, peak memory
    assert ratios[4:] == ["0.50×", "0.50×", "0.33×", "2.00×"]

"""Extraction benchmark: speed and memory of `manage.py extract --jsonl`, beside news-please.

    make bench-extract                  # or: uv run --frozen python bench/extract.py [options]

1. Reads the evaluation manifest (tests/articles/fixtures/extract/manifest.jsonl unless
   --manifest says otherwise) and writes two temporary manifests with absolute paths, each
   repeated --repeat times so that a run lasts several seconds: every article, and the HTML pages
   alone.
2. news-please (unless --skip-newsplease) gets a venv of its own, .bench/newsplease-venv, made
   once from bench/newsplease-requirements.txt and reused; a small script embedded below runs
   NewsPlease.from_html there over the same HTML pages.
3. Our side gets a temporary SQLite database (migrate + load_demo, so the known actors are
   there); `manage.py extract --jsonl` runs as a child process over each manifest.
4. One untimed warm-up run of each tool, then --rounds rounds of timed runs (ours on the HTML
   pages, news-please on the same pages, ours on every article); the fastest run of each counts.
5. Prints, for each: start-up (process start to its first output line: imports, model loading
   and the first article), overall articles/s, steady articles/s (from the first output line to
   the last) and peak RSS (the child's own maximum resident set, from wait4); then the ratios
   ours/news-please on the HTML pages.

Exits 1 if our extractor fails (an exit status other than 0, or not one JSON object per input
line). news-please that cannot be installed or fails is reported, and the run goes on without it.
See bench/README.md for what the figures mean.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MANIFEST = ROOT / "tests" / "articles" / "fixtures" / "extract" / "manifest.jsonl"
NEWSPLEASE_VENV = ROOT / ".bench" / "newsplease-venv"
NEWSPLEASE_REQUIREMENTS = Path(__file__).resolve().parent / "newsplease-requirements.txt"
# The pins in newsplease-requirements.txt were resolved for this version.
NEWSPLEASE_PYTHON = "3.13"
# Written into the venv once its packages are installed: the hash of the requirements it holds,
# so a half-made venv (an interrupted install) or one made from older pins is made again.
STAMP = "bench-requirements.sha256"
# Lines closer together than this came out in one burst, not one by one as articles were done:
# no steady rate can be read from them.
MIN_SPREAD_SECONDS = 0.05

# Runs in news-please's venv with the repeated HTML manifest as its argument; prints one JSON
# line per page as soon as it is done, like `manage.py extract --jsonl`, so both are timed alike.
NEWSPLEASE_SCRIPT = r"""
import json
import sys


def loopback_only(event, args):
    # news-please can fetch images, robots.txt or suffix lists; this benchmark reaches nothing
    # beyond this machine, so any other address fails at once rather than being tried.
    if event == "socket.getaddrinfo":
        host = args[0]
    elif event == "socket.connect" and isinstance(args[1], tuple):
        host = args[1][0]
    else:
        return
    if isinstance(host, bytes):
        host = host.decode()
    if host is not None and not (str(host).startswith("127.") or host in ("::1", "localhost")):
        raise OSError(f"bench/extract.py: no network ({event} {host})")


sys.addaudithook(loopback_only)

from bs4.dammit import EncodingDetector
from newsplease import NewsPlease

with open(sys.argv[1], encoding="utf-8") as manifest:
    for line in manifest:
        entry = json.loads(line)
        with open(entry["path"], "rb") as page:
            raw = page.read()
        # Decoded the way news-please decodes raw pages itself (NewsPlease.from_warc).
        encoding = EncodingDetector.find_declared_encoding(raw, is_html=True) or "utf-8"
        try:
            html = raw.decode(encoding, errors="replace")
        except LookupError:
            html = raw.decode("utf-8", errors="replace")
        result = {"url": entry["url"]}
        try:
            article = NewsPlease.from_html(html, url=entry["url"], fetch_images=False)
        except Exception as exc:
            result["error"] = repr(exc)[:200]
        else:
            text = (article.maintext or "") if article is not None else ""
            result["text_chars"] = len(text)
            result["date"] = str(article.date_publish) if article and article.date_publish else None
        print(json.dumps(result), flush=True)
"""


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    option = parser.add_argument
    option("--repeat", type=positive, default=5, help="times each article is read (default 5)")
    option("--manifest", type=Path, default=DEFAULT_MANIFEST, help="evaluation manifest (JSONL)")
    option("--rounds", type=positive, default=3, help="timed runs of each, fastest kept (3)")
    option("--skip-newsplease", action="store_true", help="measure our extractor alone")
    args = parser.parse_args()

    if not args.manifest.is_file():
        raise SystemExit(f"No manifest at {args.manifest}.")
    entries = read_manifest(args.manifest)
    if not entries:
        raise SystemExit(f"{args.manifest} lists no article.")
    html_entries = [entry for entry in entries if is_html(entry["path"])]
    print(
        f"{args.manifest}: {len(entries)} articles, {len(html_entries)} of them HTML; "
        f"each read {args.repeat}×, best of {args.rounds} round(s)"
    )
    newsplease = None
    if args.skip_newsplease:
        print("news-please: skipped (--skip-newsplease)")
    elif not html_entries:
        print("news-please: skipped, the manifest lists no HTML page")
    else:
        newsplease = newsplease_python(NEWSPLEASE_VENV)  # installed before anything is timed

    # A killed run must still stop its child and remove its temporary folder: make SIGTERM
    # unwind like Ctrl-C does, through the `finally` blocks below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="stancewatch-bench-extract-") as tmp:
        return measure(entries, html_entries, args.repeat, args.rounds, newsplease, Path(tmp))


def measure(
    entries: list[dict[str, Any]],
    html_entries: list[dict[str, Any]],
    repeat: int,
    rounds: int,
    newsplease: Path | None,
    work: Path,
) -> int:
    """Warm up, time the runs, print the table; 1 if our extractor failed."""
    env = django_environment(f"sqlite:///{work / 'bench.sqlite3'}", work)
    prepare(env, work)
    extract = [sys.executable, "manage.py", "extract", "--jsonl"]
    script = work / "newsplease_extract.py"
    script.write_text(NEWSPLEASE_SCRIPT, encoding="utf-8")

    def ours(label: str, manifest: Path) -> Run:
        return run_child(label, [*extract, str(manifest)], env, work, line_count(manifest))

    def theirs(label: str, manifest: Path) -> Run:
        command = [str(newsplease), str(script), str(manifest)]
        return run_child(label, command, child_environment(work), work, line_count(manifest))

    # One untimed run of each tool over an article or two first: it fills the bytecode cache
    # and the page cache (models, word lists), so start-up measures loading, not compiling.
    warm_up = ours("warm-up", write_manifest([entries[0], *html_entries[:1]], 1, work / "w.jsonl"))
    if warm_up.failure:
        return failed(warm_up)
    if newsplease is not None and not_measured(
        theirs("warm-up", write_manifest(html_entries[:1], 1, work / "w-html.jsonl"))
    ):
        newsplease = None

    # The two runs compared come one right after the other, so that whatever else the machine
    # is doing disturbs them alike as far as it can. Over several rounds the fastest run of each
    # counts: outside work only ever slows a run down, so the fastest is the least disturbed.
    html = write_manifest(html_entries, repeat, work / "html.jsonl")
    every = write_manifest(entries, repeat, work / "all.jsonl")
    loads = [os.getloadavg()[0]]
    runs: dict[str, Run] = {}
    for _round in range(rounds):
        latest: dict[str, Run] = {}
        if html_entries:
            latest["ours, HTML"] = ours("stancewatch extract, HTML", html)
            if newsplease is not None:
                latest["news-please"] = theirs("news-please, HTML", html)
        latest["ours, all"] = ours("stancewatch extract, all", every)
        loads.append(os.getloadavg()[0])
        for key, run in latest.items():
            best = runs.get(key)
            # A failure is kept whatever follows: it fails the benchmark.
            if best is None or run.failure or (not best.failure and run.seconds < best.seconds):
                runs[key] = run

    if "news-please" in runs and not_measured(runs["news-please"]):
        del runs["news-please"]
    for run in runs.values():
        if not run.failure:
            print(f"{run.tool}: {summary(run, repeat)}")
    measured = {key: run for key, run in runs.items() if not run.failure}
    table = [measured.get(key) for key in ("ours, all", "ours, HTML", "news-please")]
    print()
    print(format_table([run for run in table if run], table[1], table[2]))
    cpus = os.cpu_count() or 1
    if max(loads) > cpus:
        print(
            f"\nLoad average up to {max(loads):.1f} on {cpus} CPUs: other work shared the "
            "machine, so the rates are low and noisy; run again when it is quiet."
        )
    ours_failed = [run for key, run in runs.items() if run.failure and key != "news-please"]
    for run in ours_failed:
        failed(run)
    return 1 if ours_failed else 0


def summary(run: Run, repeat: int) -> str:
    """What one pass over the articles found: a sign that the time was spent on real work."""
    if "relevant" in run.lines[0]:
        relevant = sum(1 for line in run.lines if line.get("relevant") is True)
        events = sum(len(line.get("events") or []) for line in run.lines)
        return f"per pass, {relevant // repeat} articles relevant, {events // repeat} events"
    errors = sum(1 for line in run.lines if "error" in line)
    empty = sum(1 for line in run.lines if not line.get("text_chars")) - errors
    return f"per pass, {empty // repeat} pages gave no text, {errors // repeat} raised an error"


def failed(run: Run) -> int:
    print(f"\nOur extractor failed ({run.tool}): {run.failure}\n{run.stderr_tail}", file=sys.stderr)
    return 1


def not_measured(run: Run) -> bool:
    """True, said plainly, when news-please failed: the run goes on without it."""
    if run.failure:
        print(f"news-please: FAILED ({run.failure}), so not measured:\n{run.stderr_tail}")
    return bool(run.failure)


def read_manifest(path: Path) -> list[dict[str, Any]]:
    """The manifest's objects in order, each `path` made absolute (a relative one is resolved
    against the manifest's folder, as `manage.py extract --jsonl` does). Blank lines are skipped;
    anything else that is not a JSON object with a `path` stops the benchmark."""
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SystemExit(f"{path}:{number}: not JSON ({exc})") from None
        if not isinstance(entry, dict) or not entry.get("path"):
            raise SystemExit(f"{path}:{number}: not an object with a path")
        article = Path(entry["path"])
        if not article.is_absolute():
            article = path.resolve().parent / article
        if not article.is_file():
            raise SystemExit(f"{path}:{number}: no file at {article}")
        entries.append({**entry, "path": str(article)})
    return entries


def is_html(path: str) -> bool:
    """The spec's rule: a path ending .html or .htm is HTML, anything else plain text."""
    return path.lower().endswith((".html", ".htm"))


def line_count(manifest: Path) -> int:
    return len(manifest.read_text(encoding="utf-8").splitlines())


def write_manifest(entries: list[dict[str, Any]], repeat: int, destination: Path) -> Path:
    """The entries `repeat` times over, in order, one JSON object a line."""
    lines = [json.dumps(entry, ensure_ascii=False) for entry in entries] * repeat
    destination.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return destination


def child_environment(work: Path) -> dict[str, str]:
    """The environment both tools run in. Each output line must reach the pipe when it is
    written, or the times at which lines arrive would measure the pipe's buffer. And bytecode is
    cached, in the benchmark's temporary folder (nothing is written into a venv or the tree):
    with PYTHONDONTWRITEBYTECODE, as on this machine, every process would compile its ~1,000
    modules anew, about 2 s that the production image (UV_COMPILE_BYTECODE) never pays."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env.pop("VIRTUAL_ENV", None)  # `uv run` sets it to the project's venv
    env.update(PYTHONUNBUFFERED="1", PYTHONPYCACHEPREFIX=str(work / "pycache"))
    return env


def django_environment(database_url: str, work: Path) -> dict[str, str]:
    """Production-like settings (DEBUG off: DEBUG keeps every SQL query in memory) on the
    benchmark's own database; no Celery broker."""
    env = child_environment(work)
    env.pop("REDIS_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="WARNING",
    )
    return env


def prepare(env: dict[str, str], work: Path) -> None:
    """Migrate the empty database and load the demo data (countries, actors and their aliases,
    which the extractor matches participants against)."""
    for label, command in (
        ("migrate", [sys.executable, "manage.py", "migrate", "--no-input", "-v0"]),
        ("load_demo", [sys.executable, "manage.py", "load_demo"]),
    ):
        started = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"{label} failed:\n{(result.stdout + result.stderr)[-5000:]}")
        print(f"{label}: {time.perf_counter() - started:.1f} s")


@dataclass
class Run:
    """One child process: what it printed, when, and what it cost."""

    tool: str
    articles: int  # output lines expected: one per input line
    seconds: float = 0.0  # process start to exit
    first_line: float | None = None  # seconds from process start to the first output line
    last_line: float | None = None
    peak_rss_kb: int = 0
    lines: list[dict[str, Any]] = field(default_factory=list)
    failure: str = ""
    stderr_tail: str = ""

    @property
    def startup(self) -> float | None:
        return self.first_line

    @property
    def overall_rate(self) -> float | None:
        return self.articles / self.seconds if self.seconds > 0 else None

    @property
    def steady_rate(self) -> float | None:
        """Articles per second once the first one is out: the lines after the first over the
        time they took. None when the lines came out in one burst (nothing to measure)."""
        if self.first_line is None or self.last_line is None or self.articles < 2:
            return None
        spread = self.last_line - self.first_line
        if spread < MIN_SPREAD_SECONDS:
            return None
        return (self.articles - 1) / spread

    @property
    def peak_rss_mb(self) -> float:
        return self.peak_rss_kb / 1024  # Linux gives ru_maxrss in KiB


def run_child(
    tool: str, command: list[str], env: dict[str, str] | None, work: Path, expected: int
) -> Run:
    """Run `command` from the project's folder, time each line it prints, and read its peak RSS
    from wait4 (its own rusage, not that of the benchmark's other children)."""
    run = Run(tool=tool, articles=expected)
    stderr_path = work / f"stderr-{len(list(work.glob('stderr-*')))}.log"
    with stderr_path.open("wb") as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr
        )
        try:
            assert process.stdout is not None
            for raw in process.stdout:
                now = time.perf_counter() - started
                if run.first_line is None:
                    run.first_line = now
                run.last_line = now
                try:
                    line = json.loads(raw)
                except json.JSONDecodeError:
                    line = None
                if not isinstance(line, dict):
                    run.failure = run.failure or f"line {len(run.lines) + 1} is not a JSON object"
                    continue
                run.lines.append(line)
            _pid, status, usage = os.wait4(process.pid, 0)
            run.seconds = time.perf_counter() - started
            # wait4 reaped the child: tell Popen, so it does not wait for it again.
            process.returncode = os.waitstatus_to_exitcode(status)
            run.peak_rss_kb = usage.ru_maxrss
        finally:
            if process.returncode is None:
                process.kill()
                process.wait()
    if process.returncode != 0:
        run.failure = f"exit status {process.returncode}"
    elif not run.failure and len(run.lines) != expected:
        run.failure = f"{len(run.lines)} output lines for {expected} input lines"
    if run.failure:
        run.stderr_tail = stderr_path.read_text(errors="replace")[-5000:]
    return run


def uv_command() -> list[str] | None:
    """How to call uv: `uv run` names itself in $UV; else uv on PATH, else the uv module of the
    interpreter this venv was made from (the Makefile may have installed it there)."""
    if os.environ.get("UV") and Path(os.environ["UV"]).is_file():
        return [os.environ["UV"]]
    if found := shutil.which("uv"):
        return [found]
    base = getattr(sys, "_base_executable", sys.executable)
    probe = subprocess.run([base, "-m", "uv", "--version"], capture_output=True)
    return [base, "-m", "uv"] if probe.returncode == 0 else None


def requirements_hash() -> str:
    return hashlib.sha256(NEWSPLEASE_REQUIREMENTS.read_bytes()).hexdigest()


def newsplease_python(venv: Path) -> Path | None:
    """The Python of news-please's venv, made and filled on first use; None (said plainly) when
    it cannot be installed, e.g. without access to the package index."""
    python = venv / "bin" / "python"
    stamp = venv / STAMP
    if python.is_file() and stamp.is_file() and stamp.read_text().strip() == requirements_hash():
        return python
    if venv.exists():
        if not (venv / "pyvenv.cfg").is_file():
            print(f"news-please: {venv} exists and is not a venv; not touching it.")
            return None
        shutil.rmtree(venv)  # made from other pins, or its install was interrupted
    venv.parent.mkdir(parents=True, exist_ok=True)
    uv = uv_command()
    base = getattr(sys, "_base_executable", sys.executable)
    requirements = str(NEWSPLEASE_REQUIREMENTS)
    if uv is not None:
        steps = [
            [*uv, "venv", "--quiet", str(venv), "--python", NEWSPLEASE_PYTHON],
            [*uv, "pip", "install", "--quiet", "--python", str(python), "-r", requirements],
        ]
    else:
        steps = [
            [base, "-m", "venv", str(venv)],
            [str(python), "-m", "pip", "install", "--quiet", "-r", requirements],
        ]
    print(f"news-please: installing into {venv.relative_to(ROOT)} (once)")
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("VIRTUAL_ENV", None)  # `uv run` sets it to the project's venv
    started = time.perf_counter()
    for command in steps:
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            output = (result.stdout + result.stderr).strip()[-2000:]
            print(
                "news-please: NOT INSTALLED, so not measured (is the package index reachable?). "
                f"`{' '.join(command)}` said:\n{output}"
            )
            return None
    stamp.write_text(requirements_hash())
    print(f"news-please: installed in {time.perf_counter() - started:.0f} s")
    return python


def figure(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def ratio(ours: float | None, theirs: float | None) -> str:
    return f"{ours / theirs:.2f}×" if ours is not None and theirs else "n/a"


def format_table(runs: list[Run], ours_html: Run | None, newsplease: Run | None) -> str:
    """The figures of every run, and the ratios ours/news-please on the HTML pages when both
    were measured."""
    header = (
        f"{'tool':<26} {'articles':>8} {'seconds':>8} {'start-up s':>10} "
        f"{'articles/s':>10} {'steady/s':>9} {'peak RSS MB':>11}"
    )
    rows = [header, "-" * len(header)]
    for run in runs:
        rows.append(
            f"{run.tool:<26} {run.articles:>8} {run.seconds:>8.1f} {figure(run.startup):>10} "
            f"{figure(run.overall_rate):>10} {figure(run.steady_rate):>9} "
            f"{run.peak_rss_mb:>11.0f}"
        )
    if ours_html is not None and newsplease is not None:
        rows.append("-" * len(header))
        rows.append(
            f"{'ours / news-please, HTML':<26} {'':>8} {'':>8} "
            f"{ratio(ours_html.startup, newsplease.startup):>10} "
            f"{ratio(ours_html.overall_rate, newsplease.overall_rate):>10} "
            f"{ratio(ours_html.steady_rate, newsplease.steady_rate):>9} "
            f"{ratio(ours_html.peak_rss_mb, newsplease.peak_rss_mb):>11}"
        )
        rows.append(
            "(articles/s: above 1× ours is faster; start-up and memory: above 1× ours is heavier)"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    sys.exit(main())

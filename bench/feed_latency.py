"""Feed-to-suggestion latency: a 20-item feed through a real Celery worker, timed.

    make bench-extract                  # runs this after bench/extract.py
    uv run --frozen python bench/feed_latency.py [--items 20] [--timeout 300]

1. Needs REDIS_URL (a broker the worker and this script share); says so and stops without it.
2. A database of its own: `<name>_feedbench` beside the PostgreSQL database DATABASE_URL names
   (dropped at the end), or a temporary SQLite file when DATABASE_URL is unset or SQLite.
3. Migrates it and loads the demo data (`load_demo`: the countries and the known actors that
   extraction matches participants against).
4. Serves a generated RSS feed of N reports (Russian and English, each a different contact) and
   their pages from a server on 127.0.0.1, registers the feed, and starts one real worker
   (`celery -A config worker --pool=solo`), exactly as production runs it but on this machine.
5. Enqueues `feed_poll` and watches the database: prints the seconds until the first pending
   suggestion is a row, until every article reached a final state, and per-stage figures.

The worker, the server and the database are stopped or dropped on every exit. The classes here
(`NewsSite`, `WorkerProcess`, `news_items`) are also what tests/pipeline/ runs its worker tests
with. See bench/README.md, "Feed to suggestion latency".
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.utils
import html
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script (bench/feed_latency.py): bench not importable yet
    sys.path.insert(0, str(ROOT))

from bench.pages import bench_database  # noqa: E402

HOST = "127.0.0.1"  # the only host the site listens on and the worker is allowed to fetch from
GOAL_SECONDS = 60  # the aim for a 20-item feed
DATABASE_COMMENT = "Temporary database of stancewatch bench/feed_latency.py; safe to drop."

# ---------------------------------------------------------------------------------------------
# The reports. Each one is a single contact of a different country, type and date, written so
# that the extractor finds exactly one event in it, and padded with background paragraphs drawn
# differently for each report so that no two are near-duplicates of each other.

RU_MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
    "октября", "ноября", "декабря",
)  # fmt: skip

# (language, country, contact type, sentence with {date}); the date is written out in full.
EVENTS = (
    ("ru", "KZ", "meeting",
     "Посол Казахстана в Афганистане Алимхан Есенгельдиев {date} встретился в Кабуле с "
     "исполняющим обязанности министра иностранных дел Амир Ханом Муттаки."),
    ("en", "UZ", "phone_call",
     "Uzbek Foreign Minister Bakhtiyor Saidov held a phone call with Taliban Foreign Minister "
     "Amir Khan Muttaqi on {date}."),
    ("en", "KZ", "visit",
     "A Kazakh government delegation visited Kabul on {date} and held talks with Taliban "
     "Foreign Minister Amir Khan Muttaqi."),
    ("en", "UZ", "agreement",
     "Uzbekistan and the Taliban signed a memorandum on the Trans-Afghan railway on {date}."),
    ("en", "KZ", "aid",
     "Kazakhstan on {date} handed over 500 tonnes of humanitarian aid to Taliban officials in "
     "Hairatan."),
    ("ru", "UZ", "visit",
     "Министр иностранных дел Узбекистана Бахтиёр Саидов {date} встретился в Кабуле с "
     "исполняющим обязанности министра иностранных дел Амир Ханом Муттаки."),
    ("en", "KZ", "conference",
     "On the sidelines of the SCO summit on {date}, the Kazakh foreign minister met the Taliban "
     "delegation led by Amir Khan Muttaqi."),
)  # fmt: skip

# Background with no tracked state and no Taliban side in it: it gives every report its own
# wording (and SimHash) without adding an event.
BACKGROUND = {
    "ru": (
        "Погода в столице в этот день была {adj}, температура держалась около {n} градусов.",
        "Городские власти сообщили о ремонте {n} километров дорог в {district} районе.",
        "На центральном рынке подешевели {goods}, продавцы связывают это с новым урожаем.",
        "Национальный банк оставил базовую ставку без изменений на уровне {n} процентов.",
        "В {district} районе открылась новая школа на {n} мест, строительство заняло два года.",
        "Музей истории подготовил выставку старинных {goods} из частных коллекций.",
        "Футбольный клуб столицы выиграл {n}-й матч сезона подряд и лидирует в таблице.",
        "Синоптики обещают, что следующая неделя будет {adj} и без сильного ветра.",
        "Железнодорожники запустили дополнительный пригородный поезд, он делает {n} остановок.",
        "Жители {district} района жалуются на шум от стройки, мэрия обещала проверку.",
        "Фермеры собрали {n} тысяч тонн зерна, это больше, чем годом ранее.",
        "В библиотеке прошла встреча с писателем, который выпустил роман о {goods}.",
    ),
    "en": (
        "The weather in the capital that day was {adj}, with temperatures around {n} degrees.",
        "City officials said {n} kilometres of roads in the {district} district were repaired.",
        "Prices of {goods} fell at the central bazaar, which traders put down to the harvest.",
        "The national bank left its base rate unchanged at {n} percent.",
        "A new school for {n} pupils opened in the {district} district after two years of work.",
        "The history museum opened an exhibition of antique {goods} from private collections.",
        "The capital's football club won its {n}th match in a row and leads the table.",
        "Forecasters expect the coming week to be {adj} and without strong wind.",
        "The railway company added a suburban train that makes {n} stops on its way.",
        "Residents of the {district} district complain about building noise; the mayor "
        "promised an inspection.",
        "Farmers harvested {n} thousand tonnes of grain, more than a year earlier.",
        "The library hosted a writer whose new novel is about {goods}.",
    ),
}
FILLERS = {
    "ru": {
        "adj": ("солнечной", "дождливой", "пасмурной", "ветреной", "морозной", "тёплой"),
        "district": ("северном", "южном", "восточном", "западном", "центральном", "старом"),
        "goods": ("яблоки", "ковры", "абрикосы", "монеты", "орехи", "керамику", "ткани"),
    },
    "en": {
        "adj": ("sunny", "rainy", "overcast", "windy", "frosty", "warm"),
        "district": ("northern", "southern", "eastern", "western", "central", "old"),
        "goods": ("apples", "carpets", "apricots", "coins", "walnuts", "pottery", "textiles"),
    },
}
# Twenty reports a week apart from here run to January and never touch May: the extractor
# currently reads the English month "May" as the modal verb (a hedge), which drops the event.
FIRST_EVENT_DATE = dt.date(2024, 8, 5)


@dataclass(frozen=True)
class NewsItem:
    """One report of the generated feed: where it lives, what it says, what it should yield."""

    slug: str
    title: str
    language: str
    country: str
    contact_type: str
    event_date: dt.date
    published: dt.date
    paragraphs: tuple[str, ...]

    @property
    def path(self) -> str:
        return f"/news/{self.slug}.html"


def written_date(date: dt.date, language: str) -> str:
    if language == "ru":
        return f"{date.day} {RU_MONTHS[date.month - 1]} {date.year} года"
    return f"{date.day} {date.strftime('%B')} {date.year}"


def news_items(count: int, *, seed: str = "") -> list[NewsItem]:
    """`count` reports, each with its own event (country, type, date) and background.

    `seed` goes into the slugs, so two runs against one database never share a URL.
    """
    items = []
    for index in range(count):
        language, country, contact_type, sentence = EVENTS[index % len(EVENTS)]
        # A week apart, and on a different weekday each time: dates never collide.
        event_date = FIRST_EVENT_DATE + dt.timedelta(days=8 * index)
        background = _background(index, language)
        event = sentence.format(date=written_date(event_date, language))
        # The event sits in the middle, so no "report ends here" heuristic cuts it.
        paragraphs = (background[0], event, *background[1:])
        title = (
            f"Контакт с Кабулом № {index + 1}"
            if language == "ru"
            else f"Contact with Kabul, report {index + 1}"
        )
        items.append(
            NewsItem(
                slug=f"{seed}{index + 1:03d}-{country.lower()}-{contact_type}",
                title=title,
                language=language,
                country=country,
                contact_type=contact_type,
                event_date=event_date,
                published=event_date + dt.timedelta(days=1),
                paragraphs=paragraphs,
            )
        )
    return items


def _background(index: int, language: str) -> list[str]:
    pool = BACKGROUND[language]
    fillers = FILLERS[language]
    # Four sentences out of twelve, a different choice and order for each report.
    picks = [(index * 5 + step * (7 if index % 2 else 5)) % len(pool) for step in range(4)]
    seen: list[int] = []
    for pick in picks:
        while pick in seen:
            pick = (pick + 1) % len(pool)
        seen.append(pick)
    return [
        pool[pick].format(
            n=7 + (index * 13 + pick * 3) % 90,
            adj=fillers["adj"][(index + pick) % len(fillers["adj"])],
            district=fillers["district"][(index * 2 + pick) % len(fillers["district"])],
            goods=fillers["goods"][(index * 3 + pick) % len(fillers["goods"])],
        )
        for pick in seen
    ]


def page_html(item: NewsItem, site_name: str) -> str:
    body = "\n".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in item.paragraphs)
    published = item.published.isoformat()
    return f"""<!doctype html>
<html lang="{item.language}">
<head>
<meta charset="utf-8">
<title>{html.escape(item.title)}</title>
<meta property="og:site_name" content="{html.escape(site_name)}">
<meta property="article:published_time" content="{published}T09:00:00+05:00">
</head>
<body>
<header><nav><a href="/">{html.escape(site_name)}</a></nav></header>
<article>
<h1>{html.escape(item.title)}</h1>
<time datetime="{published}">{published}</time>
{body}
</article>
</body>
</html>
"""


def feed_xml(items: list[NewsItem], base_url: str, site_name: str) -> str:
    entries = []
    for item in items:
        published = dt.datetime.combine(item.published, dt.time(9), tzinfo=dt.UTC)
        entries.append(
            f"<item><title>{html.escape(item.title)}</title>"
            f"<link>{base_url}{item.path}</link>"
            f'<guid isPermaLink="true">{base_url}{item.path}</guid>'
            f"<pubDate>{email.utils.format_datetime(published)}</pubDate>"
            f"<description>{html.escape(item.paragraphs[1][:120])}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{html.escape(site_name)}</title><link>{base_url}/</link>"
        f"<description>Generated reports</description>{''.join(entries)}</channel></rss>\n"
    )


# ---------------------------------------------------------------------------------------------
# The site: a feed and its pages on 127.0.0.1, with request counts and pages that can be held.


@dataclass
class NewsSite:
    """A news site on 127.0.0.1 serving `/feed.rss` and one page per item.

    `hold(path)` makes that page wait before answering (until `release()` or `hold_seconds`),
    and `wait_for_request(path)` returns once a client is waiting on it: the moment a test
    kills the worker. `hits` counts requests per path.
    """

    items: list[NewsItem]
    site_name: str = "Stepnoy Vestnik"
    port: int = 0
    hits: Counter = field(default_factory=Counter)
    held: set[str] = field(default_factory=set)
    hold_seconds: float = 60.0
    _released: threading.Event = field(default_factory=threading.Event)
    _arrived: threading.Condition = field(default_factory=threading.Condition)
    _server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def feed_url(self) -> str:
        return f"{self.base_url}/feed.rss"

    def url(self, item: NewsItem) -> str:
        return f"{self.base_url}{item.path}"

    def start(self) -> NewsSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the counts say what was asked."""

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                with site._arrived:
                    site.hits[path] += 1
                    site._arrived.notify_all()
                if path == "/feed.rss":
                    body = feed_xml(site.items, site.base_url, site.site_name)
                    return self.answer(body.encode(), "application/rss+xml; charset=utf-8")
                item = next((i for i in site.items if i.path == path), None)
                if item is None:
                    return self.answer(b"not found", "text/plain", status=404)
                if path in site.held:
                    site._released.wait(site.hold_seconds)
                page = page_html(item, site.site_name).encode()
                return self.answer(page, "text/html; charset=utf-8")

            def answer(self, body: bytes, content_type: str, *, status: int = 200) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client died while the page was held: that is what was tested

        server = ThreadingHTTPServer((HOST, self.port), Handler)
        server.daemon_threads = True
        server.block_on_close = False  # never wait for a held page at shutdown
        self.port = server.server_address[1]
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def hold(self, path: str) -> None:
        self._released.clear()
        self.held.add(path)

    def release(self) -> None:
        self.held.clear()
        self._released.set()

    def wait_for_request(self, path: str, *, count: int = 1, timeout: float = 90) -> bool:
        """Whether `path` was requested at least `count` times within `timeout` seconds."""
        with self._arrived:
            return self._arrived.wait_for(lambda: self.hits[path] >= count, timeout)


# ---------------------------------------------------------------------------------------------
# A real worker process.


@dataclass
class WorkerProcess:
    """`celery -A config worker` as production runs it (solo pool, one task at a time), with
    its output in a log file so a failing wait can show what the worker said."""

    env: dict[str, str]
    log_path: Path
    name: str = field(default_factory=lambda: f"feedbench-{uuid.uuid4().hex[:10]}@localhost")
    process: subprocess.Popen | None = None

    def start(self, broker_url: str, *, timeout: float = 90) -> WorkerProcess:
        return self.launch().wait_ready(broker_url, timeout=timeout)

    def launch(self) -> WorkerProcess:
        """Start the process without waiting for it (start several, then `wait_ready` each)."""
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"]
        command += ["--concurrency=1", "--without-gossip", "--without-mingle", "-n", self.name]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [*command, "--loglevel=INFO"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def wait_ready(self, broker_url: str, *, timeout: float = 90) -> WorkerProcess:
        """Until the worker answers a ping through the broker, i.e. it consumes the queue."""
        from celery import Celery

        assert self.process is not None, "launch() first"
        client = Celery(broker=broker_url)
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"worker {self.name} exited at start-up:\n{self.output()}")
                if client.control.ping(destination=[self.name], timeout=1.0):
                    return self
            raise RuntimeError(
                f"worker {self.name} did not answer a ping in {timeout:.0f} s:\n{self.output()}"
            )
        finally:
            client.close()

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no chance to acknowledge or requeue anything."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # warm shutdown: the task in hand finishes first
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()

    def output(self, tail: int = 8000) -> str:
        """The end of what the worker logged (all of it with `tail=0`)."""
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no output)"
        return text[-tail:] if tail else text


def purge_broker(broker_url: str) -> None:
    """Empty the default queue and forget unacknowledged messages of earlier runs, so nothing
    left over from a killed run is redelivered into this one."""
    import redis

    client = redis.Redis.from_url(broker_url)
    try:
        client.delete("celery", "unacked", "unacked_index", "unacked_mutex")
    finally:
        client.close()


# ---------------------------------------------------------------------------------------------
# The benchmark.


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=20, help="reports in the feed")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait, at most")
    args = parser.parse_args()
    broker_url = os.environ.get("REDIS_URL", "")
    if not broker_url:
        print(
            "bench/feed_latency.py needs a Redis broker for its worker: set REDIS_URL "
            "(e.g. REDIS_URL=redis://127.0.0.1:6379/0) and run it again. Skipped.",
            file=sys.stderr,
        )
        # Not a failure: `make bench-extract` runs this after the extraction benchmark, and a
        # laptop without Redis should still get that one's figures.
        return 0

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="stancewatch-feedbench-") as tmp:
        work = Path(tmp)
        with bench_database(
            os.environ.get("DATABASE_URL", ""),
            work,
            suffix="_feedbench",
            comment=DATABASE_COMMENT,
            script="bench/feed_latency.py",
        ) as database_url:
            env = worker_environment(database_url, broker_url, work)
            # This process reads the same database with the same settings as the worker.
            os.environ.update({k: v for k, v in env.items() if k != "PYTHONPYCACHEPREFIX"})
            import django

            django.setup()
            prepare()
            return run(args.items, args.timeout, broker_url, env, work, database_url)


def run(
    count: int, timeout: float, broker_url: str, env: dict[str, str], work: Path, database_url: str
) -> int:
    from articles.models import Article, Feed, Suggestion
    from articles.services import outlet_for_url
    from articles.tasks import feed_poll

    site = NewsSite(items=news_items(count, seed=f"b{uuid.uuid4().hex[:6]}-")).start()
    purge_broker(broker_url)
    worker = WorkerProcess(env=env, log_path=work / "worker.log")
    try:
        started = time.perf_counter()
        worker.start(broker_url)
        print(f"worker ready: {time.perf_counter() - started:.1f} s (start-up, not counted)")
        feed = Feed.objects.create(
            url=site.feed_url, outlet=outlet_for_url(url=site.feed_url, name=site.site_name)
        )
        final = [s for s in Article.State.values if s not in ("registered", "fetched")]
        t0 = time.perf_counter()
        feed_poll.delay(feed.pk)
        pending = Suggestion.objects.filter(article__feed=feed, state=Suggestion.State.PENDING)
        first_suggestion = all_final = None
        deadline = t0 + timeout
        while time.perf_counter() < deadline:
            now = time.perf_counter() - t0
            if first_suggestion is None and pending.exists():
                first_suggestion = now
            articles = Article.objects.filter(feed=feed)
            total = articles.count()
            if total >= count and not articles.exclude(state__in=final).exists():
                all_final = now
                if first_suggestion is None and pending.exists():
                    first_suggestion = now
                break
            time.sleep(0.1)
        report(feed, t0_wall=time.time() - (time.perf_counter() - t0))
        report_task_times(worker.output(tail=0))
        backend = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
        print(f"\n{backend}, {count}-item feed, one worker (solo pool), Redis broker")
        print(f"  first pending suggestion visible: {fmt(first_suggestion)}")
        print(f"  all {count} articles in a final state: {fmt(all_final)}")
        states = Counter(Article.objects.filter(feed=feed).values_list("state", flat=True))
        print(f"  articles by state: {dict(sorted(states.items()))}")
        actions = Counter(
            Suggestion.objects.filter(article__feed=feed).values_list("action", flat=True)
        )
        print(f"  suggestions by action: {dict(sorted(actions.items()))}")
        if all_final is None:
            print(f"\nNot finished within {timeout:.0f} s; the worker said:\n{worker.output()}")
            return 1
        verdict = "within" if all_final < GOAL_SECONDS else "OVER"
        print(f"  goal: all done under {GOAL_SECONDS} s for a 20-item feed: {verdict}")
        return 0
    finally:
        worker.stop()
        site.stop()


def fmt(seconds: float | None) -> str:
    return "never (timed out)" if seconds is None else f"{seconds:.1f} s"


def report(feed, *, t0_wall: float) -> None:
    """Per-stage figures from the rows' own timestamps: when each article was found (feed
    poll), fetched and analysed, and when its suggestions appeared, relative to the enqueue."""
    from articles.models import Article, Suggestion

    rows = Article.objects.filter(feed=feed).values_list("found_at", "fetched_at", "analysed_at")
    found = [r[0].timestamp() - t0_wall for r in rows if r[0]]
    fetched = [r[1].timestamp() - t0_wall for r in rows if r[1]]
    analysed = [r[2].timestamp() - t0_wall for r in rows if r[2]]
    suggested = [
        created.timestamp() - t0_wall
        for created in Suggestion.objects.filter(article__feed=feed).values_list(
            "created_at", flat=True
        )
    ]
    print(f"\n{'stage':<26} {'n':>3} {'first s':>8} {'median s':>9} {'last s':>7}")
    for label, values in (
        ("feed polled, registered", found),
        ("page fetched", fetched),
        ("analysed", analysed),
        ("suggestion created", suggested),
    ):
        if values:
            print(
                f"{label:<26} {len(values):>3} {min(values):>8.1f} "
                f"{statistics.median(values):>9.1f} {max(values):>7.1f}"
            )
        else:
            print(f"{label:<26} {0:>3} {'-':>8} {'-':>9} {'-':>7}")


TASK_DONE = re.compile(r"Task articles\.tasks\.(\w+)\[[^\]]+\] succeeded in ([\d.]+)s")


def report_task_times(worker_log: str) -> None:
    """Each task's own run time, from the worker's log ("Task … succeeded in 0.41s")."""
    times: dict[str, list[float]] = {}
    for name, seconds in TASK_DONE.findall(worker_log):
        times.setdefault(name, []).append(float(seconds))
    if not times:
        return
    print(f"\n{'task':<26} {'runs':>4} {'median s':>9} {'max s':>7} {'total s':>8}")
    for name, values in times.items():
        print(
            f"{name:<26} {len(values):>4} {statistics.median(values):>9.2f} "
            f"{max(values):>7.2f} {sum(values):>8.1f}"
        )


def prepare() -> None:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", "--no-input", verbosity=0)
    call_command("load_demo", verbosity=0)
    print(f"migrate + load_demo: {time.perf_counter() - started:.1f} s")


def worker_environment(database_url: str, broker_url: str, work: Path) -> dict[str, str]:
    import secrets

    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": broker_url,
        "INGEST_ALLOWED_HOSTS": HOST,
        # Production-like (DEBUG keeps every query in memory), as bench/pages.py runs.
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        # As bench/extract.py does: compiled modules cached outside the tree, so start-up is not
        # an import-compilation benchmark.
        "PYTHONPYCACHEPREFIX": str(work / "pycache"),
    }


if __name__ == "__main__":
    sys.exit(main())

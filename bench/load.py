"""Load test: many anonymous readers at once on gunicorn, PostgreSQL and 20k synthetic contacts.

    make load                           # or: uv run --frozen python bench/load.py [options]

1. Uses a PostgreSQL database of its own, `<name>_load` next to the one DATABASE_URL names
   (default postgres://postgres@127.0.0.1:5432/stancewatch). It is kept between runs: when it
   already holds the requested synthetic data set it is only migrated, otherwise (or with
   --reseed) it is dropped, recreated and seeded with `manage.py seed_synthetic`.
2. Starts gunicorn as bench/pages.py does (config.wsgi with bench/settings.py, DEBUG off, page
   cache on) with WEB_CONCURRENCY workers (default 2 × cores + 1) and --threads threads each
   (default 1: the sync worker, as in the production image).
3. For --seconds, --clients threads each keep one HTTP connection open to 127.0.0.1 and request
   a weighted mix of URLs built from the data: home, timelines with filters and pages, the matrix
   at random dates, contact, stance change and actor pages, and the CSV/JSON exports.
4. Prints requests, req/s, p50, p95, p99 and errors per page family, and exits 1 on any error
   (a status of 400 or more, a refused or dropped connection, a timeout).

See bench/README.md ("make load") for the options and the figures of a run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script (bench/load.py), bench is not yet importable
    sys.path.insert(0, str(ROOT))

from bench.pages import HOST, Server, django_environment, gunicorn, positive  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/stancewatch"
# Every comment this script writes on its database starts with this, so a database someone else
# made under the same name is never dropped; the rest names the data set it holds, once seeded.
COMMENT_PREFIX = "Database of stancewatch bench/load.py; safe to drop."

# Page families and their share of the requests: readers mostly open timelines and records,
# compare dates in the matrix now and then, and export rarely (an export is the heaviest page).
WEIGHTS: dict[str, int] = {
    "home": 10,
    "timeline": 12,
    "timeline, filtered": 16,
    "matrix": 8,
    "matrix, compare": 7,
    "contact": 22,
    "stance change": 6,
    "actor": 9,
    "timeline export": 5,
    "matrix export": 5,
}
FAMILIES = list(WEIGHTS)
# The timeline's filter parameters a reader combines (domain.md); each filtered URL uses 1-3.
FILTERS = ("type", "topic", "level", "actor", "verification", "dates", "q", "kind", "order")
MATRIX_START = date(2021, 8, 15)  # the Taliban took Kabul: the matrix means nothing before


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of already sorted values (p in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    rank = math.ceil(p / 100 * len(values))
    return values[min(len(values), max(rank, 1)) - 1]


def catalogue() -> dict[str, Any]:
    """What the URL mix is built from, read from the configured database (Django set up):
    canonical URLs of the public records, each tracked country's page counts and actors, the
    vocabularies, the data's date range and words a reader might search for."""
    from django.db.models import Count, Max, Min

    from stances.models import Actor, Contact, StanceChange
    from stances.selectors import tracked_countries
    from stances.timeline import (
        PER_PAGE,
        TimelineFilters,
        filtered_contacts,
        filtered_stance_changes,
        timeline_actors,
    )
    from stances.vocabulary import ContactType, Level, TopicCode, Verification

    contacts = Contact.objects.published()
    countries = []
    for country in tracked_countries():
        everything = TimelineFilters()
        records = (
            filtered_contacts(country, everything).count()
            + filtered_stance_changes(country, everything).count()
        )
        by_type = (
            contacts.filter(country=country).values_list("type").annotate(n=Count("id")).order_by()
        )
        countries.append(
            {
                "slug": country.slug,
                "pages": max(1, math.ceil(records / PER_PAGE)),
                "type_pages": {t: max(1, math.ceil(n / PER_PAGE)) for t, n in by_type},
                "actors": [actor.slug for actor in timeline_actors(country)],
            }
        )
    span = contacts.aggregate(first=Min("date"), last=Max("date"))
    fields = ("id", "date", "country", "type", "location_city")
    stance_fields = ("id", "date", "country", "dimension", "value")
    cities = contacts.exclude(location_city="").values_list("location_city", flat=True)
    names = Actor.objects.filter(participations__isnull=False).values_list("name", flat=True)
    return {
        "countries": countries,
        "first": (span["first"] or MATRIX_START).isoformat(),
        "last": (span["last"] or MATRIX_START).isoformat(),
        "contacts": [c.get_absolute_url() for c in contacts.only(*fields).order_by("id")],
        "stances": [
            s.get_absolute_url()
            for s in StanceChange.objects.published().only(*stance_fields).order_by("id")
        ],
        "actors": [a.get_absolute_url() for a in Actor.objects.only("slug").order_by("slug")],
        # Cities and surnames: what the summaries and quotes a reader searches in mention.
        "words": sorted(
            set(cities.distinct()) | {name.split()[-1] for name in names.distinct() if name}
        ),
        "types": list(ContactType.values),
        "topics": list(TopicCode.values),
        "levels": list(Level.values),
        "verifications": list(Verification.values),
    }


class UrlMix:
    """Picks the next (family, path) a reader requests, at the weights of WEIGHTS; every path is
    a canonical URL of something the catalogue says exists, so none should answer 404 or 301."""

    def __init__(self, data: dict[str, Any], rng: random.Random, today: date) -> None:
        self.data = data
        self.rng = rng
        self.today = today
        self.first = date.fromisoformat(data["first"])
        self.last = date.fromisoformat(data["last"])
        needs = {
            "timeline": data["countries"],
            "timeline, filtered": data["countries"],
            "timeline export": data["countries"],
            "contact": data["contacts"],
            "stance change": data["stances"],
            "actor": data["actors"],
        }
        self.families = [f for f in FAMILIES if needs.get(f, True)]
        self.weights = [WEIGHTS[f] for f in self.families]

    def next(self) -> tuple[str, str]:
        family = self.rng.choices(self.families, self.weights)[0]
        return family, self.path(family)

    def path(self, family: str) -> str:
        rng = self.rng
        match family:
            case "home":
                return "/"
            case "timeline":
                country = rng.choice(self.data["countries"])
                return self._with_query(f"/countries/{country['slug']}/", self._page(country))
            case "timeline, filtered":
                country = rng.choice(self.data["countries"])
                return self._with_query(f"/countries/{country['slug']}/", self._filters(country))
            case "matrix":
                return self._with_query("/matrix/", {"as_of": self._matrix_date().isoformat()})
            case "matrix, compare":
                return self._with_query("/matrix/", self._matrix_dates())
            case "contact":
                return rng.choice(self.data["contacts"])
            case "stance change":
                return rng.choice(self.data["stances"])
            case "actor":
                return rng.choice(self.data["actors"])
            case "timeline export":
                country = rng.choice(self.data["countries"])
                # Analysts mostly export what they filtered; a third take the whole timeline.
                query = self._filters(country) if rng.random() < 2 / 3 else {}
                query.pop("page", None)
                query["format"] = rng.choice(("csv", "json"))
                return self._with_query(f"/countries/{country['slug']}/", query)
            case "matrix export":
                query = self._matrix_dates() if rng.random() < 0.5 else {}
                query.setdefault("as_of", self._matrix_date().isoformat())
                query["format"] = rng.choice(("csv", "json"))
                return self._with_query("/matrix/", query)
        raise ValueError(f"unknown page family {family!r}")

    @staticmethod
    def _with_query(path: str, query: dict[str, str]) -> str:
        return f"{path}?{urlencode(query)}" if query else path

    def _later_page(self, pages: int) -> int:
        # Readers page on a little and rarely far: 2, 3, 4 are common, the last page is rare.
        return min(pages, 2 + int(self.rng.expovariate(1 / 3)))

    def _page(self, country: dict[str, Any]) -> dict[str, str]:
        if country["pages"] < 2 or self.rng.random() < 0.5:
            return {}
        return {"page": str(self._later_page(country["pages"]))}

    def _date_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def _matrix_date(self) -> date:
        return self._date_between(MATRIX_START, self.today)

    def _matrix_dates(self) -> dict[str, str]:
        as_of = self._date_between(MATRIX_START + timedelta(days=30), self.today)
        compare = self._date_between(MATRIX_START, as_of - timedelta(days=30))
        return {"as_of": as_of.isoformat(), "compare": compare.isoformat()}

    def _filters(self, country: dict[str, Any]) -> dict[str, str]:
        rng = self.rng
        chosen = rng.sample(FILTERS, rng.choice((1, 1, 2, 2, 3)))
        query: dict[str, str] = {}
        for name in chosen:
            match name:
                case "type":
                    query["type"] = rng.choice(self.data["types"])
                case "topic":
                    query["topic"] = rng.choice(self.data["topics"])
                case "level":
                    query["level"] = rng.choice(self.data["levels"])
                    if rng.random() < 0.3:
                        query["level_match"] = "exactly"
                case "actor" if country["actors"]:
                    query["actor"] = rng.choice(country["actors"])
                case "verification":
                    query["verification"] = rng.choice(self.data["verifications"])
                case "dates":
                    start = self._date_between(self.first, self.last)
                    end = self._date_between(start, self.last)
                    if rng.random() < 0.8:
                        query["from"] = start.isoformat()
                    query["to"] = end.isoformat()
                case "q" if self.data["words"]:
                    query["q"] = rng.choice(self.data["words"])
                case "kind":
                    query["kind"] = rng.choice(("contacts", "stances"))
                case "order":
                    query["order"] = "oldest"
        # A type alone has a known number of pages; paging through it is what readers do most.
        pages = country["type_pages"].get(query.get("type", ""), 1)
        if set(query) == {"type"} and pages > 1 and rng.random() < 0.4:
            query["page"] = str(self._later_page(pages))
        return query


@dataclass
class Outcome:
    """What the clients saw for one page family."""

    milliseconds: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)  # "503", "timeout", …
    redirects: int = 0
    error_urls: list[str] = field(default_factory=list)

    def merge(self, other: Outcome) -> None:
        self.milliseconds += other.milliseconds
        self.errors += other.errors
        self.redirects += other.redirects
        self.error_urls += other.error_urls[: max(0, 5 - len(self.error_urls))]


def fetch(connection: http.client.HTTPConnection, path: str, tag: str) -> int:
    """GET `path` on a kept-alive connection; the status. A connection the server closed while
    it was idle (gunicorn's keep-alive timeout) is reopened once, as browsers do; any other
    failure propagates."""
    for attempt in (1, 2):
        reused = connection.sock is not None
        try:
            connection.request("GET", path, headers={"X-Bench-Page": tag})
            response = connection.getresponse()
            response.read()
            return response.status
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            connection.close()
            if not reused or attempt == 2:
                raise
    raise AssertionError("unreachable")


def run_clients(
    port: int,
    data: dict[str, Any],
    *,
    clients: int,
    seconds: float,
    seed: int,
    timeout: float,
) -> tuple[dict[str, Outcome], float]:
    """`clients` threads requesting the URL mix for `seconds`; outcomes per family and the wall
    time the clients actually ran."""
    today = date.today()
    per_client: list[dict[str, Outcome]] = [{} for _ in range(clients)]
    start = threading.Barrier(clients + 1)
    deadline = 0.0

    def client(index: int) -> None:
        outcomes = per_client[index]
        mix = UrlMix(data, random.Random(f"{seed}-{index}"), today)
        connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
        start.wait()
        while time.perf_counter() < deadline:
            family, path = mix.next()
            outcome = outcomes.setdefault(family, Outcome())
            began = time.perf_counter()
            try:
                status = fetch(connection, path, str(FAMILIES.index(family)))
            except TimeoutError:
                status, error = 0, "timeout"
            except OSError as exc:  # refused, reset, dropped: http.client's errors included
                status, error = 0, type(exc).__name__
            except http.client.HTTPException as exc:
                status, error = 0, type(exc).__name__
            outcome.milliseconds.append((time.perf_counter() - began) * 1000)
            if status >= 400:
                error = str(status)
            if status == 0 or status >= 400:
                outcome.errors[error] += 1
                connection.close()  # a failed exchange leaves the connection unusable
                if len(outcome.error_urls) < 5:
                    outcome.error_urls.append(f"{error} {path}")
            elif 300 <= status < 400:
                outcome.redirects += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    deadline = time.perf_counter() + seconds
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    merged: dict[str, Outcome] = {}
    for outcomes in per_client:
        for family, outcome in outcomes.items():
            merged.setdefault(family, Outcome()).merge(outcome)
    return merged, elapsed


def report(
    outcomes: dict[str, Outcome], elapsed: float, server_times: dict[str, list[float]]
) -> int:
    """Print the table; return the number of errors. Latencies are the clients' (queueing
    included); the last two columns are gunicorn's own timer: the page's cost, and its share of
    all the time the workers spent serving."""
    header = (
        f"{'page family':<20} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'errors':>6}  {'server p95':>10} {'% server':>8}"
    )
    print(header)
    print("-" * len(header))
    busy = sum(t for tag, times in server_times.items() if tag.isdigit() for t in times) or 1.0
    total = Outcome()
    rows = [(f, outcomes[f]) for f in FAMILIES if f in outcomes]
    for family, outcome in [*rows, ("total", total)]:
        if family == "total":
            print("-" * len(header))
            served = [t for tag, times in server_times.items() if tag.isdigit() for t in times]
        else:
            total.merge(outcome)
            served = server_times.get(str(FAMILIES.index(family)), [])
        times = sorted(outcome.milliseconds)
        errors = sum(outcome.errors.values())
        print(
            f"{family:<20} {len(times):>8} {len(times) / elapsed:>7.1f} "
            f"{percentile(times, 50):>8.1f} {percentile(times, 95):>8.1f} "
            f"{percentile(times, 99):>8.1f} {errors:>6}  {percentile(sorted(served), 95):>10.1f} "
            f"{100 * sum(served) / busy:>7.0f}%"
        )
    if total.redirects:
        print(f"\n{total.redirects} redirect(s): a URL the mix built is not canonical.")
    return sum(total.errors.values())


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def server_connection_arguments(url: str) -> tuple[str, dict[str, Any]]:
    """The database name DATABASE_URL gives and psycopg's arguments for its server."""
    import dj_database_url

    config = dj_database_url.parse(url)
    if not config["NAME"]:
        raise SystemExit("DATABASE_URL names no database; the load test's is named after it.")
    server = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        **config.get("OPTIONS", {}),
    }
    return config["NAME"], server


@contextmanager
def maintenance(server: dict[str, Any]) -> Iterator[Any]:
    import psycopg

    # CREATE/DROP DATABASE run outside a transaction, from the server's maintenance database.
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as connection:
        yield connection


def load_database(configured_url: str, *, data_set: str, reseed: bool) -> tuple[str, bool]:
    """The URL of `<name>_load` and whether it must be seeded: it is reused when its comment
    says it holds `data_set`, else dropped and recreated empty."""
    from psycopg import sql

    if urlsplit(configured_url).scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit("bench/load.py needs PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    name, server = server_connection_arguments(configured_url)
    name = f"{name}_load"
    database = sql.Identifier(name)
    wanted = f"{COMMENT_PREFIX} Data set: {data_set}."
    with maintenance(server) as connection:
        row = connection.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
        if row is not None and not (row[0] or "").startswith(COMMENT_PREFIX):
            raise SystemExit(
                f"A database named {name} already exists and was not made by bench/load.py; "
                "drop it or point DATABASE_URL at another database name."
            )
        url = urlsplit(configured_url)._replace(path=f"/{name}").geturl()
        if row is not None and row[0] == wanted and not reseed:
            print(f"Reusing {name}: it holds {data_set} (--reseed to seed it again).")
            return url, False
        if row is not None:
            connection.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(database))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(database))
        # No data set named until the seeding has finished: a killed run leaves a database that
        # the next run recognises as its own and replaces.
        connection.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(database, sql.Literal(COMMENT_PREFIX))
        )
    print(f"Created {name}; it is kept for later runs.")
    return url, True


def mark_seeded(configured_url: str, data_set: str) -> None:
    from psycopg import sql

    name, server = server_connection_arguments(configured_url)
    comment = f"{COMMENT_PREFIX} Data set: {data_set}."
    with maintenance(server) as connection:
        connection.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(f"{name}_load"), sql.Literal(comment)
            )
        )


def manage(env: dict[str, str], *arguments: str, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout if capture else ""


def timed(label: str, env: dict[str, str], *arguments: str) -> None:
    started = time.perf_counter()
    manage(env, *arguments)
    print(f"{label}: {time.perf_counter() - started:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    option = parser.add_argument
    option("--seconds", type=positive, default=60, help="how long the clients run (60)")
    option("--clients", type=positive, default=32, help="concurrent client threads (32)")
    option("--contacts", type=positive, default=20_000, help="synthetic contacts (20000)")
    option("--seed", type=int, default=1, help="seed of the synthetic data and the URL mix")
    option("--threads", type=positive, default=1, help="threads per gunicorn worker (1)")
    option("--warmup", type=float, default=5, help="untimed seconds before the run (5)")
    option("--timeout", type=float, default=30, help="seconds before a request is an error")
    option("--reseed", action="store_true", help="seed the load database again")
    option("--quick", action="store_true", help="smoke run: 10 s, 8 clients, 2000 contacts")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.clients, args.contacts, args.warmup = 10, 8, 2_000, 2

    default_workers = 2 * cores() + 1
    workers = int(os.environ.get("WEB_CONCURRENCY") or default_workers)
    configured_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    data_set = f"{args.contacts} synthetic contacts, seed {args.seed}"
    database_url, seed = load_database(configured_url, data_set=data_set, reseed=args.reseed)

    with tempfile.TemporaryDirectory(prefix="stancewatch-load-") as folder:
        work = Path(folder)
        env = django_environment(database_url, work)
        # With PYTHONDONTWRITEBYTECODE (set on this machine) every gunicorn worker would compile
        # ~1,000 modules at start-up, well into the run; the production image ships bytecode.
        # migrate fills a cache in the temporary folder, which the workers then read.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        timed("migrate", env, "migrate", "--no-input", "-v0")
        if seed:
            timed(
                f"seed_synthetic ({args.contacts} contacts)",
                env,
                "seed_synthetic",
                f"--contacts={args.contacts}",
                f"--seed={args.seed}",
            )
            mark_seeded(configured_url, data_set)
        timed("collectstatic", env, "collectstatic", "--no-input", "-v0")
        script = "import json; from bench.load import catalogue; print(json.dumps(catalogue()))"
        output = manage(env, "shell", "--no-imports", "-c", script, capture=True)
        data = json.loads(output.strip().splitlines()[-1])

        # gunicorn reads extra options from GUNICORN_CMD_ARGS. One thread is the sync worker of
        # the production image (it closes each connection; the clients reopen it). More make it
        # the gthread worker, which keeps connections alive but pins each to one process, where
        # a slow export then holds up the pages queued behind it (see bench/README.md).
        env["GUNICORN_CMD_ARGS"] = f"--threads {args.threads}"
        source = "WEB_CONCURRENCY" if os.environ.get("WEB_CONCURRENCY") else "2 × cores + 1"
        print(
            f"\ngunicorn: {workers} workers ({source}; {cores()} cores) × {args.threads} threads; "
            f"{args.clients} clients for {args.seconds} s after {args.warmup:g} s of warm-up; "
            f"PostgreSQL, {data_set}\n"
        )
        with gunicorn(env, work, workers=workers) as server:
            warmup, _ = run_clients(
                server.port,
                data,
                clients=args.clients,
                seconds=args.warmup,
                seed=args.seed + 1_000,
                timeout=args.timeout,
            )
            (work / "access.log").write_text("")  # the server times of the timed run alone
            outcomes, elapsed = run_clients(
                server.port,
                data,
                clients=args.clients,
                seconds=args.seconds,
                seed=args.seed,
                timeout=args.timeout,
            )
            time.sleep(0.5)  # let gunicorn write the last access-log lines
            errors = report(outcomes, elapsed, server.request_times())
            errors += warmup_errors(warmup)
            if errors:
                print_errors([*warmup.values(), *outcomes.values()], server)
                return 1
    print("\nNo errors.")
    return 0


def warmup_errors(warmup: dict[str, Outcome]) -> int:
    count = sum(sum(outcome.errors.values()) for outcome in warmup.values())
    if count:
        print(f"\n{count} error(s) during the warm-up (not in the table).")
    return count


def print_errors(outcomes: list[Outcome], server: Server) -> None:
    print("\nFailed requests (up to 5 per family):", file=sys.stderr)
    for outcome in outcomes:
        for line in outcome.error_urls:
            print(f"  {line}", file=sys.stderr)
    print("\nThe end of gunicorn's error log:\n", file=sys.stderr)
    print(server.error_log()[-5000:], file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())

"""Page benchmark: serve the app with gunicorn on 20k synthetic contacts and time its pages.

    make bench-pages                    # or: uv run --frozen python bench/pages.py [options]

1. Creates a fresh database of its own: `<name>_bench` next to the PostgreSQL database that
   DATABASE_URL names (dropped at the end), or a temporary SQLite file when DATABASE_URL is unset
   or SQLite. The configured database itself is never touched.
2. Migrates it, collects static files into a temporary folder, and loads synthetic data with
   `manage.py seed_synthetic`.
3. Starts gunicorn (config.wsgi with bench/settings.py, WEB_CONCURRENCY workers, default 2) on
   127.0.0.1 with DEBUG off, as in production.
4. Requests each page from a few client threads (only ever 127.0.0.1) and prints median and p95
   server time (gunicorn's own request timer), requests per second, and the ratio to a bare Django
   view measured in the same run. Exits 1 if any response is not 200.

gunicorn is stopped and the database dropped on every exit, including errors and Ctrl-C.
See bench/README.md for how to read the figures.
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # the only host this script ever sends a request to
BARE = "/__bench__/bare/"
# Written on the PostgreSQL database this script creates, so a leftover from a killed run can be
# recognised and replaced, and a database someone else made with the same name never is.
DATABASE_COMMENT = "Temporary database of stancewatch bench/pages.py; safe to drop."
AIM = 0.5  # each page should reach at least half the bare view's requests per second

PAGES = [
    ("bare Django view", BARE),
    ("timeline", "/countries/kz/"),
    (
        "timeline, filtered",
        "/countries/kz/?type=visit&topic=railway&from=2023-01-01&to=2024-12-31&level=minister",
    ),
    ("matrix", "/matrix/?as_of=2024-06-30"),
    ("matrix, compare", "/matrix/?as_of=2024-06-30&compare=2023-01-01"),
    # The contact page's URL is only known once the data is loaded (see main).
]


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    option = parser.add_argument
    option("--contacts", type=positive, default=20_000, help="synthetic contacts to load")
    option("--seed", type=int, default=1, help="seed of the synthetic data")
    option("--requests", type=positive, default=200, help="timed requests per page")
    option("--rounds", type=positive, default=4, help="turns the pages take (see measure)")
    option("--warmup", type=positive, default=10, help="untimed requests per page first")
    option("--max-seconds", type=float, default=60, help="timed seconds per page, at most")
    option("--clients", type=positive, help="client threads (default: 2 per worker)")
    args = parser.parse_args()
    workers = int(os.environ.get("WEB_CONCURRENCY") or 2)
    clients = args.clients or 2 * workers

    # A killed run must still stop gunicorn and drop its database: make SIGTERM unwind like
    # Ctrl-C does, through the `finally` blocks below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="stancewatch-bench-") as tmp:
        work = Path(tmp)
        with bench_database(os.environ.get("DATABASE_URL", ""), work) as database_url:
            env = django_environment(database_url, work)
            contact_path = prepare(env, contacts=args.contacts, seed=args.seed)
            pages = [*PAGES, ("contact", contact_path)]
            with gunicorn(env, work, workers=workers) as server:
                results = measure(
                    server,
                    [path for _name, path in pages],
                    requests=args.requests,
                    rounds=args.rounds,
                    warmup=args.warmup,
                    clients=clients,
                    max_seconds=args.max_seconds,
                )
                server_times = server.request_times()
            backend = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
            print(
                f"\n{backend}, {args.contacts} synthetic contacts, gunicorn with {workers} "
                f"workers, {clients} client threads, up to {args.requests} requests per page "
                f"in {args.rounds} rounds after {args.warmup} warm-up\n"
            )
            failures = report(pages, results, server_times)
            if failures:
                print(f"\n{failures} request(s) failed; gunicorn's error log:\n", file=sys.stderr)
                print(server.error_log()[-5000:], file=sys.stderr)
                return 1
    return 0


@contextmanager
def bench_database(
    configured_url: str,
    work: Path,
    *,
    suffix: str = "_bench",
    comment: str = DATABASE_COMMENT,
    script: str = "bench/pages.py",
) -> Iterator[str]:
    """A new, empty database for this run; dropped afterwards, whatever happens. On PostgreSQL
    it is named after the configured one plus `suffix` and carries `comment`, so a leftover of
    a killed run is recognised (and replaced) while someone else's database is left alone."""
    scheme = urlsplit(configured_url).scheme
    if scheme in ("postgres", "postgresql", "pgsql"):
        with postgres_database(configured_url, suffix=suffix, comment=comment) as url:
            yield url
    elif scheme in ("", "sqlite"):
        yield f"sqlite:///{work / 'bench.sqlite3'}"  # removed with the temporary folder
    else:
        raise SystemExit(f"{script} runs on SQLite or PostgreSQL, not {scheme!r}.")


@contextmanager
def postgres_database(
    configured_url: str, *, suffix: str = "_bench", comment: str = DATABASE_COMMENT
) -> Iterator[str]:
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(configured_url)
    if not config["NAME"]:
        raise SystemExit("DATABASE_URL names no database; the benchmark's is named after it.")
    name = f"{config['NAME']}{suffix}"
    server = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        **config.get("OPTIONS", {}),
    }
    database = sql.Identifier(name)

    def admin() -> psycopg.Connection:
        # CREATE/DROP DATABASE run outside a transaction, from the server's maintenance database.
        return psycopg.connect(dbname="postgres", autocommit=True, **server)

    with admin() as connection:
        row = connection.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
        if row is not None and row[0] != comment:
            raise SystemExit(
                f"A database named {name} already exists and was not made by this benchmark; "
                "drop it or point DATABASE_URL at another database name."
            )
        if row is not None:
            connection.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(database))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(database))
        connection.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(database, sql.Literal(comment))
        )
    try:
        yield urlsplit(configured_url)._replace(path=f"/{name}").geturl()
    finally:
        from django.db import connections

        connections.close_all()  # our own connection (if Django opened one), before the drop
        with admin() as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))
        print(f"Dropped the benchmark database {name}.")


def django_environment(database_url: str, work: Path) -> dict[str, str]:
    """Production-like settings (DEBUG off) on the benchmark database; no Celery broker, so
    nothing leaves this machine but database traffic."""
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="false",
        BENCH_STATIC_ROOT=str(work / "static"),
        LOG_LEVEL="WARNING",
    )
    return env


def prepare(env: dict[str, str], *, contacts: int, seed: int) -> str:
    """Migrate, collect static files and load synthetic data; return a contact page's path."""
    manage = [sys.executable, "manage.py"]
    steps = [
        ("migrate", [*manage, "migrate", "--no-input", "-v0"]),
        ("collectstatic", [*manage, "collectstatic", "--no-input", "-v0"]),
        ("seed_synthetic", [*manage, "seed_synthetic", f"--contacts={contacts}", f"--seed={seed}"]),
    ]
    for label, command in steps:
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, check=True)
        print(f"{label}: {time.perf_counter() - started:.1f} s")
    # The canonical URL (with its slug) of the first published synthetic contact, so the
    # timed requests get the page itself rather than a redirect to it.
    lookup = (
        "from stances.models import Contact; "
        "print(Contact.objects.published().filter(key__startswith='synthetic-')"
        ".order_by('key').first().get_absolute_url())"
    )
    result = subprocess.run(
        [*manage, "shell", "--no-imports", "-c", lookup],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip().splitlines()[-1]


@dataclass
class Server:
    port: int
    work: Path

    def request_times(self) -> dict[str, list[float]]:
        """Server-side milliseconds per page tag, from gunicorn's access log (%(D)s is the time
        from reading the request to finishing the response, in microseconds)."""
        times: dict[str, list[float]] = defaultdict(list)
        for line in (self.work / "access.log").read_text().splitlines():
            tag, _status, micros = line.split()
            times[tag].append(int(micros) / 1000)
        return times

    def error_log(self) -> str:
        return (self.work / "gunicorn.log").read_text(errors="replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str], work: Path, *, workers: int) -> Iterator[Server]:
    server = Server(port=free_port(), work=work)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "--chdir",
        str(ROOT),
        "--bind",
        f"{HOST}:{server.port}",
        "--workers",
        str(workers),
        "--access-logfile",
        str(work / "access.log"),
        # The page tag each request carries, its status, and gunicorn's request time (µs).
        "--access-logformat",
        "%({x-bench-page}i)s %(s)s %(D)s",
        "--error-logfile",
        str(work / "gunicorn.log"),
        # gunicorn's control socket defaults to one path per user (~/.gunicorn/): two servers
        # would fight over it, and the benchmark has no use for it.
        "--no-control-socket",
    ]
    log = (work / "gunicorn.log").open("ab")
    # Its own session: a Ctrl-C reaches only this script, which then stops gunicorn in order.
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
    )
    try:
        wait_until_serving(server, process)
        yield server
    finally:
        process.terminate()  # graceful: the master stops its workers
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def wait_until_serving(server: Server, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited at start-up:\n{server.error_log()[-5000:]}")
        try:
            if get(server.port, BARE, tag="-")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within {timeout:.0f} s")


def get(port: int, path: str, *, tag: str) -> tuple[int, float]:
    """GET http://127.0.0.1:<port><path>; the status and the client-side seconds it took."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        connection.request("GET", path, headers={"X-Bench-Page": tag})
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


@dataclass
class Result:
    path: str
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    requests: int = 0
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def failures(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != 200)


def measure(
    server: Server,
    paths: list[str],
    *,
    requests: int,
    rounds: int,
    warmup: int,
    clients: int,
    max_seconds: float,
) -> list[Result]:
    """Untimed warm-up requests for every page, then `rounds` rounds in which each page in turn
    gets its share of `requests` from `clients` threads at once (less if its share of
    `max_seconds` runs out). Taking turns spreads whatever else the machine does over all pages
    alike, so the ratios hold even when the absolute figures wobble. Requests per second are
    over each page's own timed wall time."""
    results = [Result(path=path) for path in paths]
    for result in results:
        run_requests(server, result.path, "warmup", warmup, clients, float("inf"), result)
    for round_ in range(rounds):
        share = requests // rounds + (1 if round_ < requests % rounds else 0)
        for index, result in enumerate(results):
            started = time.perf_counter()
            result.requests += run_requests(
                server, result.path, str(index), share, clients, max_seconds / rounds, result
            )
            result.seconds += time.perf_counter() - started
    return results


def run_requests(
    server: Server,
    path: str,
    tag: str,
    total: int,
    clients: int,
    max_seconds: float,
    result: Result,
) -> int:
    lock = threading.Lock()
    issued = 0
    deadline = time.perf_counter() + max_seconds

    def client() -> None:
        nonlocal issued
        while True:
            with lock:
                if issued >= total or time.perf_counter() > deadline:
                    return
                issued += 1
            try:
                status, _seconds = get(server.port, path, tag=tag)
            except OSError:
                status = 0  # connection refused or reset: a failure like any non-200
            with lock:
                result.statuses[status] += 1

    # Daemons: if the run is interrupted, a client still in flight must not keep it alive.
    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return issued


def report(
    pages: list[tuple[str, str]], results: list[Result], server_times: dict[str, list[float]]
) -> int:
    bare = results[0].per_second
    header = f"{'page':<20} {'n':>4} {'median ms':>10} {'p95 ms':>8} {'req/s':>8} {'× bare':>7}"
    print(header)
    print("-" * len(header))
    for index, ((name, _path), result) in enumerate(zip(pages, results, strict=True)):
        times = sorted(server_times.get(str(index), [0.0]))
        median = statistics.median(times)
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        ratio = result.per_second / bare if bare else 0.0
        note = "" if index == 0 or ratio >= AIM else f"  below the {AIM}× aim"
        failed = f"  {result.failures} failed {dict(result.statuses)}" if result.failures else ""
        print(
            f"{name:<20} {result.requests:>4} {median:>10.1f} {p95:>8.1f} "
            f"{result.per_second:>8.1f} {ratio:>6.2f}×{note}{failed}"
        )
    print()
    for (name, path), _result in zip(pages, results, strict=True):
        print(f"  {name:<20} {path}")
    return sum(result.failures for result in results)


if __name__ == "__main__":
    sys.exit(main())

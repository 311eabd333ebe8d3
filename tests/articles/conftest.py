"""A real HTTP server on 127.0.0.1 for fetch and ingestion tests: no mocks, no internet.

`local_server` serves the fixture files in `tests/articles/fixtures/` and the misbehaving
endpoints below (redirects, a loop, a huge body, slow answers, wrong types, statuses, ETags).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ETAG = '"v1"'
LAST_MODIFIED = "Thu, 14 Mar 2024 08:00:00 GMT"
HUGE_TOTAL = 200 * 1024 * 1024
CHUNK = 64 * 1024

# path -> (file, Content-Type header). Windows-1251 pages that only say so inside the document
# are served with no charset in the header, as many small news sites do.
FILES = {
    "/ru/utf8.html": ("ru-utf8.html", "text/html; charset=utf-8"),
    "/ru/cp1251.html": ("ru-cp1251.html", "text/html"),
    "/ru/http-equiv.html": ("ru-http-equiv.html", "text/html"),
    "/ru/cp1251-header.html": ("ru-cp1251.html", "text/html; charset=windows-1251"),
    "/feed.rss": ("feed-cp1251.rss", "application/rss+xml"),
    "/article/news-ru.html": ("article-news-ru.html", "text/html; charset=utf-8"),
    "/article/no-meta.html": ("article-no-meta.html", "text/html; charset=utf-8"),
    "/article/broken.html": ("article-broken.html", "text/html; charset=utf-8"),
    # The ingestion pipeline's pages (tests/articles/test_ingest.py).
    "/pipeline/uz-saidov-kabul.html": ("pipeline/uz-saidov-kabul.html", "text/html; charset=utf-8"),
    "/pipeline/uz-saidov-kabul-rewrite.html": (
        "pipeline/uz-saidov-kabul-rewrite.html",
        "text/html; charset=utf-8",
    ),
    "/pipeline/kz-nurtleu-astana.html": (
        "pipeline/kz-nurtleu-astana.html",
        "text/html; charset=utf-8",
    ),
    "/pipeline/kz-wheat-harvest.html": (
        "pipeline/kz-wheat-harvest.html",
        "text/html; charset=utf-8",
    ),
    # Windows-1251 declared nowhere: neither in the header nor in the document.
    "/pipeline/kz-cp1251-undeclared.html": ("pipeline/kz-cp1251-undeclared.html", "text/html"),
    "/pipeline/feed-malformed.rss": ("pipeline/feed-malformed.rss", "application/rss+xml"),
}


@dataclass
class LocalServer:
    host: str
    port: int
    requests: list[dict[str, str]] = field(default_factory=list)
    huge_bytes_sent: int = 0
    huge_done: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"


class Handler(BaseHTTPRequestHandler):
    server_state: LocalServer  # set on the subclass made per server

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: failures show in assertions, not in a request log."""

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        self.server_state.requests.append({"path": self.path, **dict(self.headers.items())})
        if path in FILES:
            name, content_type = FILES[path]
            return self.send_body((FIXTURES / name).read_bytes(), content_type)
        route = ROUTES.get(path)
        if route is None:
            return self.send_body(b"not found", "text/plain", status=404)
        return route(self)

    def send_body(self, body: bytes, content_type: str | None, *, status: int = 200) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str, status: int = 302) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def query(self, name: str) -> str:
        return parse_qs(urlsplit(self.path).query).get(name, [""])[0]


def _huge(handler: Handler) -> None:
    """200 MB with no Content-Length: only counting as it streams can stop it."""
    state = handler.server_state
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Connection", "close")
    handler.end_headers()
    try:
        while state.huge_bytes_sent < HUGE_TOTAL:
            handler.wfile.write(b"a" * CHUNK)
            state.huge_bytes_sent += CHUNK
    except OSError:
        pass  # the client hung up, which is the point
    finally:
        state.huge_done.set()


def _huge_declared(handler: Handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(HUGE_TOTAL))
    handler.end_headers()
    with contextlib.suppress(OSError):  # the client hangs up once it sees the length
        handler.wfile.write(b"a" * CHUNK)


def _slow(handler: Handler) -> None:
    time.sleep(2)
    handler.send_body(b"<p>late</p>", "text/html")


def _drip(handler: Handler) -> None:
    """Each byte comes well within a read timeout, but the whole body takes ~3 s."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Connection", "close")
    handler.end_headers()
    with contextlib.suppress(OSError):
        for _ in range(30):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.1)


def _conditional(handler: Handler) -> None:
    if (
        handler.headers.get("If-None-Match") == ETAG
        or handler.headers.get("If-Modified-Since") == LAST_MODIFIED
    ):
        handler.send_response(304)
        handler.send_header("ETag", ETAG)
        handler.end_headers()
        return
    body = (FIXTURES / "feed-cp1251.rss").read_bytes()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.send_header("ETag", ETAG)
    handler.send_header("Last-Modified", LAST_MODIFIED)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


ROUTES: dict[str, Callable[[Handler], None]] = {
    "/redirect/1": lambda h: h.redirect("/redirect/2", 302),
    "/redirect/2": lambda h: h.redirect("/ru/utf8.html", 301),
    "/loop": lambda h: h.redirect("/loop"),
    "/to": lambda h: h.redirect(h.query("url")),
    "/huge": _huge,
    "/huge-declared": _huge_declared,
    "/slow": _slow,
    "/drip": _drip,
    "/image.png": lambda h: h.send_body(b"\x89PNG\r\n\x1a\n", "image/png"),
    "/untyped": lambda h: h.send_body(b"<p>what am I?</p>", None),
    "/no-charset.txt": lambda h: h.send_body("Кабул \xff".encode() + b"\xff", "text/plain"),
    "/status/404": lambda h: h.send_body(b"gone", "text/html", status=404),
    "/status/503": lambda h: h.send_body(b"busy", "text/html", status=503),
    "/conditional": _conditional,
    "/host": lambda h: h.send_body(h.headers.get("Host", "").encode(), "text/plain"),
}


def _pipeline_feed(name: str, content_type: str) -> Callable[[Handler], None]:
    """A feed fixture whose links point back at this server (`{{BASE}}`, `{{PORT}}`), served
    with an ETag and a Last-Modified and answering 304 to either."""

    def serve(handler: Handler) -> None:
        state = handler.server_state
        body = (
            (FIXTURES / "pipeline" / name)
            .read_text(encoding="utf-8")
            .replace("{{BASE}}", state.url(""))
            .replace("{{PORT}}", str(state.port))
            .encode()
        )
        etag = f'"{name}-v1"'
        if (
            handler.headers.get("If-None-Match") == etag
            or handler.headers.get("If-Modified-Since") == LAST_MODIFIED
        ):
            handler.send_response(304)
            handler.send_header("ETag", etag)
            handler.end_headers()
            return
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("ETag", etag)
        handler.send_header("Last-Modified", LAST_MODIFIED)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return serve


def _broken_html(handler: Handler) -> None:
    """Truncated markup and binary junk: no text a reader could use."""
    handler.send_body(b"<html><head><title>\x00\x9f\xff<div<<p\x01\x02 \xfe\xfe</ti", "text/html")


ROUTES.update(
    {
        "/pipeline/feed.rss": _pipeline_feed("feed.rss", "application/rss+xml; charset=utf-8"),
        "/pipeline/feed.atom": _pipeline_feed("feed.atom", "application/atom+xml"),
        "/pipeline/feed-ssrf.rss": _pipeline_feed("feed-ssrf.rss", "application/rss+xml"),
        "/pipeline/empty.html": lambda h: h.send_body(b"", "text/html; charset=utf-8"),
        "/pipeline/broken.html": _broken_html,
    }
)


@pytest.fixture(scope="session")
def local_server() -> Iterator[LocalServer]:
    state = LocalServer(host="127.0.0.1", port=0)
    handler = type("BoundHandler", (Handler,), {"server_state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.block_on_close = False  # don't wait for /slow or /drip at teardown
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def server(local_server: LocalServer, settings) -> LocalServer:
    """The local server, with 127.0.0.1 allowed as INGEST_ALLOWED_HOSTS and a fresh log."""
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    local_server.requests.clear()
    return local_server

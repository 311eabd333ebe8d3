"""bench/load.py: the percentiles it prints, the URL mix it requests, its keep-alive client."""

from __future__ import annotations

import http.client
import random
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.load import FAMILIES, WEIGHTS, UrlMix, catalogue, fetch, percentile
from stances.synthetic import synthetic_seed

TODAY = date(2026, 3, 1)


def test_percentiles_are_nearest_rank_values_of_the_sample() -> None:
    values = [float(n) for n in range(1, 101)]

    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0
    assert percentile([3.0, 7.0, 9.0], 50) == 7.0
    assert percentile([3.0, 7.0, 9.0], 0) == 3.0
    assert percentile([4.5], 99) == 4.5
    assert percentile([], 95) == 0.0


@pytest.fixture
def data(db) -> dict:
    synthetic_seed(contacts=60, seed=3)
    return catalogue()


def test_every_url_the_mix_builds_answers_200_at_its_canonical_address(client, data) -> None:
    mix = UrlMix(data, random.Random(7), TODAY)
    picks = [mix.next() for _ in range(150)]

    assert {family for family, _path in picks} == set(FAMILIES)
    failures = []
    for family, path in picks:
        response = client.get(path)
        if response.status_code != 200:
            failures.append((family, path, response.status_code))
    assert failures == []


def test_filtered_timelines_and_exports_combine_the_public_filters(data) -> None:
    mix = UrlMix(data, random.Random(11), TODAY)
    filtered = [mix.path("timeline, filtered") for _ in range(300)]
    exports = [mix.path("timeline export") for _ in range(100)]
    matrix = [mix.path("matrix, compare") for _ in range(50)]

    used = Counter(
        part.split("=")[0] for url in filtered for part in url.partition("?")[2].split("&")
    )
    for name in ("type", "topic", "level", "actor", "verification", "from", "to", "q"):
        assert used[name] > 0, name
    assert all("format=csv" in url or "format=json" in url for url in exports)
    assert all("page=" not in url for url in exports)
    assert all("as_of=" in url and "compare=" in url for url in matrix)


def test_page_numbers_stay_within_the_pages_the_data_fills(data) -> None:
    country = {**data["countries"][0], "pages": 7, "type_pages": {"visit": 3}}
    small = {**data, "countries": [country], "types": ["visit"]}
    mix = UrlMix(small, random.Random(5), TODAY)
    timeline = [mix.path("timeline") for _ in range(400)]
    filtered = [mix.path("timeline, filtered") for _ in range(2_000)]

    def pages(urls: list[str]) -> set[int]:
        return {int(url.split("page=")[1].split("&")[0]) for url in urls if "page=" in url}

    assert pages(timeline) == {2, 3, 4, 5, 6, 7}
    assert pages(filtered) == {2, 3}
    assert all("type=visit" in url for url in filtered if "page=" in url)


def test_the_mix_follows_the_weights_and_leaves_out_families_without_data(data) -> None:
    picks = Counter(family for family, _ in iter_mix(data, 20_000))
    total_weight = sum(WEIGHTS.values())
    for family, weight in WEIGHTS.items():
        assert abs(picks[family] / 20_000 - weight / total_weight) < 0.015, family

    no_records = {**data, "contacts": [], "stances": []}
    families = {family for family, _ in iter_mix(no_records, 2_000)}
    assert families == set(FAMILIES) - {"contact", "stance change"}


def iter_mix(data: dict, n: int) -> Iterator[tuple[str, str]]:
    mix = UrlMix(data, random.Random(1), TODAY)
    return (mix.next() for _ in range(n))


class DroppingHandler(BaseHTTPRequestHandler):
    """Answers HTTP/1.1 without Connection: close, then hangs up anyway: what a server does when
    its keep-alive timeout ends just as the client reuses the connection."""

    protocol_version = "HTTP/1.1"
    answer = True

    def do_GET(self) -> None:
        if not self.answer:
            self.close_connection = True
            return
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
        self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve(answer: bool) -> Iterator[int]:
    handler = type("Handler", (DroppingHandler,), {"answer": answer})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_a_kept_alive_connection_the_server_dropped_is_reopened_once() -> None:
    with serve(answer=True) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)

        statuses = [fetch(connection, "/", "0") for _ in range(3)]

        connection.close()
    assert statuses == [200, 200, 200]


def test_a_server_that_hangs_up_without_answering_is_an_error() -> None:
    with serve(answer=False) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)

        with pytest.raises(http.client.RemoteDisconnected):
            fetch(connection, "/", "0")

        connection.close()

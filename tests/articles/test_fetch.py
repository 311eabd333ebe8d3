from __future__ import annotations

import socket
import time
from dataclasses import dataclass, field

import pytest

from articles.pipeline.fetch import (
    BadContentType,
    BadURL,
    BlockedAddress,
    FetchConnectionError,
    FetchSettings,
    FetchTimeout,
    HTTPStatusError,
    TooLarge,
    TooManyRedirects,
    UnresolvableHost,
    fetch_url,
)
from tests.articles.conftest import ETAG, HUGE_TOTAL, LAST_MODIFIED

REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test outright (not as a FetchError)."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network traffic attempted: {args!r}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


@dataclass
class FakeDNS:
    names: dict[str, list[str]] = field(default_factory=dict)
    lookups: list[str] = field(default_factory=list)

    def getaddrinfo(self, host, port, *args, **kwargs):
        if not (isinstance(host, str) and host.endswith(".test")):
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        self.lookups.append(host)
        if host not in self.names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
            for address in self.names[host]
        ]


@pytest.fixture
def fake_dns(monkeypatch) -> FakeDNS:
    """Names ending in .test resolve to the addresses we give; everything else as usual."""
    dns = FakeDNS()
    monkeypatch.setattr(socket, "getaddrinfo", dns.getaddrinfo)
    return dns


# Pages and decoding


def test_it_fetches_a_utf8_page_and_decodes_the_cyrillic(server):
    result = fetch_url(server.url("/ru/utf8.html"))

    assert result.status == 200
    assert result.final_url == server.url("/ru/utf8.html")
    assert result.content_type == "text/html"
    assert result.encoding == "utf-8"
    assert "Казахстан и талибы обсудили транзит грузов" in result.text
    assert result.content.decode("utf-8") == result.text
    assert result.redirects == []
    assert not result.not_modified


def test_it_decodes_windows_1251_declared_only_in_meta_charset(server):
    result = fetch_url(server.url("/ru/cp1251.html"))

    assert result.encoding == "windows-1251"
    assert "Душанбе и Кабул договорились о пограничном сотрудничестве" in result.text
    assert "«Талибан»" in result.text
    assert "Душанбе".encode("cp1251") in result.content


def test_it_decodes_windows_1251_declared_in_meta_http_equiv(server):
    result = fetch_url(server.url("/ru/http-equiv.html"))

    assert result.encoding == "windows-1251"
    assert "Узбекистан подписал с талибами соглашение" in result.text


def test_the_header_charset_is_used_when_present(server):
    result = fetch_url(server.url("/ru/cp1251-header.html"))

    assert result.encoding == "windows-1251"
    assert "Душанбе" in result.text


def test_a_feed_is_decoded_from_its_xml_declaration(server):
    result = fetch_url(server.url("/feed.rss"))

    assert result.content_type == "application/rss+xml"
    assert result.encoding == "windows-1251"
    assert "Туркменистан и талибы обсудили газопровод ТАПИ" in result.text


def test_without_any_charset_it_falls_back_to_utf8_with_replacement(server):
    result = fetch_url(server.url("/no-charset.txt"))

    assert result.content_type == "text/plain"
    assert result.encoding == "utf-8"
    assert result.text.startswith("Кабул")
    assert "\ufffd" in result.text


def test_it_sends_a_stancewatch_user_agent(server):
    fetch_url(server.url("/ru/utf8.html"))

    assert server.requests[-1]["User-Agent"].startswith("Stancewatch/")


# Redirects


def test_it_follows_redirects_and_records_them(server):
    result = fetch_url(server.url("/redirect/1"))

    assert result.final_url == server.url("/ru/utf8.html")
    assert result.redirects == [server.url("/redirect/2"), server.url("/ru/utf8.html")]
    assert "Казахстан" in result.text


def test_a_redirect_loop_ends_as_too_many_redirects(server):
    with pytest.raises(TooManyRedirects) as caught:
        fetch_url(server.url("/loop"))

    assert caught.value.permanent
    assert len(server.requests) == 6  # the first request and five redirects, then it stops


def test_the_redirect_limit_is_a_setting(server):
    with pytest.raises(TooManyRedirects):
        fetch_url(server.url("/redirect/1"), settings=FetchSettings(max_redirects=1))


# Size, time, type and status


def test_a_huge_body_is_refused_without_reading_it_all(server):
    started = time.monotonic()
    with pytest.raises(TooLarge) as caught:
        fetch_url(server.url("/huge"), settings=FetchSettings(max_bytes=256 * 1024))

    assert caught.value.permanent
    assert time.monotonic() - started < 5
    assert server.huge_done.wait(5)
    # Whatever sat in socket buffers aside, the server was stopped long before the end.
    assert server.huge_bytes_sent < HUGE_TOTAL / 4


def test_a_huge_declared_content_length_is_refused_before_reading(server):
    with pytest.raises(TooLarge) as caught:
        fetch_url(server.url("/huge-declared"), settings=FetchSettings(max_bytes=1024))

    assert str(HUGE_TOTAL) in caught.value.reason


def test_a_slow_response_times_out_as_a_temporary_error(server):
    with pytest.raises(FetchTimeout) as caught:
        fetch_url(server.url("/slow"), settings=FetchSettings(read_timeout=0.3))

    assert not caught.value.permanent
    assert caught.value.url == server.url("/slow")


def test_a_trickling_body_is_stopped_by_the_overall_deadline(server):
    started = time.monotonic()
    with pytest.raises(FetchTimeout) as caught:
        fetch_url(server.url("/drip"), settings=FetchSettings(read_timeout=1, deadline=0.5))

    assert not caught.value.permanent
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("path", ["/image.png", "/untyped"])
def test_a_response_that_is_not_a_page_or_feed_is_refused(server, path):
    with pytest.raises(BadContentType) as caught:
        fetch_url(server.url(path))

    assert caught.value.permanent


def test_a_404_is_permanent(server):
    with pytest.raises(HTTPStatusError) as caught:
        fetch_url(server.url("/status/404"))

    assert caught.value.status == 404
    assert caught.value.permanent
    assert "404" in caught.value.reason


def test_a_503_is_temporary(server):
    with pytest.raises(HTTPStatusError) as caught:
        fetch_url(server.url("/status/503"))

    assert caught.value.status == 503
    assert not caught.value.permanent


def test_a_refused_connection_is_temporary(settings):
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    with socket.socket() as sock:  # a port nothing listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    with pytest.raises(FetchConnectionError) as caught:
        fetch_url(f"http://127.0.0.1:{port}/")

    assert not caught.value.permanent


# Conditional GET


def test_a_first_fetch_returns_the_validators(server):
    result = fetch_url(server.url("/conditional"))

    assert result.etag == ETAG
    assert result.last_modified == LAST_MODIFIED
    assert "If-None-Match" not in server.requests[-1]


def test_a_matching_etag_gives_not_modified(server):
    result = fetch_url(server.url("/conditional"), etag=ETAG)

    assert server.requests[-1]["If-None-Match"] == ETAG
    assert result.not_modified
    assert result.status == 304
    assert result.content == b""
    assert result.text == ""


def test_a_matching_last_modified_gives_not_modified(server):
    result = fetch_url(server.url("/conditional"), last_modified=LAST_MODIFIED)

    assert server.requests[-1]["If-Modified-Since"] == LAST_MODIFIED
    assert result.not_modified


# Schemes and addresses (SSRF)


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/",
        "http://192.168.1.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1/",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
        "http://224.0.0.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:a9fe:a9fe]/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "https://10.0.0.1/",
    ],
)
def test_a_non_public_address_is_refused_before_any_connection(no_network, url):
    with pytest.raises(BlockedAddress) as caught:
        fetch_url(url)

    assert caught.value.permanent
    assert "not a public address" in caught.value.reason


@pytest.mark.parametrize("url", ["http://2130706433/", "http://0x7f.1/"])
def test_odd_spellings_of_loopback_are_refused_after_resolution(no_network, url):
    with pytest.raises(BlockedAddress):
        fetch_url(url)


def test_the_local_server_is_refused_unless_allowed(local_server, settings):
    settings.INGEST_ALLOWED_HOSTS = []
    local_server.requests.clear()

    with pytest.raises(BlockedAddress):
        fetch_url(local_server.url("/ru/utf8.html"))

    assert local_server.requests == []


def test_allowed_hosts_can_be_passed_in_fetch_settings(local_server, settings):
    settings.INGEST_ALLOWED_HOSTS = []

    result = fetch_url(
        local_server.url("/ru/utf8.html"), settings=FetchSettings(allowed_hosts=["127.0.0.1"])
    )

    assert result.status == 200


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/file", "file:///etc/passwd", "gopher://x/"])
def test_other_schemes_are_refused(no_network, settings, url):
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]

    with pytest.raises(BadURL) as caught:
        fetch_url(url)

    assert caught.value.permanent


def test_a_name_resolving_to_a_private_address_is_refused(no_network, fake_dns):
    fake_dns.names["intranet.test"] = ["93.184.216.34", "10.1.2.3"]

    with pytest.raises(BlockedAddress) as caught:
        fetch_url("http://intranet.test/")

    assert "10.1.2.3" in caught.value.reason


def test_an_unknown_name_is_a_permanent_resolution_failure(no_network, fake_dns):
    with pytest.raises(UnresolvableHost) as caught:
        fetch_url("http://nowhere.test/")

    assert caught.value.permanent


def test_a_redirect_from_an_allowed_host_to_a_private_address_is_refused(server, monkeypatch):
    connections: list[object] = []
    real_create_connection = socket.create_connection

    def create_connection(address, *args, **kwargs):
        connections.append(address)
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)

    with pytest.raises(BlockedAddress):
        fetch_url(server.url("/to?url=http://10.0.0.1/"))

    assert [address[0] for address in connections] == ["127.0.0.1"]


def test_a_public_looking_host_cannot_redirect_to_loopback(local_server, settings, fake_dns):
    # news.test stands for a public news site; the local server plays its part.
    settings.INGEST_ALLOWED_HOSTS = ["news.test"]
    fake_dns.names["news.test"] = ["127.0.0.1"]
    target = local_server.url("/ru/utf8.html")
    start = f"http://news.test:{local_server.port}/to?url={target}"

    with pytest.raises(BlockedAddress) as caught:
        fetch_url(start)

    assert caught.value.url == target


def test_it_connects_to_the_address_it_checked_without_a_second_lookup(
    local_server, settings, fake_dns
):
    # A rebinding resolver would answer differently the second time; there is no second time.
    settings.INGEST_ALLOWED_HOSTS = ["news.test"]
    fake_dns.names["news.test"] = ["127.0.0.1"]

    result = fetch_url(f"http://news.test:{local_server.port}/host")

    assert result.text == f"news.test:{local_server.port}"
    assert fake_dns.lookups == ["news.test"]
    assert result.final_url == f"http://news.test:{local_server.port}/host"

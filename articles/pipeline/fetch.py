"""Fetch one web page or feed, safely: the only way Stancewatch reads a URL from the outside.

Both the editor citation form (via a task) and the ingestion pipeline call `fetch_url`. It only
speaks http/https to public addresses, bounds time and size, checks the content type, follows a
limited number of redirects (each hop checked like the first), supports conditional GET and
decodes the text. Every failure is a `FetchError` whose `reason` a task can record on an article
and whose `permanent` flag says whether retrying can help.

Why the address check cannot be bypassed by DNS rebinding: for each hop we resolve the host
ourselves (`socket.getaddrinfo`), refuse the hop if *any* address is not public, and then connect
to one of exactly those addresses: the request URL is rewritten to the literal IP, so httpx never
resolves the name a second time. The original name travels in the `Host` header and, for https,
as the TLS server name (httpcore's `sni_hostname` request extension), so virtual hosting and
certificate verification still use the real host name. Each hop gets its own client with
keep-alive off, so a pooled connection is never reused for another host, and `trust_env=False`
keeps a proxy from the environment out of the path.

Hosts listed in the `INGEST_ALLOWED_HOSTS` Django setting (names or literal IPs, e.g. the tests'
``127.0.0.1``) skip the public-address check; everything else still applies to them.
"""

from __future__ import annotations

import codecs
import ipaddress
import re
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx

USER_AGENT = "Stancewatch/0.1 (news archive of Central Asia-Taliban contacts; fetches cited pages)"

HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml")
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Client errors that say "later", not "never".
RETRYABLE_CLIENT_STATUSES = frozenset({408, 425, 429})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class FetchSettings:
    """Limits for one `fetch_url` call; the defaults suit news pages and feeds.

    `deadline` bounds the whole call (all hops and the body); it is checked before each hop and
    between body chunks, and no single connect or read may wait longer than what was left of it
    when the hop started. `allowed_hosts` of None means the `INGEST_ALLOWED_HOSTS` setting.
    """

    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    deadline: float = 30.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    content_types: tuple[str, ...] = HTML_TYPES + FEED_TYPES
    user_agent: str = USER_AGENT
    allowed_hosts: Sequence[str] | None = None


@dataclass
class FetchResult:
    """What came back. `redirects` lists each URL redirected to, in order (so a non-empty list
    ends with `final_url`). On a 304, `not_modified` is True and the body fields are empty."""

    final_url: str
    status: int
    content_type: str = ""
    encoding: str = ""
    text: str = ""
    content: bytes = b""
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False
    redirects: list[str] = field(default_factory=list)


class FetchError(Exception):
    """A fetch that did not produce a usable page. `reason` is meant for editors to read."""

    permanent: bool = True

    def __init__(self, reason: str, *, url: str = "", permanent: bool | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.url = url
        if permanent is not None:
            self.permanent = permanent


class BadURL(FetchError):
    """Not an http(s) URL with a host."""


class BlockedAddress(FetchError):
    """The host resolves to a loopback, private, link-local, multicast or reserved address."""


class UnresolvableHost(FetchError):
    """DNS gave no address; temporary only when the resolver said "try again"."""


class TooManyRedirects(FetchError):
    """More redirects than `FetchSettings.max_redirects`, or a loop."""


class TooLarge(FetchError):
    """The body is (or announces itself as) larger than `FetchSettings.max_bytes`."""


class BadContentType(FetchError):
    """Not a page or a feed (an image, a PDF, or no Content-Type at all)."""


class HTTPStatusError(FetchError):
    """A 4xx or 5xx answer (or a 3xx we cannot follow); 5xx, 408, 425 and 429 are temporary."""

    def __init__(self, reason: str, *, url: str = "", status: int) -> None:
        permanent = status < 500 and status not in RETRYABLE_CLIENT_STATUSES
        super().__init__(reason, url=url, permanent=permanent)
        self.status = status


class FetchTimeout(FetchError):
    """Connect, read or overall deadline exceeded."""

    permanent = False


class FetchConnectionError(FetchError):
    """Refused, reset or broken connection, TLS failure, protocol error."""

    permanent = False


def fetch_url(
    url: str,
    *,
    settings: FetchSettings | None = None,
    etag: str = "",
    last_modified: str = "",
) -> FetchResult:
    """GET `url` under the rules in the module docstring, or raise a `FetchError`.

    `etag` and `last_modified` are the validators saved from an earlier fetch; when given they
    are sent as If-None-Match / If-Modified-Since and a 304 returns `not_modified=True`.
    """
    settings = settings or FetchSettings()
    allowed = _allowed_hosts(settings)
    deadline_at = time.monotonic() + settings.deadline
    headers = {
        "User-Agent": settings.user_agent,
        "Accept": ", ".join((*settings.content_types, "*/*;q=0.1")),
        # Only codings httpx decodes without optional packages; the size cap counts decoded bytes.
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified

    redirects: list[str] = []
    current = url
    while True:
        target = _parse_url(current)
        addresses = _checked_addresses(target, allowed)
        remaining = deadline_at - time.monotonic()
        if remaining <= 0:
            raise FetchTimeout(f"Gave up after {settings.deadline:g} s", url=current)
        try:
            with _hop_client() as client:
                response = _send(client, target, addresses, headers, settings, remaining)
                try:
                    if response.status_code in REDIRECT_STATUSES:
                        current = _next_hop(response, current, redirects, settings)
                        continue
                    return _result(response, current, redirects, settings, deadline_at)
                finally:
                    response.close()
        except httpx.TimeoutException as exc:
            raise FetchTimeout(f"Timed out: {_describe(exc)}", url=current) from exc
        except httpx.TransportError as exc:
            raise FetchConnectionError(f"Connection failed: {_describe(exc)}", url=current) from exc


def is_public_address(ip: IPAddress) -> bool:
    """True for a globally routable unicast address, looking inside IPv6 wrappers of IPv4."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None and not is_public_address(embedded):
            return False
    return ip.is_global and not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _allowed_hosts(settings: FetchSettings) -> frozenset[str]:
    if settings.allowed_hosts is not None:
        hosts = settings.allowed_hosts
    else:
        from django.conf import settings as django_settings

        hosts = getattr(django_settings, "INGEST_ALLOWED_HOSTS", [])
    return frozenset(_normal_host(host) for host in hosts)


def _normal_host(host: str) -> str:
    return host.strip().lower().strip("[]").rstrip(".")


def _parse_url(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise BadURL(f"Not a valid URL: {exc}", url=url) from exc
    if parsed.scheme not in ("http", "https"):
        raise BadURL(f"Only http and https URLs can be fetched, not {parsed.scheme!r}", url=url)
    if not parsed.host:
        raise BadURL("The URL has no host", url=url)
    return parsed


def _checked_addresses(target: httpx.URL, allowed: frozenset[str]) -> list[IPAddress]:
    """Resolve the host once; refuse it unless every address is public or the host allowed."""
    host = target.raw_host.decode("ascii")
    addresses = _resolve(host, target.port or (443 if target.scheme == "https" else 80))
    if _normal_host(host) in allowed:
        return addresses
    for ip in addresses:
        if not is_public_address(ip):
            raise BlockedAddress(
                f"{host} resolves to {ip}, which is not a public address", url=str(target)
            )
    return addresses


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        # A literal needs no lookup (and so no network traffic) at all.
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UnresolvableHost(
            f"Could not resolve {host}: {exc.strerror or exc}",
            permanent=exc.errno != socket.EAI_AGAIN,
        ) from exc
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canonname, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise UnresolvableHost(f"Could not resolve {host}: no addresses")
    return addresses


def _hop_client() -> httpx.Client:
    return httpx.Client(
        follow_redirects=False,
        trust_env=False,
        limits=httpx.Limits(max_keepalive_connections=0),
    )


def _send(
    client: httpx.Client,
    target: httpx.URL,
    addresses: list[IPAddress],
    headers: dict[str, str],
    settings: FetchSettings,
    remaining: float,
) -> httpx.Response:
    """Connect to the checked addresses in turn (not to a fresh lookup) and send the request."""
    timeout = httpx.Timeout(
        connect=min(settings.connect_timeout, remaining),
        read=min(settings.read_timeout, remaining),
        write=min(settings.read_timeout, remaining),
        pool=min(settings.connect_timeout, remaining),
    )
    host = target.raw_host.decode("ascii")
    extensions = {"sni_hostname": host} if target.scheme == "https" else {}
    hop_headers = {**headers, "Host": target.netloc.decode("ascii")}
    for index, ip in enumerate(addresses):
        request = client.build_request(
            "GET",
            target.copy_with(host=str(ip)),
            headers=hop_headers,
            timeout=timeout,
            extensions=extensions,
        )
        try:
            return client.send(request, stream=True)
        except httpx.ConnectError:
            if index == len(addresses) - 1:
                raise
    raise AssertionError("unreachable: _resolve never returns an empty list")


def _next_hop(
    response: httpx.Response, current: str, redirects: list[str], settings: FetchSettings
) -> str:
    location = response.headers.get("location", "").strip()
    if not location:
        raise HTTPStatusError(
            f"HTTP {response.status_code} redirect without a Location",
            url=current,
            status=response.status_code,
        )
    if len(redirects) >= settings.max_redirects:
        raise TooManyRedirects(
            f"More than {settings.max_redirects} redirects (last to {location})", url=current
        )
    try:
        next_url = str(httpx.URL(current).join(location))
    except httpx.InvalidURL as exc:
        raise BadURL(f"Redirect to an invalid URL {location!r}", url=current) from exc
    redirects.append(next_url)
    return next_url


def _result(
    response: httpx.Response,
    url: str,
    redirects: list[str],
    settings: FetchSettings,
    deadline_at: float,
) -> FetchResult:
    status = response.status_code
    validators = {
        "etag": response.headers.get("etag", ""),
        "last_modified": response.headers.get("last-modified", ""),
    }
    if status == 304:
        return FetchResult(
            final_url=url, status=status, not_modified=True, redirects=redirects, **validators
        )
    if not 200 <= status < 300:
        phrase = response.reason_phrase or "error"
        raise HTTPStatusError(f"HTTP {status} {phrase}", url=url, status=status)

    media_type, header_charset = _parse_content_type(response.headers.get("content-type", ""))
    if media_type not in settings.content_types:
        raise BadContentType(
            f"Content type {media_type or '(none)'} is not a page or a feed", url=url
        )
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > settings.max_bytes:
        raise TooLarge(
            f"Body of {int(declared)} bytes is over the {settings.max_bytes}-byte limit", url=url
        )

    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > settings.max_bytes:
            raise TooLarge(f"Body is over the {settings.max_bytes}-byte limit", url=url)
        if time.monotonic() > deadline_at:
            raise FetchTimeout(f"Gave up after {settings.deadline:g} s reading the body", url=url)
        chunks.append(chunk)
    content = b"".join(chunks)
    encoding = _choose_encoding(content, header_charset)
    return FetchResult(
        final_url=url,
        status=status,
        content_type=media_type,
        encoding=encoding,
        text=content.decode(encoding, errors="replace"),
        content=content,
        redirects=redirects,
        **validators,
    )


def _parse_content_type(value: str) -> tuple[str, str]:
    media_type, _, params = value.partition(";")
    charset = ""
    for param in params.split(";"):
        name, _, param_value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = param_value.strip().strip("\"'")
    return media_type.strip().lower(), charset


BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
SNIFF_BYTES = 2048
# Both <meta charset="…"> and <meta http-equiv="Content-Type" content="…; charset=…">.
META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
# As browsers do (WHATWG Encoding): these labels mean windows-1252 on the web.
WEB_ALIASES = {"iso-8859-1": "windows-1252", "latin1": "windows-1252", "us-ascii": "windows-1252"}


def _choose_encoding(content: bytes, header_charset: str) -> str:
    """A byte-order mark, else the header charset, else <meta>/<?xml?> in the first bytes, else
    utf-8 (decoded with replacement characters, so this never fails)."""
    for bom, name in BOMS:
        if content.startswith(bom):
            return name
    name = _known_encoding(header_charset)
    if name:
        return name
    head = content[:SNIFF_BYTES]
    for pattern in (META_CHARSET, XML_ENCODING):
        match = pattern.search(head)
        name = _known_encoding(match.group(1).decode("ascii")) if match else ""
        # A document that can declare itself in ASCII is not UTF-16/32, whatever it says.
        if name and not name.startswith(("utf-16", "utf-32")):
            return name
    return "utf-8"


def _known_encoding(label: str) -> str:
    label = label.strip().lower()
    if not label:
        return ""
    label = WEB_ALIASES.get(label, label)
    try:
        codecs.lookup(label)
    except LookupError:
        return ""
    return label


def _describe(exc: Exception) -> str:
    return str(exc) or type(exc).__name__

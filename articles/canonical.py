"""Canonical article URLs: one report, one URL, however it was linked.

Two links to the same report should compare equal: the scheme and host are lower-cased, default
ports, fragments and tracking parameters dropped, the remaining query sorted, and AMP variants
(`…/amp`, `…/amp/`, `?amp=1`, `?outputType=amp`) and mobile hosts (`m.`, `mobile.`) folded into
the plain page.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMETERS = frozenset(
    {"fbclid", "gclid", "yclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ref_src"}
)
AMP_PARAMETERS = frozenset({"amp", "outputtype"})
DEFAULT_PORTS = {"http": 80, "https": 443}
# Host prefixes of a site's mobile copy: `m.kun.uz/news/1` is the report at `kun.uz/news/1`.
# `www.` is not folded: stored canonical URLs keep it, and sites serve both under one of them.
MOBILE_PREFIXES = ("m.", "mobile.")


class InvalidURL(ValueError):
    """Not an absolute http(s) URL."""


def canonicalize_url(url: str) -> str:
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise InvalidURL(f"Not an absolute http(s) URL: {url!r}")
    host = _desktop_host(parts.hostname.lower().rstrip("."))
    netloc = host if parts.port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{parts.port}"

    path = parts.path or "/"
    for suffix in ("/amp/", "/amp"):
        if path.endswith(suffix) and len(path) > len(suffix):
            path = path[: -len(suffix)] or "/"
            break

    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_")
        and key.lower() not in TRACKING_PARAMETERS
        and key.lower() not in AMP_PARAMETERS
    )
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def _desktop_host(host: str) -> str:
    for prefix in MOBILE_PREFIXES:
        # "m.kun.uz" is a mobile copy; "m.uz" would be a whole domain, kept as it is.
        if host.startswith(prefix) and host.count(".") > 1:
            return host.removeprefix(prefix)
    return host


# Sub-domains that name a copy of the same site, not a separate edition.
_MIRROR_PREFIXES = ("www.", "m.", "amp.", "old.", "beta.", "staging.", "v1.")


def url_domain(url: str) -> str:
    """The site a URL belongs to, the key of an outlet: its host without a trailing dot or a
    mirror prefix ("www.", "m.", "amp.", "old.", "beta.", …)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    for prefix in _MIRROR_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            return host.removeprefix(prefix)
    return host

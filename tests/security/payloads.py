"""Hostile strings for the security tests: markup that would run script if a page rendered it
unescaped, and text shaped to break out of the attribute, element or template it lands in.

Each payload that could execute tries two things: set `window.__pwned` (the canary the browser
tests read) and open a dialog (which they fail on). Every payload is at most 120 characters, so
it fits the shortest text field it is stored in (a contact's city).
"""

from __future__ import annotations

CANARY = "__pwned"

SCRIPT_TAG = "<script>window.__pwned=1;alert('script')</script>"
IMG_ONERROR = "<img src=x onerror=\"window.__pwned=1;alert('img')\">"
SVG_ONLOAD = "<svg onload=\"window.__pwned=1;alert('svg')\"><circle r=1></circle></svg>"
SVG_SCRIPT = "<svg><script>window.__pwned=1;alert('svg-script')</script></svg>"
JAVASCRIPT_URL = "javascript:window.__pwned=1;alert('js-url')"
ANCHOR_JAVASCRIPT = "<a href=\"javascript:window.__pwned=1;alert('a')\">open</a>"
ATTRIBUTE_BREAKER = "\"><script>window.__pwned=1;alert('attr')</script>"
SINGLE_QUOTE_BREAKER = "'><img src=x onerror=window.__pwned=1;alert('sq')>"
UNQUOTED_ATTRIBUTE = "x onmouseover=window.__pwned=1 onfocus=alert('unq') autofocus"
TEXTAREA_BREAKER = "</textarea><script>window.__pwned=1;alert('textarea')</script>"
TITLE_BREAKER = "</title><script>window.__pwned=1;alert('title')</script>"
IFRAME_SRCDOC = "<iframe srcdoc=\"<script>parent.__pwned=1;alert('iframe')</script>\"></iframe>"
STYLE_TAG = "<style>body{display:none}</style><b>bold</b>"
DJANGO_VARIABLE = "{{ request.user.password }}{{ settings.SECRET_KEY }}"
DJANGO_TAG = "{% debug %}{% load static %}{% csrf_token %}"
HTMX_ATTRIBUTE = (
    '<div hx-get="/changes/" hx-trigger="load" hx-on:htmx:load="alert(\'hx\')">hx</div>'
)
# Unicode tricks: a right-to-left override, full-width angle brackets, a zero-width space inside a
# tag name; and markup already entity-encoded, which a double decode would turn back into tags.
RTL_OVERRIDE = "\u202egnp.exe\u202c <b>rtl</b>"
FULLWIDTH = "\uff1cscript\uff1ewindow.__pwned=1\uff1c/script\uff1e"
ZERO_WIDTH = "<scr\u200bipt>window.__pwned=1</scr\u200bipt>"
ENTITY_ENCODED = (
    "&lt;script&gt;window.__pwned=1&lt;/script&gt; &#x3C;img src=x onerror=alert(1)&#x3E;"
)

PAYLOADS: list[str] = [
    SCRIPT_TAG,
    IMG_ONERROR,
    SVG_ONLOAD,
    SVG_SCRIPT,
    JAVASCRIPT_URL,
    ANCHOR_JAVASCRIPT,
    ATTRIBUTE_BREAKER,
    SINGLE_QUOTE_BREAKER,
    UNQUOTED_ATTRIBUTE,
    TEXTAREA_BREAKER,
    TITLE_BREAKER,
    IFRAME_SRCDOC,
    STYLE_TAG,
    DJANGO_VARIABLE,
    DJANGO_TAG,
    HTMX_ATTRIBUTE,
    RTL_OVERRIDE,
    FULLWIDTH,
    ZERO_WIDTH,
    ENTITY_ENCODED,
]

# Markup a page must never contain verbatim: if it does, the payload reached the HTML unescaped.
DANGEROUS_MARKERS = [
    "<script>window.__pwned",
    "<img src=x onerror",
    "<svg onload",
    "<svg><script>",
    "<iframe srcdoc",
    "<style>body",
    "<a href=\"javascript:window.__pwned=1;alert('a')\">",
    "<div hx-get=",
]


def all_payloads(separator: str = "\n") -> str:
    """Every payload in one text, for text fields with no length limit (summary, notes, quote)."""
    return separator.join(PAYLOADS)


# Spreadsheet formula starts (CSV injection); an export must prefix each with an apostrophe.
FORMULAS = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]

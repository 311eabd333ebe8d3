"""Plain-text helpers for what pages show of longer text."""

from __future__ import annotations


def one_line(text: str, limit: int = 200) -> str:
    """Text on one line, cut after a whole word within `limit` characters (an Open Graph
    description: previews show one short line)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(",;:.–-— ") + "…"

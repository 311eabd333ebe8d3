"""Which language a report is in: ru, en, kk, uz, ky or tg.

Letters unique to one Cyrillic alphabet decide between Russian, Kazakh, Kyrgyz, Tajik and Uzbek
in Cyrillic (a general identifier confuses them on short texts); Uzbek in Latin script is told by
its apostrophe letters and common words, and any other Latin text is read as English (py3langid
calls a short English report Nigerian Pidgin or Uzbek, and the extractor reads no other Latin
language anyway).
"""

from __future__ import annotations

import re
from collections import Counter

SUPPORTED = ("ru", "en", "kk", "uz", "ky", "tg")

_KAZAKH = set("әғқңөұүһі")
_KAZAKH_ONLY = set("әұі")
_TAJIK_ONLY = set("ӣӯҷ")
_UZBEK_CYRILLIC_ONLY = set("ў")
_KYRGYZ = set("ңөү")
_UZBEK_LATIN = re.compile(
    r"(?i)\b\w*(?:o[ʻ‘'`’]|g[ʻ‘'`’])\w*|\b(?:va|bilan|uchun|ham|kuni|yil|vaziri|hukumati|"
    r"orqali|qildi|bo[ʻ‘'`’]yicha)\b|\b\w+(?:ning|dagi|larini|lari)\b"
)
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІіӢӣӮӯҶҷЎў]")


def detect_language(text: str, hint: str | None = None) -> str:
    """The language code of `text`; `hint` (a declared language) wins when it is supported."""
    if hint:
        code = hint.strip().lower()[:2]
        if code in SUPPORTED:
            return code
    sample = text[:5000]
    letters = Counter(ch for ch in sample.lower() if ch.isalpha())
    cyrillic = sum(n for ch, n in letters.items() if _CYRILLIC.match(ch))
    latin = sum(n for ch, n in letters.items() if "a" <= ch <= "z")
    if cyrillic > latin:
        found = set(letters)
        # A few stray letters (a quoted name) do not make a Russian text Kazakh.
        threshold = max(2, cyrillic // 400)

        def count(chars: set[str]) -> int:
            return sum(letters[ch] for ch in chars)

        if count(_TAJIK_ONLY) >= threshold:
            return "tg"
        if count(_KAZAKH_ONLY) >= threshold:
            return "kk"
        if count(_UZBEK_CYRILLIC_ONLY) >= threshold:
            return "uz"
        if count(_KYRGYZ) >= threshold and not found & _KAZAKH_ONLY:
            return "ky"
        return "ru"
    if latin and len(_UZBEK_LATIN.findall(sample)) >= max(
        3, len(_LATIN_WORD.findall(sample)) // 25
    ):
        return "uz"
    return "en"

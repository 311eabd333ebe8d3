"""Near-duplicate texts: 64-bit SimHash over word shingles, compared by Hamming distance.

The same report reaches us several times: syndicated by another outlet, re-posted with a new
lead, corrected after publication. The canonical URL catches the same page under several links;
this catches the same *text* under different pages.

How: the text is normalised (Unicode NFKC, case folded, only word characters kept, so
punctuation, quotes and spacing do not count), cut into overlapping shingles of `SHINGLE_WORDS`
words, each shingle hashed to 64 bits (BLAKE2b); each bit of the fingerprint is the majority
vote of that bit over all shingles (Charikar's SimHash). Texts that share most shingles get
fingerprints that differ in few bits.

The headline is left out (see `body`): outlets rewrite it first, and it is a tenth of a short
report. The threshold, `NEAR_DUPLICATE_BITS` = 12 of 64, was measured on the extraction
evaluation set (tests/articles/fixtures/extract: real reports, mostly about the same few kinds of
event, in Russian and English). Among the 33 reports of at least 80 words, two different
reports were never closer than 21 bits (528 pairs; 1 % closer than 23). Copies with one edit
came closer: a new headline 0–8 bits, the closing paragraph dropped 0–8, a sentence added after
the lead 2–14, three words replaced 3–17; 90 % of all such copies were within 11. So 12 catches
most rewrites and keeps 9 bits of margin from the closest different report; a copy edited in
several places at once is treated as a report of its own, which costs a second suggestion for
an editor to reject, never a lost one. SimHash is noisy on short texts (at 40–80 words different
reports came as close as 18 bits), so texts under `MIN_WORDS` words are never compared: the
canonical URL is their only dedupe.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

SHINGLE_WORDS = 3
NEAR_DUPLICATE_BITS = 12
MIN_WORDS = 80
WORD = re.compile(r"\w+")
HEADLINE_END = re.compile(r"[.!?…:;]\W*$")
HEADLINE_WORDS = 25
_BITS = 64
_SIGN = 1 << (_BITS - 1)


def normalise(text: str) -> list[str]:
    """The words of a text, case-folded, in order; "ё" read as "е" as Russian copy-editors do."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    return WORD.findall(text)


def body(text: str) -> str:
    """The text without its headline: the first line when more follow and it reads as a title
    (no closing punctuation, a few words). Outlets rewrite headlines first, so copies of one
    report differ most there."""
    first, _newline, rest = text.strip().partition("\n")
    if rest.strip() and not HEADLINE_END.search(first) and len(first.split()) <= HEADLINE_WORDS:
        return rest
    return text


def simhash(text: str) -> int | None:
    """The 64-bit SimHash of the text's body as a signed integer (it is stored in a bigint
    column), or None for a text too short to compare."""
    words = normalise(body(text))
    if len(words) < MIN_WORDS:
        return None
    votes = [0] * _BITS
    for start in range(len(words) - SHINGLE_WORDS + 1):
        shingle = " ".join(words[start : start + SHINGLE_WORDS])
        value = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        for bit in range(_BITS):
            votes[bit] += 1 if value >> bit & 1 else -1
    fingerprint = sum(1 << bit for bit in range(_BITS) if votes[bit] > 0)
    # Two's complement into the signed range a bigint holds.
    return fingerprint - (1 << _BITS) if fingerprint & _SIGN else fingerprint


def hamming(a: int, b: int) -> int:
    """How many of the 64 bits differ (signed or unsigned inputs alike)."""
    return ((a ^ b) & ((1 << _BITS) - 1)).bit_count()


def is_near_duplicate(a: int | None, b: int | None, threshold: int = NEAR_DUPLICATE_BITS) -> bool:
    return a is not None and b is not None and hamming(a, b) <= threshold

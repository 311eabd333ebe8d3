"""Normalising names of people and organisations so that spellings compare equal.

"Амир Хан Муттаки", "амир хан муттаки" and "Amir-Khan  Muttaqi" differ only in case, hyphens,
spacing and diacritics; the normal form folds those away (and Russian ё to е) so that an alias
can be looked up exactly. Transliteration across scripts is not attempted here: aliases list the
spellings in each script.
"""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.,'’ʼ`\"«»()]+")


def normalize_name(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    # Drop combining marks (é → e, ё → е, й → и): both sides of a comparison fold alike.
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = unicodedata.normalize("NFC", stripped)
    folded = stripped.casefold()
    return _SEPARATORS.sub(" ", folded).strip()

"""Cyrillic to Latin, roughly as English-language media spell Central Asian and Afghan names.

Only good enough to compare a name read in a Russian, Kazakh, Kyrgyz or Tajik text with the
registry's English spelling ("Газиз Акбасов" → "gaziz akbasov"); the comparison is fuzzy.
"""

from __future__ import annotations

_TABLE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "ә": "a", "ғ": "gh", "қ": "q", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
    "ӣ": "i", "ӯ": "u", "ҳ": "h", "ҷ": "j", "ў": "o",
}  # fmt: skip


def to_latin(text: str) -> str:
    out = []
    for index, ch in enumerate(text.lower()):
        # Word-initial е is "ye" in English spellings (Есенгельдиев → Yesengeldiyev).
        if ch == "е" and (index == 0 or not text[index - 1].isalpha()):
            out.append("ye")
        else:
            out.append(_TABLE.get(ch, ch))
    return "".join(out)

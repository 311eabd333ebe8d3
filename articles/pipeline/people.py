"""Who took part: known actors found by alias, and unknown people proposed with side and role.

Known actors match on tokens: every alias (any script) is a token sequence, compared with each
token's surface form and lemmas, so "Амир Ханом Моттаки" meets the alias "Амир Хан Моттаки". A
surname alone counts when exactly one person bears it; a spelling variant of a long name or
surname counts when it is close (Jaro-Winkler) to one person's and to no one else's. In Kazakh,
Uzbek, Kyrgyz and Tajik a case suffix is allowed on the last token.

Unknown people are natasha's PER spans (Russian) and names after a title in English
("acting Deputy Prime Minister Abdul Ghani Baradar"); their side comes from the title's
context: a country's name or adjective, or a Taliban marker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from stances.names import normalize_name

from .gazetteer import compile_any
from .nlp import Sentence, Token
from .registry import TALIBAN, ActorEntry, Registry
from .translit import to_latin

# Spelling variants differ by a letter (Muttaki/Muttaqi, Beradar/Baradar); distinct names of
# similar shape (Rahmani/Rahmon) by more. Longer names tolerate two edits.
FUZZY_MIN_LENGTH = 6
TURKIC = {"kk", "uz", "ky", "tg"}


@dataclass(frozen=True)
class Person:
    name: str  # canonical name of a known actor, else the nominative as the text gives it
    side: str  # "TALIBAN", a country code, or "" if unknown
    role: str
    start: int
    end: int
    actor: ActorEntry | None = None
    spokesperson: bool = False


# Titles: (pattern, English role). The first that matches the words before a name wins.
TITLES: list[tuple[str, str]] = [
    (r"(?:глав\w+|руководител\w+) (?:\w+ )?(?:МИД\w*|внешнеполитическ\w+ ведомств\w*)|"
     r"министр\w* иностранных дел|foreign minister|minister of foreign affairs|top diplomat",
     "foreign minister"),
    (r"(?:заместител\w+|зам\.?) (?:глав\w+ МИД\w*|министр\w* иностранных дел)|замглав\w+ МИД\w*|"
     r"замминистр\w* иностранных дел|deputy foreign minister|deputy minister of foreign affairs",
     "deputy foreign minister"),
    (r"вице-премьер\w*|заместител\w+ (?:председателя правительства|премьер-министр\w*)|"
     r"deputy prime minister|vice[- ]premier", "deputy prime minister"),
    (r"премьер-министр\w*|глав\w+ (?:\w+ )?правительств\w*|prime minister|premier",
     "prime minister"),
    (r"президент\w*|president", "president"),
    (r"спецпредставител\w*|специальн\w+ представител\w*|спецпосланник\w*|"
     r"special (?:representative|envoy)|envoy", "special representative"),
    (r"временн\w+ поверенн\w*|charg[eé] d['’]affaires", "chargé d'affaires"),
    (r"посл[аоуы]м?\b|посол|ambassador", "ambassador"),
    (r"генконсул\w*|генеральн\w+ консул\w*|consul[- ]general|консул\w*|consul", "consul"),
    (r"замминистр\w*|заместител\w+ министр\w*|deputy minister", "deputy minister"),
    (r"министр\w*|minister", "minister"),
    (r"хоким\w*|губернатор\w*|governor|hokim", "governor"),
    (r"председател\w*|chairman|chairperson|head", "chairman"),
    (r"мэр\w*|mayor", "mayor"),
    (r"пресс-секретар\w*|официальн\w+ представител\w*|представител\w*|спикер\w*|spokes\w+|"
     r"представитель", "spokesperson"),
]  # fmt: skip
_TITLE_PATTERNS = [(compile_any((p,), ignore_case=True), role) for p, role in TITLES]
ACTING = compile_any(
    (r"исполняющ\w+ обязанности", r"и\.\s?о\.", r"врио", r"acting", r"interim", r"caretaker"),
    ignore_case=True,
)
TALIBAN_MARK = compile_any(
    (r"талибск\w+", r"Талибан\w*", r"талиб\w+", r"Taliban\w*", r"Исламск\w+ Эмират\w*",
     r"Islamic Emirate", r"ИЭА", r"IEA", r"афганск\w+", r"Afghan\w*", r"Афганистан\w*"),
    ignore_case=True,
)  # fmt: skip
# A country named right after these words is where a diplomat is posted, not whom they serve.
POSTING = re.compile(r"(?i)(?:\bв|\bво|\bto|\bin|\bпри)\s*$")
EN_TITLE_NAME = re.compile(
    r"(?P<title>(?i:(?:(?:acting|interim|caretaker|first|deputy|vice|special|foreign|prime|chief|"
    r"senior)\s+)*(?:minister(?:\s+of(?:\s+(?:the\s+)?[a-z]\w+(?:\s+and)?)+)?|ambassador|"
    r"president|representative|envoy|governor|consul(?:\s+general)?|spokesman|spokesperson|"
    r"chairman|mufti|mayor|charg[eé] d['’]affaires)))"
    r",?\s+(?P<name>(?:(?:Mullah|Mawlawi|Maulvi|Haji|Sheikh|Dr\.?)\s+)?"
    r"[A-Z][\w'’-]+(?:\s+(?:[A-Z][\w'’-]+|al-\w+|ud-\w+)){0,3})"
)
_EN_NON_NAMES = {"of", "the", "and", "in", "to", "on", "for", "with", "said", "met", "held"}
_EN_NOT_FIRST_NAMES = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "the", "his", "her", "their", "today", "yesterday", "on", "in",
}  # fmt: skip


def title_before(text: str, start: int, width: int = 90) -> tuple[str, int] | None:
    """The English role of the title nearest before `start` and where it begins."""
    window_start = max(0, start - width)
    window = text[window_start:start]
    # The title ending nearest the name, and of those the longest ("Foreign Minister", not
    # "Minister").
    best: tuple[int, int, str] | None = None
    for pattern, role in _TITLE_PATTERNS:
        for match in pattern.finditer(window):
            key = (match.end(), -match.start())
            if best is None or key > best[:2]:
                best = (match.end(), -match.start(), role)
    if best is None:
        return None
    position, role = -best[1], best[2]
    absolute = window_start + position
    if ACTING.search(text[max(0, absolute - 40) : absolute + 40]):
        role = f"acting {role}"
    return role, absolute


def side_around(
    text: str, start: int, end: int, registry: Registry, title_start: int | None
) -> str:
    """The side of a person from the words around the name: a country's name or adjective or a
    Taliban marker, nearest on the left first ("посол Казахстана …", "Uzbek Foreign Minister"),
    else right after the name ("…, назначенным движением «Талибан»"); "" when nothing says."""
    left_start = max(0, (title_start if title_start is not None else start) - 40)
    left = text[left_start:start]
    right = text[end : end + 60].split(";")[0].split(".")[0]
    for context, nearest_last in ((left, True), (right, False)):
        found: list[tuple[int, str]] = []
        for code, country in registry.countries.items():
            for match in country.names.finditer(context):
                if POSTING.search(context[: match.start()]):
                    continue
                found.append((match.start(), TALIBAN if code == "AF" else code))
        found += [(m.start(), TALIBAN) for m in TALIBAN_MARK.finditer(context)]
        if found:
            found.sort()
            return found[-1][1] if nearest_last else found[0][1]
    return ""


def _forms_match(alias_token: str, token: Token, language: str) -> bool:
    if alias_token in token.forms:
        return True
    if language in TURKIC and len(alias_token) >= 4:
        return any(
            f.startswith(alias_token) and len(f) - len(alias_token) <= 5 for f in token.forms
        )
    return False


def _close(a: str, b: str) -> bool:
    """Whether two name tokens are spelling variants of each other."""
    if len(b) < FUZZY_MIN_LENGTH or a[:1] != b[:1]:
        return False
    allowed = 2 if len(b) >= 9 else 1
    return Levenshtein.distance(a, b, score_cutoff=allowed) <= allowed


def _fuzzy(alias_token: str, token: Token) -> bool:
    return token.capitalised and any(_close(f, alias_token) for f in token.forms)


def find_known(sentence: Sentence, registry: Registry, language: str) -> list[Person]:
    """Known actors named in a sentence (persons and organisations), left to right."""
    tokens = sentence.tokens
    found: list[tuple[int, int, ActorEntry]] = []
    i = 0
    while i < len(tokens):
        match = _match_at(tokens, i, registry, language)
        if match is None:
            i += 1
            continue
        length, actor = match
        found.append((i, i + length, actor))
        i += length
    people = []
    seen: set[int] = set()
    for first, last, actor in found:
        if actor.id in seen or actor.generic:
            continue
        seen.add(actor.id)
        start, end = tokens[first].start, tokens[last - 1].end
        people.append(Person(actor.name, actor.side, "", start, end, actor=actor))
    return people


def _match_at(
    tokens: list[Token], i: int, registry: Registry, language: str
) -> tuple[int, ActorEntry] | None:
    token = tokens[i]
    candidates: list[tuple[tuple[str, ...], ActorEntry]] = []
    for form in token.forms:
        candidates.extend(registry.alias_index.get(form, ()))
    if language in TURKIC:
        for form in token.forms:
            for cut in range(1, 5):
                if len(form) - cut >= 4:
                    candidates.extend(registry.alias_index.get(form[:-cut], ()))
    candidates.sort(key=lambda c: len(c[0]), reverse=True)
    for alias, actor in candidates:
        if i + len(alias) > len(tokens):
            continue
        # A one-word person alias is a surname: it must be written as a name.
        if len(alias) == 1 and actor.is_person and not token.capitalised:
            continue
        if all(_forms_match(alias[k], tokens[i + k], language) for k in range(len(alias))) or (
            len(alias) > 1
            and all(_forms_match(alias[k], tokens[i + k], language) for k in range(len(alias) - 1))
            and _fuzzy(alias[-1], tokens[i + len(alias) - 1])
        ):
            return len(alias), actor
    if token.capitalised:
        actor = _surname(token, registry, language)
        if actor is not None:
            return 1, actor
    return None


def _surname(token: Token, registry: Registry, language: str) -> ActorEntry | None:
    for form in token.forms:
        ids = registry.surnames.get(form)
        if ids and len(ids) == 1:
            return registry.by_id[next(iter(ids))]
    matches = {
        next(iter(ids))
        for surname, ids in registry.surnames.items()
        if len(ids) == 1 and _fuzzy(surname, token)
    }
    # Only a variant of exactly one person's name counts.
    return registry.by_id[matches.pop()] if len(matches) == 1 else None


def find_unknown(
    sentence: Sentence, registry: Registry, language: str, known: list[Person]
) -> list[Person]:
    """People the registry does not know, with side and role from their title's context."""
    text = sentence.text
    spans: list[tuple[int, int, str]] = []
    if language == "ru":
        spans = [(p.start, p.end, p.normal) for p in sentence.persons]
    elif language == "en":
        for match in EN_TITLE_NAME.finditer(text):
            words = match.group("name").split()
            while words and words[-1].lower().strip(",.") in _EN_NON_NAMES:
                words.pop()
            if not words or not words[0][:1].isupper():
                continue
            if words[0].lower().strip(",.") in _EN_NOT_FIRST_NAMES:
                continue
            name = " ".join(words).rstrip(",.'’")
            start = match.start("name")
            spans.append((start, start + len(name), re.sub(r"['’]s$", "", name)))
    people = []
    for start, end, name in spans:
        if any(not (end <= p.start or start >= p.end) for p in known):
            continue
        actor = _lookup_name(name, registry)
        if actor is not None:
            people.append(Person(actor.name, actor.side, "", start, end, actor=actor))
            continue
        if len(name) < 3 or (len(name.split()) < 2 and not name[:1].isupper()):
            continue
        if _is_place_or_org(name, registry):
            continue
        title = title_before(text, start)
        role, title_start = title if title else ("", None)
        side = side_around(text, start, end, registry, title_start)
        if not side:
            continue
        people.append(
            Person(
                _tidy(name), side, role.replace("acting ", "acting ", 1), start, end,
                spokesperson=role.endswith("spokesperson"),
            )
        )  # fmt: skip
    return people


def _lookup_name(name: str, registry: Registry) -> ActorEntry | None:
    """A known person by a whole name in the nominative, in its own script or transliterated
    from Cyrillic to the registry's English spelling."""
    tokens = tuple(normalize_name(name).split())
    if len(tokens) < 2:
        return None
    for alias, actor in registry.alias_index.get(tokens[0], ()):
        if alias == tokens and actor.is_person:
            return actor
    latin = tuple(to_latin(t) for t in tokens)
    if latin == tokens:
        return None
    found = {
        actor.id
        for actor in registry.actors
        if actor.is_person
        for alias in actor.aliases
        if len(alias) == len(latin)
        and all(a == b or _close(b, a) for a, b in zip(alias, latin, strict=True))
    }
    return registry.by_id[found.pop()] if len(found) == 1 else None


def _is_place_or_org(name: str, registry: Registry) -> bool:
    if any(country.names.fullmatch(name) for country in registry.countries.values()):
        return True
    return normalize_name(name) in {"талибан", "taliban", "мид", "оон", "un"}


def _tidy(name: str) -> str:
    return " ".join(word[:1].upper() + word[1:] for word in name.split())

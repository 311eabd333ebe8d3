"""Names of places and of the Taliban side, as they appear in news text, per language.

Country forms are keyed by ISO code: which of them count as *tracked* comes from the database
(`registry`), never from here, so marking another state tracked needs no code change as long as
its names are listed (the database's `name_en`/`name_ru` are always added as a fallback).

Patterns are regular-expression stems: Russian and the Turkic languages inflect (Казахстана,
Қазақстанның, O'zbekistonda), so a stem with a word-character tail matches every case form.
Each entry says how strongly it names the *state*: a name or an adjective does ("казахстанский
посол"), a capital does less (Ташкент is also just a city).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

W = r"[\w’'ʻ‘`-]*"  # an inflectional tail, including Uzbek apostrophes and hyphenated suffixes
APOS = r"[’'ʻ‘`]?"


@dataclass(frozen=True)
class CountryForms:
    names: tuple[str, ...]  # the state: name stems, adjectives, demonyms (regex stems)
    capitals: tuple[str, ...] = ()  # metonyms: "Ташкент и Кабул подписали…"


COUNTRY_FORMS: dict[str, CountryForms] = {
    "KZ": CountryForms(
        names=(
            r"Казахстан" + W,
            r"казахстанск\w+",
            r"казахстанц\w*",
            r"казахск\w+",
            r"Республик\w+ Казахстан" + W,
            r"Kazakhstan" + W,
            r"Kazakh(?:stani)?\b",
            r"Қазақстан" + W,
            r"Qozog" + APOS + r"iston" + W,
            r"Қозоғистон" + W,
            r"Казакстан" + W,
            r"Қазоқистон" + W,
            r"Qazaqstan" + W,
        ),
        capitals=(r"Астан[аеуы]\b", r"Астаной", r"Нур-Султан\w*", r"Astana", r"Nur-Sultan"),
    ),
    "KG": CountryForms(
        names=(
            r"Киргизи\w*",
            r"Кыргызстан" + W,
            r"Киргизстан\w*",
            r"Кыргызск\w+ Республик\w+",
            r"киргизск\w+",
            r"кыргызск\w+",
            r"кыргызстанск\w+",
            r"кыргызстанц\w*",
            r"Kyrgyz(?:stan)?" + W,
            r"Kirgiz(?:stan)?" + W,
            r"Қырғызстан" + W,
            r"Qirg" + APOS + r"iziston" + W,
            r"Қирғизистон" + W,
            r"Кыргыз Республикасы" + W,
        ),
        capitals=(r"Бишкек\w*", r"Bishkek"),
    ),
    "TJ": CountryForms(
        names=(
            r"Таджикистан" + W,
            r"таджикск\w+",
            r"таджикистанск\w+",
            r"таджикистанц\w*",
            r"Tajik(?:istan)?" + W,
            r"Тәжікстан" + W,
            r"Tojikiston" + W,
            r"Тожикистон" + W,
            r"Тажикстан" + W,
            r"Тоҷикистон" + W,
            r"тоҷик\w*",
        ),
        capitals=(r"Душанбе", r"Dushanbe"),
    ),
    "TM": CountryForms(
        names=(
            r"Туркмени[яиюейё]\w*",
            r"Туркменистан" + W,
            r"туркменск\w+",
            r"туркменистанск\w+",
            r"Turkmen(?:istan)?" + W,
            r"Түрікменстан" + W,
            r"Turkmaniston" + W,
            r"Туркманистон" + W,
            r"Түркмөнстан" + W,
        ),
        capitals=(r"Ашхабад\w*", r"Ашгабат\w*", r"Ashgabat", r"Ashkhabad"),
    ),
    "UZ": CountryForms(
        names=(
            r"Узбекистан" + W,
            r"узбекск\w+",
            r"узбекистанск\w+",
            r"узбекистанц\w*",
            r"Uzbek(?:istan)?" + W,
            r"Өзбекстан" + W,
            r"O" + APOS + r"zbekiston" + W,
            r"Ўзбекистон" + W,
            r"Ӯзбекистон" + W,
            r"Uzbekiston" + W,
        ),
        capitals=(r"Ташкент\w*", r"Tashkent"),
    ),
    "AF": CountryForms(
        names=(
            r"Афганистан" + W,
            r"афганск\w+",
            r"Afghan(?:istan)?" + W,
            r"Ауғанстан" + W,
            r"Afg" + APOS + r"oniston" + W,
            r"Афғонистон" + W,
            r"Ооганстан" + W,
        ),
        capitals=(r"Кабул\w*", r"Kabul", r"Кобул\w*", r"Kobul\w*"),
    ),
    "RU": CountryForms(
        names=(r"Росси[яиюей]\w*", r"российск\w+", r"Russia" + W, r"Russian"),
        capitals=(r"Москв\w+", r"Moscow"),
    ),
    "CN": CountryForms(
        names=(r"Кита[йяюе]\w*", r"китайск\w+", r"КНР", r"China" + W, r"Chinese"),
        capitals=(r"Пекин\w*", r"Beijing"),
    ),
    "PK": CountryForms(
        names=(r"Пакистан" + W, r"пакистанск\w+", r"Pakistan" + W),
        capitals=(r"Исламабад\w*", r"Islamabad"),
    ),
    "IR": CountryForms(
        names=(r"Иран" + W, r"иранск\w+", r"Iran" + W),
        capitals=(r"Тегеран\w*", r"Tehran"),
    ),
    "QA": CountryForms(names=(r"Катар" + W, r"катарск\w+", r"Qatar" + W), capitals=(r"Доха",)),
    "TR": CountryForms(names=(r"Турци[яиюей]\w*", r"турецк\w+", r"Turkey", r"Türkiye", r"Turkish")),
    "IN": CountryForms(names=(r"Инди[яиюей]\w*", r"индийск\w+", r"India" + W)),
    "US": CountryForms(
        names=(r"США", r"американск\w+", r"United States", r"U\.S\.", r"Washington")
    ),
    "AZ": CountryForms(names=(r"Азербайджан" + W, r"азербайджанск\w+", r"Azerbaijan" + W)),
    "AE": CountryForms(names=(r"ОАЭ", r"Объединенн\w+ Арабск\w+ Эмират\w*", r"UAE", r"Emirati")),
}

# Where contacts happen; the canonical (English) city name is what an event reports.
CITIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Kabul": ("AF", (r"Кабул\w*", r"Kabul", r"Кобул\w*", r"Kobul\w*")),
    "Mazar-i-Sharif": ("AF", (r"Мазари-Шариф\w*", r"Mazar-[ie]-Sharif", r"Mazar-i Sharif")),
    "Herat": ("AF", (r"Герат\w*", r"Herat")),
    "Kandahar": ("AF", (r"Кандагар\w*", r"Kandahar")),
    "Hairatan": ("AF", (r"Хайратон\w*", r"Hairatan", r"Hayratan")),
    "Kunduz": ("AF", (r"Кундуз\w*", r"Kunduz")),
    "Torghundi": ("AF", (r"Торгунди", r"Тургунди", r"Torghundi", r"Turghundi")),
    "Jalalabad": ("AF", (r"Джелалабад\w*", r"Jalalabad")),
    "Sher Khan Bandar": ("AF", (r"Шерхан-?Бандар\w*", r"Sher ?Khan Bandar")),
    "Aqina": ("AF", (r"Акин[аеу]\b", r"Aqina")),
    "Shymkent": ("KZ", (r"Шымкент\w*", r"Shymkent")),
    "Khorog": ("TJ", (r"Хорог\w*", r"Khorog")),
    "Khujand": ("TJ", (r"Худжанд\w*", r"Khujand")),
    "Kulob": ("TJ", (r"Куляб\w*", r"Kulob")),
    "Panji Poyon": ("TJ", (r"Нижн\w+ Пяндж\w*", r"Panji Poyon")),
    "Khankendi": ("AZ", (r"Ханкенди", r"Khankendi")),
    "Astana": ("KZ", (r"Астан[аеуы]\b", r"Астаной", r"Нур-Султан\w*", r"Astana", r"Nur-Sultan")),
    "Almaty": ("KZ", (r"Алмат[ыа]", r"Almaty")),
    "Tashkent": ("UZ", (r"Ташкент\w*", r"Tashkent", r"Toshkent\w*")),
    "Termez": ("UZ", (r"Термез\w*", r"Termez", r"Termiz\w*")),
    "Samarkand": ("UZ", (r"Самарканд\w*", r"Samarkand", r"Samarqand\w*")),
    "Bishkek": ("KG", (r"Бишкек\w*", r"Bishkek")),
    "Osh": ("KG", (r"Ош[еау]?\b", r"Osh\b")),
    "Dushanbe": ("TJ", (r"Душанбе", r"Dushanbe")),
    "Ashgabat": ("TM", (r"Ашхабад\w*", r"Ашгабат\w*", r"Ashgabat", r"Ashkhabad")),
    "Serhetabat": ("TM", (r"Серхетабат\w*", r"Serhetabat", r"Кушк\w+")),
    "Turkmenabat": ("TM", (r"Туркменабат\w*", r"Turkmenabat")),
    "Moscow": ("RU", (r"Москв\w+", r"Moscow")),
    "Kazan": ("RU", (r"Казан[иь]\b", r"Kazan\b")),
    "Doha": ("QA", (r"Доха\b", r"Дохе\b", r"Doha")),
    "Tehran": ("IR", (r"Тегеран\w*", r"Tehran")),
    "Islamabad": ("PK", (r"Исламабад\w*", r"Islamabad")),
    "Beijing": ("CN", (r"Пекин\w*", r"Beijing")),
    "Antalya": ("TR", (r"Анталь\w+", r"Antalya")),
    "Tianjin": ("CN", (r"Тяньцзин\w*", r"Tianjin")),
}

# The Taliban side named outright: relevance needs one of these (or a known Taliban actor).
TALIBAN_STRONG = (
    r"[Тт]алиб\w*",
    r"Taliban\w*",
    r"Исламск\w+ Эмират\w*",
    r"Ислам Әмірлігі\w*",
    r"Islamic Emirate",
    r"\bIEA\b",
    r"\bИЭА\b",
    r"\bИЭА\b",
    r"Tolibon\w*",
    r"Толибон\w*",
    r"Toliblar\w*",
    r"Толиблар\w*",
    r"талиптер\w*",
    r"Талиптер\w*",
    r"Islom Amirligi\w*",
    r"Аморати Исломӣ\w*",
    r"(?:временн|переходн)\w+ (?:правительств|власт|администрац)\w*(?: Афганистан\w*| ИЭА)",
    r"(?:временн|переходн)\w+ афганск\w+ (?:правительств|власт)\w*",
    r"(?:нов|фактическ)\w+ (?:власт|руководств|правительств)\w* (?:Афганистан|Кабул)\w*",
    r"(?:нов|фактическ)\w+ афганск\w+ (?:власт|руководств|правительств)\w*",
    r"власт\w+ Кабула",
    r"кабульск\w+ (?:власт|режим)\w*",
    r"(?:interim|caretaker|de facto|de-facto|acting) (?:Afghan )?"
    r"(?:government|authorities|administration|cabinet)(?: of Afghanistan| in Kabul)?",
    r"Kabul(?:'s)? (?:authorities|rulers|administration|government)",
    r"authorities in Kabul",
    r"Afghanistan's (?:new|de facto) (?:rulers|authorities|government)",
    r"new (?:Afghan )?(?:rulers|authorities) (?:of|in) (?:Afghanistan|Kabul)",
)

# "the Afghan side/delegation": the Taliban side when the report is about it (after 2021-08-15).
TALIBAN_WEAK = (
    r"афганск\w+ (?:сторон|делегаци|власт|правительств|министр|МИД|коллег|партн|руководств|"
    r"посл|дипломат|ведомств|чиновник|официальн|представител)\w*",
    r"(?:делегаци|сторон|правительств|власт|МИД|министр|руководств)\w* Афганистан\w*",
    r"Afghan (?:side|delegation|authorities|government|officials?|ministers?|counterparts?|"
    r"foreign minister|ambassador|diplomats?|embassy|leadership|administration|"
    r"acting|minister|deputy)",
    r"Afghanistan's (?:acting |interim |caretaker )?"
    r"(?:foreign minister|ministers?|deputy|delegation|government|ambassador)",
    r"(?:delegation|government|ministry|minister|side) of Afghanistan",
    r"афған тарап\w*",
    r"afg" + APOS + r"on (?:tomon|delegatsiya)\w*",
    r"ооган тарап\w*",
    r"ҷониби афғон\w*",
)

# Date the Taliban took Kabul: "the Afghan side" means them only after it.
TALIBAN_TAKEOVER = (2021, 8, 15)


def compile_any(patterns: tuple[str, ...] | list[str], *, ignore_case: bool = False) -> re.Pattern:
    """One alternation matching any pattern as a whole word (no letter glued on either side)."""
    flags = re.IGNORECASE if ignore_case else 0
    body = "|".join(f"(?:{p})" for p in patterns)
    # A hyphen before counts as glued: "пресс-конференция" is not a "конференция".
    return re.compile(rf"(?<![\w’'ʻ‘`-])(?:{body})(?![\w])", flags)


def fallback_stems(name_en: str, name_ru: str) -> tuple[str, ...]:
    """Stems for a country known only from the database: the English name and a Russian stem."""
    stems = [re.escape(name_en)] if name_en else []
    if name_ru:
        stem = re.sub(r"[аяиыйьеёо]$", "", name_ru)
        stems.append(re.escape(stem) + r"\w*")
    return tuple(stems)

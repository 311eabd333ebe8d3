"""Stance signals: sentences saying where a country stands on one dimension (domain.md).

Each rule is (dimension, value, pattern); the first rule of a dimension that matches wins, so
the more specific rules (a negation, a removal from a list) come before the general ones. Only
the country's own position counts; who it is about is settled by `events` (the tracked country
named nearest before the phrase, else the only one in the sentence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .gazetteer import compile_any

_TAL = (
    r"(?:талиб\w*|Талибан\w*|движени\w+ «?Талибан»?|Taliban|Исламск\w+ Эмират\w*|"
    r"Islamic Emirate|ИЭА|IEA)"
)
_GAP = r"(?:[\w«»\"',-]+\s+){0,6}?"
_LIST = r"(?:списк|перечн|реестр)\w*"
_EN_LIST = r"(?:list|register|registry|roster)"

RULES: list[tuple[str, str, tuple[str, ...]]] = [
    ("legal_status", "delisted", (
        rf"(?:исключ|удал|вывел|убрал|вычеркнул)\w* {_GAP}из {_GAP}{_LIST}",
        rf"(?:исключени|удалени)\w+ {_GAP}из {_GAP}{_LIST}",
        rf"(?:removed|delisted|struck|dropped|taken|excluded|lifted)\s+{_GAP}(?:from|off)\s+{_GAP}"
        rf"{_EN_LIST}",
        r"(?:delisting|delisted)",
        r"больше не (?:считается|является|признается|входит|значится|числится|включен)\w*",
        r"no longer (?:on|in|part of|included)",
        r"тізім\w* (?:[\w-]+ ){0,2}?шығар\w*", r"ro['ʻ‘’]yxat\w* (?:[\w-]+ ){0,2}?chiqar\w*",
        r"тизме\w* (?:[\w-]+ ){0,2}?чыгар\w*", r"рӯйхат\w* (?:[\w-]+ ){0,2}?хориҷ\w*",
        r"no longer (?:considered|designated|listed|regarded)",
        r"(?:снят|сняли|снял)\w* (?:[\w-]+ )?запрет\w*", r"lifted (?:the|its) ban",
    )),
    ("legal_status", "not_listed", (
        r"не (?:признан|включен|внесен|значится|числится|входит)\w* "
        r"(?:[\w-]+ ){0,3}?(?:террористическ|запрещенн|экстремистск|списк|перечн)\w*",
        r"(?:never|not) (?:been )?(?:designated|listed|banned)",
        r"(?:is|are|was) not (?:on|in) (?:its|the) (?:[\w-]+ )?(?:list|register)",
    )),
    ("legal_status", "banned", (
        rf"(?:признан|запрещен|запрещён|внесен|включен|значится|числится|остается|остаётся|"
        rf"является)\w* {_GAP}(?:террористическ|экстремистск|запрещенн|запрещённ)\w*",
        r"(?:террористическ|запрещенн|запрещённ)\w+ (?:в \w+ )?(?:организац|движени)\w*",
        r"запрещен\w* (?:в|на территории) \w+",
        r"(?:designated|listed|banned|outlawed|considered|regarded)\s+(?:as\s+)?(?:an?\s+)?"
        r"(?:terrorist|extremist)",
        rf"(?:on|in) (?:its|the) {_EN_LIST} of (?:banned|terrorist|extremist|prohibited)",
        r"(?:remains|is|are) (?:still )?banned",
    )),
    ("taliban_envoy", "no", (
        r"не (?:[\w-]+ ){0,2}?(?:допуска|допустил|принял|принима|передал|передава|аккредит|"
        r"соглаша|согласил)\w* (?:[\w-]+ ){0,5}?(?:посольств|дипломат|представител|посл|"
        r"сотрудник)\w*",
        r"(?:refus|declin|reject)\w* (?:[\w-]+ ){0,2}?(?:to )?(?:accept|accredit|hand over|allow|"
        r"recogni[sz]e)\w* (?:[\w-]+ ){0,4}?(?:embassy|diplomats?|envoys?|ambassador|"
        r"representatives?)",
        r"(?:has|have|did|does|do) not (?:[\w-]+ ){0,2}?(?:accepted|accept|accredited|accredit|"
        r"handed|hand|allowed|allow) (?:[\w-]+ ){0,4}?(?:embassy|diplomats?|envoys?|ambassador)",
    )),
    ("taliban_envoy", "charge_daffaires", (
        r"временн\w+ поверенн\w*", r"charg[eé]s? d['’]affaires",
    )),
    ("taliban_envoy", "ambassador", (
        rf"(?:принял\w*|аккредитовал\w*|одобрил\w*|вручил\w*|вручени\w*|агреман\w*) {_GAP}"
        rf"(?:верительн\w+ грамот\w*|посл[аоу]м?\b)",
        rf"посол {_GAP}(?:{_TAL}|назначенн\w+ {_GAP}{_TAL}) {_GAP}(?:вручил|приступил)",
        r"приступил\w* к (?:исполнению )?обязанност\w+ (?:[\w-]+ ){0,3}?(?:посла|главы)",
        r"(?:accepted|accredited|approved|received) (?:the )?(?:credentials|"
        r"(?:[\w-]+ ){0,3}ambassador)",
        r"ambassador (?:[\w-]+ ){0,8}?presented (?:his |her )?credentials",
        r"presented (?:his |her )?credentials", r"took up (?:his |her )?(?:post|duties)",
    )),
    ("taliban_envoy", "staff_accepted", (
        rf"(?:принял|аккредитовал|допустил|согласил)\w* {_GAP}(?:дипломат|сотрудник|"
        rf"представител)\w*",
        rf"(?:дипломат|сотрудник)\w* {_GAP}назначенн\w+ {_GAP}{_TAL}",
        rf"(?:accepted|accredited|allowed|admitted) {_GAP}(?:diplomats?|staff|envoys?)",
        rf"{_TAL}-appointed (?:diplomats?|staff|envoys?)",
        r"(?:передал|передан)\w* (?:[\w-]+ ){0,3}?посольств\w*",
        r"handed (?:over )?(?:the |its )?embassy",
        r"(?:глав\w*|руководител\w*|head) (?:[\w-]+ ){0,2}?(?:посольств\w*|embassy|mission)",
    )),
    ("recognition", "none", (
        r"не (?:[\w-]+ ){0,2}?(?:признал|признает|признаёт|признава|признавать|признать)\w*",
        r"не (?:обсужда|рассматрива|стоит)\w* (?:[\w-]+ ){0,2}?(?:вопрос\w* )?признани\w*",
        r"признани\w* (?:[\w-]+ ){0,4}?(?:речи (?:не )?(?:идет|идёт|нет)|не (?:идет|идёт|стоит|"
        r"рассматрива|обсужда)\w*)",
        r"(?:официальных|дипломатических) отношений (?:[\w-]+ ){0,4}?нет",
        r"нет (?:[\w-]+ ){0,2}?(?:официальных|дипломатических) отношений",
        r"no (?:formal|official|diplomatic) (?:relations|ties)",
        r"(?:premature|too early|not (?:yet )?(?:on the agenda|being considered)) "
        r"(?:[\w-]+ ){0,4}?recogni[sz]\w*",
        r"recognition (?:[\w-]+ ){0,3}?(?:is|was) not (?:being )?(?:considered|discussed|"
        r"on the agenda)",
        r"conditions (?:[\w-]+ ){0,5}?recogni[sz]\w*", r"услови\w+ (?:[\w-]+ ){0,3}?признани\w*",
        r"(?:не|без) (?:[\w-]+ )?признани\w*", r"преждевременн\w+ (?:[\w-]+ ){0,2}?признани\w*",
        r"признани\w* (?:[\w-]+ ){0,3}?преждевременн\w*",
        r"(?:not|no plans to|no intention (?:of|to)|yet to|without|refus\w+ to) "
        r"(?:[\w-]+ ){0,2}?recogni[sz]\w*",
        r"recognition (?:[\w-]+ ){0,3}?(?:premature|not on the agenda|out of the question)",
        r"(?:has|have) not (?:[\w-]+ )?recogni[sz]ed",
    )),
    ("recognition", "de_facto", (
        r"де-?факто (?:[\w-]+ )?призна\w*", r"призна\w+ (?:[\w-]+ ){0,3}?де-?факто",
        r"de facto recognition", r"recogni[sz]\w+ (?:[\w-]+ ){0,3}?de facto",
    )),
    ("recognition", "formal", (
        rf"(?:официально |формально )?призна(?:л|ла|ли|ет|ёт)\w* {_GAP}{_TAL}",
        r"(?:officially|formally) recogni[sz]\w+",
        rf"recogni[sz]ed {_GAP}{_TAL}",
    )),
    ("own_mission_in_kabul", "closed", (
        r"(?:закрыл|закрыт|приостановил|эвакуировал)\w* (?:[\w-]+ ){0,3}?(?:посольств|дипмисси|"
        r"сотрудник\w* посольств)\w*",
        r"(?:closed|shut|suspended|evacuated) (?:[\w-]+ ){0,3}?(?:embassy|mission)",
    )),
    ("own_mission_in_kabul", "upgraded", (
        r"(?:raised|elevated|upgraded) (?:[\w-]+ ){0,4}?(?:mission|representation|office) "
        r"(?:[\w-]+ ){0,4}?(?:to|into) (?:the )?(?:level|status|rank|a full)",
        r"(?:преобразова|повысил|повышен)\w* (?:[\w-]+ ){0,4}?(?:до уровня|в) посольств\w*",
        r"повысил\w* (?:[\w-]+ ){0,2}?(?:уровень|статус) (?:[\w-]+ ){0,3}?(?:представительств|"
        r"мисси|"
        r"посольств)\w*",
        r"upgraded (?:[\w-]+ ){0,3}?(?:mission|representation|embassy|diplomatic)",
    )),
    ("own_mission_in_kabul", "operating", (
        r"посольств\w* (?:[\w-]+ ){0,5}?(?:продолжа|работа|функционир)\w*",
        r"(?:продолжа|возобновил)\w* (?:[\w-]+ ){0,2}?(?:работ|деятельност)\w* (?:[\w-]+ ){0,3}?"
        r"посольств\w*",
        r"не (?:стал[аио]? )?закрыва\w* (?:[\w-]+ ){0,2}?посольств\w*",
        r"embassy (?:[\w-]+ ){0,5}?(?:remain\w*|continu\w*|kept|operat\w*|functioning|reopened)",
        r"(?:kept|keeps|reopened) (?:its |the )?embassy",
    )),
    ("overall", "-2", (
        r"(?:base|haven|shelter|refuge|home) (?:for|to) (?:[\w-]+ ){0,5}?(?:resistance|opposition|"
        r"National Resistance Front|NRF)",
        r"(?:укрыва|приют|убежищ)\w* (?:[\w-]+ ){0,4}?(?:сопротивлени|оппозици|"
        r"Фронт\w* национального)\w*",
        r"(?:отверг|отказыва|отказал|исключа)\w* (?:[\w-]+ ){0,3}?(?:контакт|диалог|"
        r"переговор|взаимодейств)\w*",
        r"отказ\w* от (?:[\w-]+ ){0,2}?(?:контакт|диалог|взаимодейств)\w*",
        r"поддержива\w* (?:[\w-]+ ){0,3}?(?:сопротивлени|оппозици|Фронт\w* национального)\w*",
        r"(?:refus|reject|rul)\w* (?:out )?(?:[\w-]+ ){0,3}?(?:contacts?|dialogue|engagement|"
        r"talks)",
        r"(?:back|support)\w* (?:[\w-]+ ){0,3}?(?:resistance|armed opposition|National Resistance "
        r"Front|NRF)",
    )),
    ("overall", "-1", (
        rf"(?:accus|blam|обвин)\w* {_GAP}{_TAL}",
        r"(?:потребовал|требует)\w* (?:[\w-]+ ){0,4}?извинени\w*",
        r"demand\w* (?:[\w-]+ ){0,4}?apolog\w*",
    )),
]  # fmt: skip

_COMPILED: list[tuple[str, str, re.Pattern]] = [
    (dimension, value, compile_any(patterns, ignore_case=True))
    for dimension, value, patterns in RULES
]
# "Tajikistan would not recognise…" is still a stance; "may remove from the list" is not a change.
HYPOTHETICAL = compile_any(
    (r"может\b", r"могут\b", r"рассматрива\w*", r"предложил\w*", r"законопроект\w*",
     r"could\b", r"may\b", r"might\b", r"consider\w*", r"proposed", r"draft\b",
     r"призвал\w*", r"urged", r"called on", r"если\b", r"\bif\b"),
    ignore_case=True,
)  # fmt: skip
# Who a taliban_envoy signal is about: a diplomat of the Taliban side, never the tracked state's
# own ambassador presenting credentials in Kabul.
TALIBAN_DIPLOMAT = compile_any(
    (r"(?:Taliban|IEA|Islamic Emirate|Afghan|Afghanistan)(?:['’]s)?[- ](?:appointed )?"
     r"(?:ambassador|charg[eé]|diplomats?|envoys?|consul|embassy)",
     r"(?:Taliban|IEA)-appointed", r"appointed by the (?:Taliban|Islamic Emirate)",
     r"назначенн\w+ (?:[\w-]+ ){0,2}?«?(?:Талибан|талиб|ИЭА|Исламск)\w*",
     r"(?:посол|посла|послом|поверенн\w+|дипломат\w*|консул\w*|представител\w*|сотрудник\w*|"
     r"глав\w+ посольства) (?:[\w-]+ ){0,3}?(?:Афганистана|ИЭА|талибов|Исламского Эмирата|"
     r"движения «?Талибан»?)",
     r"(?:афганск|талибск)\w+ (?:посол|посла|дипломат|поверенн|консул|посольств)\w*",
     r"посольств\w+ Афганистана", r"Afghan embassy", r"embassy of Afghanistan",
     r"(?:ambassador|charg[eé] d['’]affaires|envoy|diplomats?|representatives?) of (?:the )?"
     r"(?:Islamic Emirate|Afghanistan|Taliban)"),
    ignore_case=True,
)  # fmt: skip
# Values that describe holding back: "recognition is not being considered" stays a statement.
HOLDING_BACK = {"none", "no", "banned", "not_listed", "-2", "-1"}
# The dimensions whose rules talk about the Taliban only implicitly and so need a Taliban mention
# in the sentence (or its neighbour) to count: "признал" alone is about anything.
NEEDS_TALIBAN = {"recognition", "legal_status", "taliban_envoy", "overall"}


@dataclass(frozen=True)
class Signal:
    dimension: str
    value: str
    start: int
    end: int


def find_signals(text: str) -> list[Signal]:
    found: dict[str, Signal] = {}
    for dimension, value, pattern in _COMPILED:
        if dimension in found:
            continue
        match = pattern.search(text)
        if match is None:
            continue
        window = text[max(0, match.start() - 60) : match.end()]
        if value not in HOLDING_BACK and HYPOTHETICAL.search(window):
            continue
        if dimension == "taliban_envoy" and not TALIBAN_DIPLOMAT.search(text):
            continue
        if dimension == "own_mission_in_kabul" and TALIBAN_DIPLOMAT.search(text):
            continue
        found[dimension] = Signal(dimension, value, match.start(), match.end())
    return sorted(found.values(), key=lambda s: s.start)

"""The vocabulary of the field: words that say a contact happened, what about, and what stance.

Russian and English in full; Kazakh, Uzbek, Kyrgyz and Tajik for the cheap cases (a few verbs and
nouns per contact type). Patterns are case-insensitive stems; each names its domain.md code.
"""

from __future__ import annotations

import re

from .gazetteer import compile_any

_DOCUMENT = (
    r"(?:соглашени|меморандум|договор|контракт|протокол|дорожн\w* карт|документ|план\w* "
    r"действий|заявлени|коммюнике|программ|пакет)\w*"
)
_EN_DOCUMENT = (
    r"(?:agreements?|memorand\w+|MoUs?|contracts?|roadmaps?|road maps?|protocols?|deals?|"
    r"documents?|accords?|declarations?|action plans?|framework)"
)

# Contact types, most specific first: a sentence gets the first type whose words it contains
# (a phone call about an agreement is a phone call, a meeting on a conference's sidelines is a
# conference).
CONTACT_TRIGGERS: list[tuple[str, tuple[str, ...]]] = [
    ("phone_call", (
        r"телефонн\w+ (?:разговор|переговор|беседу|беседа|беседе|звон)\w*",
        r"по телефону", r"созвонил\w*", r"видеосвяз\w*", r"видеоконференц\w*",
        r"в режиме (?:онлайн|видео)\w*", r"онлайн-встреч\w*",
        r"(?:phone|telephone) (?:call|conversation|talks?)\w*",
        r"(?:spoke|spoken|talked|speak|talk) (?:\w+ ){0,2}?(?:by|over the|on the) (?:tele)?phone",
        r"phoned", r"video ?(?:call|conference|link)\w*", r"held a call", r"in a call",
        r"телефон (?:арқылы|орқали|аркылуу)", r"telefon orqali", r"тавассути телефон",
        r"telefon (?:suhbat|muloqot)\w*", r"телефондо?\s+сүйлөш\w*",
    )),
    ("other", (
        r"(?:передал|вручил|handed|delivered|passed)\w* (?:[\w-]+ ){0,12}?(?:приглашени\w*|"
        r"(?:an |the )?invitation)",
    )),
    ("agreement", (
        rf"(?:подписал|подписан|заключил|парафировал)\w* (?:[\w-]+ ){{0,5}}?{_DOCUMENT}",
        rf"{_DOCUMENT} (?:[\w-]+ ){{0,6}}?(?:был[аио]? |были )?(?:подписан|подписали|заключен)\w*",
        rf"подписани\w* (?:[\w-]+ ){{0,4}}?{_DOCUMENT}",
        rf"(?:signed|signing|inked|initialled|concluded) (?:[\w-]+ ){{0,6}}?{_EN_DOCUMENT}",
        rf"{_EN_DOCUMENT}s? (?:[\w-]+ ){{0,6}}?(?:was|were|have been|has been) signed",
        r"signing ceremony",
        r"қол қой\w*", r"imzola\w*", r"кол кой\w*", r"имзо \w+",
    )),
    ("aid", (
        r"(?:передал|передан|доставил|доставлен|направил|направлен|отправил|отправлен|"
        r"поставил|поставлен|выделил|выделен|вручил)\w* (?:\w+ ){0,6}?"
        r"(?:гуманитарн\w+ (?:помощ|груз)\w*|(?:тонн|вагон)\w* (?:\w+ ){0,3}?помощ\w*)",
        r"гуманитарн\w+ (?:помощ|груз)\w* (?:\w+ ){0,4}?(?:передан|доставлен|направлен|отправлен|"
        r"поставлен|прибыл|поступил)\w*",
        r"церемони\w+ (?:[\w-]+ ){0,2}?(?:передач|вручени)\w*",
        r"(?:состоял|прошл|провели|организовал)\w* (?:[\w-]+ ){0,3}?(?:передач|доставк)\w* "
        r"(?:[\w-]+ ){0,6}?(?:помощ|груз)\w*",
        r"(?:передал|передан|доставил|доставлен|отправил)\w* (?:\w+ ){0,5}?(?:тонн|вагон|грузовик|"
        r"фур)\w*",
        # Quantities carry separators: "5,000 tonnes", "1.5 thousand tons".
        r"(?:handed over|delivered|sent|dispatched|donated) (?:[\w,.]+ ){0,5}?"
        r"(?:trucks|tons|tonnes|wagons|truckloads|shipments?) of",
        r"(?:delivered|handed over|sent|dispatched|shipped|donated|provided)\s+(?:[\w,.]+\s+){0,6}?"
        r"(?:humanitarian (?:aid|assistance|cargo|supplies)|aid)",
        r"(?:humanitarian (?:aid|assistance|cargo|supplies|convoy))\s+(?:\w+\s+){0,4}?"
        r"(?:was |were |has been |have been )?(?:delivered|handed over|sent|dispatched|arrived)",
        r"гуманитарлық көмек\w*", r"insonparvarlik yordam\w*", r"гуманитардык жардам\w*",
        r"кумак\w* (?:и )?башардӯстона\w*",
    )),
    ("correspondence", (
        r"верительн\w+ грамот\w*", r"(?:копи\w+ )?верительных", r"credentials",
        r"(?:направил|передал|вручил|получил)\w* (?:\w+ ){0,3}?(?:письм|послани)\w*",
        r"(?:sent|delivered|handed|received) (?:\w+ ){0,3}?(?:a |the )?(?:letter|message)",
        r"поздравил\w*", r"congratulat\w*",
    )),
    ("conference", (
        r"на полях", r"в кулуарах", r"саммит\w*", r"конференци\w*",
        r"московск\w+ формат\w*", r"ташкентск\w+ (?:конференци|формат)\w*",
        r"в формате \w+", r"\bШОС\b", r"\bСНГ\b", r"\bОЭС\b", r"Термезск\w+ диалог\w*",
        r"on the (?:sidelines|margins)", r"summit", r"conference",
        r"Moscow format", r"\bSCO\b", r"\bECO\b", r"Termez Dialogue", r"multilateral",
        r"саммит\w*", r"konferensiya\w*", r"конференция\w*",
    )),
    ("visit", (
        r"визит\w*", r"прибыл\w*", r"посетил\w*", r"посещени\w*", r"с рабочей поездкой",
        r"поездк\w*", r"находится в (?:Кабуле|Ташкенте|Астане|Душанбе|Бишкеке|Ашхабаде)",
        r"visit\w*", r"arrived in", r"travell?ed to", r"trip to", r"toured",
        r"led (?:a|an|the) (?:\w+ ){0,3}?delegation", r"delegation (?:\w+ ){0,6}?(?:arrived|"
        r"travell?ed)",
        r"делегаци\w+ (?:\w+ ){0,8}?(?:прибыл|посетил|побывал|находится)\w*", r"побывал\w*",
        r"in (?:Kabul|Tashkent|Astana|Dushanbe|Bishkek|Ashgabat) (?:on|for) (?:a|an) \w+ visit",
        r"сапар\w*", r"tashrif\w*", r"сафар\w*", r"ташриф\w*", r"расид\w*", r"келді", r"келди",
        r"keldi",
    )),
    ("meeting", (
        r"встретил\w*", r"встреч\w*", r"переговор\w*", r"принял\w* (?:\w+ ){0,3}?"
        r"(?:посл|министр|делегац|глав|заместител|представител|спецпредставител|замминистр|"
        r"временн\w+ поверенн)\w*",
        r"провел\w* (?:\w+ ){0,2}?(?:беседу|консультаци|переговор)\w*", r"беседовал\w*",
        r"консультаци\w*", r"обсудил\w*", r"обсуждени\w*",
        r"\bmet\b", r"meets?\b", r"meeting", r"talks", r"held (?:\w+ )?(?:talks|consultations)",
        r"received (?:\w+ ){0,3}?(?:ambassador|minister|delegation|envoy|head|deputy|chargé|"
        r"charge|representative)", r"discuss\w*", r"consultations",
        r"кездес\w*", r"uchrash\w*", r"учраш\w*", r"жолук\w*", r"жолугуш\w*", r"вохӯр\w*",
        r"мулоқот\w*", r"muloqot\w*", r"музокира\w*", r"muzokara\w*", r"келіссөз\w*",
        r"форум\w*", r"forum", r"кабыл ал\w*", r"қабылда\w*", r"qabul qil\w*", r"қабул кард\w*",
    )),
    # Ceremonies and openings: "other" unless the setting makes them a visit (see events).
    ("other", (
        r"церемони\w*", r"ceremony", r"launched (?:[\w-]+ ){0,3}?(?:construction|work|project|"
        r"section|route)", r"inaugurat\w*",
        r"(?:открыл|открыт|открылс)\w* (?:[\w-]+ ){0,3}?(?:рын|пункт|торгов|дом|центр|мост|офис|"
        r"представительств|участ|маршрут)\w*",
        r"(?:рын|пункт|торгов\w+ дом|центр|мост|офис)\w* (?:[\w-]+ ){0,3}?(?:открыл|открыт)\w*",
        r"opened (?:[\w-]+ ){0,3}?(?:market|checkpoint|house|cent(?:er|re)|bridge|office|section|"
        r"route|crossing)", r"запустил\w*", r"дали старт",
        r"ачыл\w*", r"ашыл\w*", r"ochil\w*", r"кушода\w*",
    )),
]  # fmt: skip

CONTACT_PATTERNS: list[tuple[str, re.Pattern]] = [
    (kind, compile_any(words, ignore_case=True)) for kind, words in CONTACT_TRIGGERS
]

# What makes a sentence not a report of something that happened.
NEGATED = compile_any(
    (r"не (?:\w+ )?(?:встречал|встретил|провел|подписал|посетил|принимал|обсуждал)\w*",
     r"(?:did not|didn't|has not|hasn't|have not|never) (?:\w+ )?(?:met|meet|visit|sign|held|"
     r"hold)\w*",
     r"no (?:meeting|contacts?|talks) (?:\w+ )?(?:took place|were held|was held)",
     r"отказал\w* от (?:встреч|визит|контакт)\w*",
     r"не (?:сообщается|сообщалось|уточняется|проводил\w*)", r"(?:was|were) not reported",
     r"no (?:contacts?|meetings?) (?:\w+ ){0,3}?(?:reported|known)"),
    ignore_case=True,
)  # fmt: skip
# "may" is a hedge only in lower case: the month "May" must not make a report sound uncertain.
FUTURE = compile_any(
    (r"планиру\w*", r"намерен\w*", r"собира\w*ся", r"состоится", r"пройд[её]т", r"будут?\b",
     r"ожида\w*ся", r"предстоящ\w*", r"предполага\w*", r"может\b", r"могут\b", r"могли бы",
     r"рассчитыва\w*", r"готов\w* (?:к|провести|принять|подписать)", r"договорились (?:о|провести)",
     r"пригласил\w*", r"призвал\w*", r"призыва\w*", r"предложил\w*",
     r"will\b", r"would\b", r"plans? to", r"planning", r"is to\b", r"are to\b", r"expected to",
     r"to be held", r"scheduled", r"upcoming", r"intends?\b", r"could\b", r"(?-i:may)\b",
     r"might\b",
     r"invited", r"proposed", r"ready to", r"called on", r"calls? for", r"urged", r"urging",
     r"\bto (?:launch|start|begin|hold|visit|sign|meet)", r"would like"),
    ignore_case=True,
)  # fmt: skip
# Sentences that look back: dated as they say, or dropped if they say no date.
BACKGROUND = re.compile(
    r"(?i)^(?:\W*)(?:ранее|прежде|напомним|как сообщалось|как известно|еще в|ещё в|в прошлом|"
    r"до этого|в свое время|в своё время|earlier|previously|in the past|as reported|"
    r"it was reported|back in|recall|last year|in (?:19|20)\d\d|в (?:19|20)\d\d год\w*|"
    r"since|с тех пор|с (?:19|20)\d\d|илгари|avvalroq|бұған дейін|пеш аз ин)"
)
BACKGROUND_ANYWHERE = compile_any(
    (r"ранее", r"прежде", r"previously", r"earlier", r"already", r"уже\b", r"в прошлом"),
    ignore_case=True,
)
REPORTING = compile_any(
    (r"сообщил\w*", r"сообщает\w*", r"заявил\w*", r"написал\w*", r"пишет", r"говорится",
     r"передает", r"передаёт", r"отметил\w*", r"said", r"says", r"told", r"reported", r"wrote",
     r"tweeted", r"posted", r"stated", r"according to", r"по данным", r"по словам"),
    ignore_case=True,
)  # fmt: skip

TOPICS: dict[str, tuple[str, ...]] = {
    "trade": (r"торгов\w*", r"товарооборот\w*", r"экспорт\w*", r"импорт\w*", r"\btrade\w*",
              r"export\w*", r"import\w*", r"commerc\w*", r"savdo\w*", r"сауда\w*", r"соода\w*",
              r"тиҷорат\w*", r"бизнес\w*", r"business\w*"),
    "transit": (r"транзит\w*", r"transit\w*", r"логистик\w*", r"logistic\w*",
                r"транспортн\w+ коридор\w*", r"transport corridor\w*", r"грузоперевоз\w*"),
    "railway": (r"железн\w+ дорог\w*", r"железнодорожн\w*", r"railway\w*", r"railroad\w*",
                r"rail\b", r"Трансафганск\w*", r"Trans-Afghan\w*", r"temir yo['ʻ‘’]l\w*",
                r"темір жол\w*", r"ж/д"),
    "energy": (r"электроэнерг\w*", r"электричеств\w*", r"энергетик\w*", r"энергетическ\w*",
               r"\bЛЭП\b", r"линии электропередачи", r"CASA-1000", r"electricity",
               r"\benergy\b", r"power (?:line|transmission|supply|plant)\w*", r"нефт\w*",
               r"\boil\b", r"топлив\w*", r"\bfuel\b", r"energetika\w*"),
    "pipeline": (r"\bТАПИ\b", r"\bTAPI\b", r"газопровод\w*", r"pipeline\w*", r"трубопровод\w*"),
    "water": (r"водн\w+ ресурс\w*", r"водопольз\w*", r"вод[аыу]\b", r"Амударь\w*", r"Кош-Тепа",
              r"Qosh[- ]Tepa", r"Amu Darya", r"\bwater\b", r"канал\w*", r"\bcanal\b", r"irrigat\w*",
              r"ирригац\w*"),
    "security": (r"безопасност\w*", r"security", r"стабильност\w*", r"stability",
                 r"экстремизм\w*", r"extremis\w*", r"ИГИЛ", r"ISIS", r"ISIL", r"Daesh", r"ИГ-Х\w*",
                 r"военн\w*", r"military", r"xavfsizlik\w*", r"қауіпсіздік\w*", r"коопсуздук\w*",
                 r"амният\w*"),
    "border": (r"границ\w*", r"пограничн\w*", r"border\w*", r"frontier", r"чегара\w*",
               r"chegara\w*", r"шекара\w*", r"сарҳад\w*", r"КПП", r"checkpoint\w*",
               r"пункт\w* пропуска"),
    "narcotics": (r"наркот\w*", r"наркотрафик\w*", r"narcotic\w*", r"drug\w*", r"opium",
                  r"опиум\w*", r"мак\b", r"poppy"),
    "refugees": (r"беженц\w*", r"refugee\w*", r"мигрант\w*", r"migrant\w*", r"репатриац\w*",
                 r"repatriat\w*"),
    "humanitarian_aid": (r"гуманитарн\w+ (?:помощ|груз|поддержк)\w*", r"humanitarian",
                         r"гуманитарлық", r"insonparvarlik", r"гуманитардык", r"башардӯстона"),
    "diplomatic_representation": (
        r"посольств\w*", r"консульств\w*", r"генконсульств\w*", r"дипмисси\w*",
        r"дипломатическ\w+ (?:представительств|мисси|персонал)\w*", r"аккредит\w*",
        r"временн\w+ поверенн\w*", r"верительн\w+ грамот\w*", r"embass\w*", r"consulate\w*",
        r"diplomatic (?:mission|representation|staff|presence)\w*", r"accredit\w*",
        r"charg[eé] d['’]affaires", r"credentials", r"диппредставительств\w*"),
    "recognition": (r"признани\w*", r"признава\w*", r"признать", r"recognition",
                    r"recogni[sz]e\w*", r"легитимн\w*", r"legitima\w*"),
    "terrorism_listing": (r"(?:списк|перечн|реестр)\w* (?:\w+ ){0,2}?(?:террористическ|"
                          r"запрещенн|запрещённ|экстремистск)\w*",
                          r"террористическ\w+ организац\w*",
                          r"запрещенн\w+ (?:в \w+ )?организац\w*",
                          r"terrorist (?:list|organi[sz]ation|designation)\w*",
                          r"(?:list|register) of (?:banned|terrorist|prohibited)",
                          r"banned (?:organi[sz]ation|group)\w*", r"delist\w*", r"designation"),
    "education": (r"образовани\w*", r"студент\w*", r"университет\w*", r"обучени\w*",
                  r"education\w*", r"student\w*", r"universit\w*", r"school\w*", r"школ\w*",
                  r"ta['ʻ‘’]lim\w*", r"білім\w*", r"билим\w*"),
    "health": (r"здравоохранени\w*", r"медицин\w*", r"здоровь\w*", r"больниц\w*", r"врач\w*",
               r"медикамент\w*", r"лекарств\w*", r"health\w*", r"medic\w*", r"hospital\w*",
               r"doctor\w*", r"vaccin\w*", r"вакцин\w*"),
}  # fmt: skip
TOPIC_PATTERNS: dict[str, re.Pattern] = {
    code: compile_any(words, ignore_case=True) for code, words in TOPICS.items()
}

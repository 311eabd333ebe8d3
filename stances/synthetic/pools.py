"""The pools synthetic data is drawn from: places, posts, names, topic words, outlets.

Names are made up from common given names and surnames of the region; posts are the offices that
take part in real contacts. Nothing here is a real person.
"""

from __future__ import annotations

import datetime as dt

from ..vocabulary import ContactType, Direction, Level

PREFIX = "synthetic-"
MARK = "[synthetic]"
DOMAIN = "synthetic.invalid"
FIRST_DATE = dt.date(2021, 8, 15)
LAST_DATE = dt.date(2026, 2, 28)

# code, English name, Russian name, tracked when created here, cities (first is the capital).
COUNTRIES = (
    ("KZ", "Kazakhstan", "Казахстан", True, ("Astana", "Almaty")),
    ("KG", "Kyrgyzstan", "Киргизия", True, ("Bishkek", "Osh")),
    ("TJ", "Tajikistan", "Таджикистан", True, ("Dushanbe", "Khujand")),
    ("TM", "Turkmenistan", "Туркмения", True, ("Ashgabat", "Turkmenabat")),
    ("UZ", "Uzbekistan", "Узбекистан", True, ("Tashkent", "Termez")),
    ("AF", "Afghanistan", "Афганистан", False, ("Kabul", "Mazar-i-Sharif", "Herat", "Kandahar")),
    ("RU", "Russia", "Россия", False, ("Moscow", "Kazan")),
    ("QA", "Qatar", "Катар", False, ("Doha",)),
    ("CN", "China", "Китай", False, ("Beijing",)),
    ("IR", "Iran", "Иран", False, ("Tehran",)),
    ("PK", "Pakistan", "Пакистан", False, ("Islamabad",)),
    ("TR", "Turkey", "Турция", False, ("Antalya",)),
)
CITIES = {code: cities for code, _en, _ru, _tracked, cities in COUNTRIES}
AFGHAN_CITIES = ("Kabul", "Kabul", "Kabul", "Mazar-i-Sharif", "Herat", "Kandahar")
# city, country, the multilateral event a conference contact happens at.
THIRD_PLACES = (
    ("Moscow", "RU", "the Moscow format consultations"),
    ("Kazan", "RU", "the KazanForum"),
    ("Doha", "QA", "the Doha meeting of special envoys"),
    ("Beijing", "CN", "the meeting of Afghanistan's neighbours"),
    ("Tehran", "IR", "the regional contact group"),
    ("Islamabad", "PK", "the trilateral railway talks"),
    ("Antalya", "TR", "the Antalya Diplomacy Forum"),
    ("Tashkent", "UZ", "the Tashkent international conference"),
    ("Astana", "KZ", "the SCO summit"),
)

# (title, level, how often the post takes part in a contact). Each post has two holders over
# the period: the first until a random hand-over date, the second from then on.
COUNTRY_POSTS = (
    ("President of {country}", Level.HEAD_OF_STATE, 1),
    ("Prime Minister of {country}", Level.HEAD_OF_GOVERNMENT, 2),
    ("Deputy Prime Minister of {country}", Level.DEPUTY_HEAD_OF_GOVERNMENT, 4),
    ("Minister of Foreign Affairs of {country}", Level.MINISTER, 6),
    ("Minister of Trade and Integration of {country}", Level.MINISTER, 4),
    ("Minister of Transport of {country}", Level.MINISTER, 4),
    ("Minister of Energy of {country}", Level.MINISTER, 3),
    ("Deputy Minister of Foreign Affairs of {country}", Level.DEPUTY_MINISTER, 6),
    ("Special Representative of {country} for Afghanistan", Level.SPECIAL_ENVOY, 6),
    ("Ambassador of {country} to Afghanistan", Level.AMBASSADOR, 8),
    ("Consul General of {country} in Mazar-i-Sharif", Level.OFFICIAL, 3),
    ("Head of the Afghanistan desk, Ministry of Foreign Affairs of {country}", Level.OFFICIAL, 3),
)
TALIBAN_POSTS = (
    ("Supreme Leader, Islamic Emirate of Afghanistan", Level.HEAD_OF_STATE, 1),
    ("acting Prime Minister, Islamic Emirate of Afghanistan", Level.HEAD_OF_GOVERNMENT, 2),
    ("acting Deputy Prime Minister for Economic Affairs", Level.DEPUTY_HEAD_OF_GOVERNMENT, 4),
    ("acting Minister of Foreign Affairs", Level.MINISTER, 8),
    ("acting Minister of Commerce and Industry", Level.MINISTER, 5),
    ("acting Minister of Public Works", Level.MINISTER, 3),
    ("acting Minister of Water and Energy", Level.MINISTER, 3),
    ("acting Minister of Refugees and Repatriation", Level.MINISTER, 2),
    ("acting Deputy Minister of Foreign Affairs", Level.DEPUTY_MINISTER, 6),
    ("Head of the political office in Doha", Level.SPECIAL_ENVOY, 3),
    ("Governor of Balkh province", Level.OFFICIAL, 4),
    ("Spokesman of the Ministry of Foreign Affairs", Level.OFFICIAL, 3),
)
CA_FIRST = (
    "Askar", "Yerlan", "Nurlan", "Daulet", "Marat", "Bakhyt", "Aidos", "Timur", "Rustam",
    "Farrukh", "Jamshed", "Sherzod", "Bakhtiyor", "Ulugbek", "Azamat", "Almaz", "Chingiz", "Kuban",
    "Serdar", "Batyr", "Merdan", "Dovlet", "Firdavs", "Khurshed", "Nodir", "Otabek", "Zafar",
    "Kairat", "Talgat", "Bolat",
)  # fmt: skip
CA_LAST = (
    "Abenov", "Zhaksybekov", "Nurpeisov", "Sadykov", "Beisenov", "Omarov", "Karimov", "Rakhimov",
    "Usmonov", "Nazarov", "Saidov", "Kurbanov", "Atayev", "Berdiyev", "Orazov", "Tursunov",
    "Yusupov", "Mirzayev", "Akhmedov", "Ismoilov", "Zhumabayev", "Toktogulov", "Asanov", "Bekov",
    "Seitkaliyev", "Khodjayev", "Alimov", "Sharipov", "Safarov", "Jurayev",
)  # fmt: skip
AF_FIRST = (
    "Abdul Rahim", "Mohammad Nasir", "Ahmadullah", "Noorullah", "Sher Mohammad", "Abdul Hadi",
    "Hamidullah", "Zakir", "Najibullah", "Fazal", "Rahmatullah", "Ghulam", "Saifullah", "Ataullah",
    "Mohammad Yusuf", "Abdul Wali", "Inayatullah", "Habibullah", "Qudratullah", "Lutfullah",
)  # fmt: skip
AF_LAST = (
    "Noori", "Sadiq", "Rahmani", "Azizi", "Hamdard", "Yarzada", "Hakimi", "Samadi", "Faizi",
    "Jalali", "Karimi", "Naseri", "Ahmadi", "Rasooli", "Kakar", "Saqib", "Wahidi", "Popal", "Safi",
    "Waziri",
)  # fmt: skip

TYPE_WEIGHTS = {
    ContactType.MEETING: 25,
    ContactType.VISIT: 15,
    ContactType.CONFERENCE: 12,
    ContactType.PHONE_CALL: 15,
    ContactType.AGREEMENT: 8,
    ContactType.AID: 10,
    ContactType.CORRESPONDENCE: 10,
    ContactType.OTHER: 5,
}
DIRECTIONS = {
    ContactType.MEETING: ((Direction.TO_AFGHANISTAN, 6), (Direction.FROM_AFGHANISTAN, 3)),
    ContactType.VISIT: ((Direction.TO_AFGHANISTAN, 11), (Direction.FROM_AFGHANISTAN, 9)),
    ContactType.CONFERENCE: ((Direction.THIRD_COUNTRY, 1),),
    ContactType.PHONE_CALL: ((Direction.REMOTE, 1),),
    ContactType.AGREEMENT: (
        (Direction.TO_AFGHANISTAN, 2),
        (Direction.FROM_AFGHANISTAN, 2),
        (Direction.THIRD_COUNTRY, 1),
    ),
    ContactType.AID: ((Direction.TO_AFGHANISTAN, 1),),
    ContactType.CORRESPONDENCE: ((Direction.REMOTE, 1),),
    ContactType.OTHER: (
        (Direction.TO_AFGHANISTAN, 1),
        (Direction.FROM_AFGHANISTAN, 1),
        (Direction.REMOTE, 1),
        ("", 1),
    ),
}
# The topics a type of contact is most often about; the rest come from the whole vocabulary.
TYPE_TOPICS = {
    ContactType.MEETING: ("trade", "security", "border", "transit"),
    ContactType.VISIT: ("trade", "transit", "railway", "energy", "security"),
    ContactType.CONFERENCE: ("security", "terrorism_listing", "narcotics", "recognition"),
    ContactType.PHONE_CALL: ("security", "humanitarian_aid", "diplomatic_representation"),
    ContactType.AGREEMENT: ("trade", "transit", "railway", "energy", "pipeline", "water"),
    ContactType.AID: ("humanitarian_aid", "health", "refugees"),
    ContactType.CORRESPONDENCE: ("diplomatic_representation", "recognition"),
    ContactType.OTHER: ("education", "health", "water", "other"),
}
TOPICS_RU = {
    "trade": "торговля",
    "transit": "транзит",
    "railway": "железная дорога",
    "energy": "энергетика",
    "pipeline": "трубопровод",
    "water": "водные ресурсы",
    "security": "безопасность",
    "border": "граница",
    "narcotics": "наркотрафик",
    "refugees": "беженцы",
    "humanitarian_aid": "гуманитарная помощь",
    "diplomatic_representation": "дипломатическое представительство",
    "recognition": "признание",
    "terrorism_listing": "список террористических организаций",
    "education": "образование",
    "health": "здравоохранение",
    "other": "другие вопросы",
}
DOCUMENTS = ("memorandum of understanding", "roadmap", "protocol", "contract", "trade agreement")
# (name, sub-domain or None for one per tracked country, language, country code)
OUTLETS = (
    ("Synthetic News Agency", "news", "en", None),
    ("Синтетические вести", "vesti", "ru", None),
    ("Synthetic Kabul Daily", "kabul", "en", "AF"),
    ("Synthetic Asia Wire", "asiawire", "en,ru", None),
)
_LATIN_TO_CYRILLIC = (
    ("shch", "щ"), ("zh", "ж"), ("kh", "х"), ("sh", "ш"), ("ch", "ч"), ("ya", "я"), ("yu", "ю"),
    ("yo", "ё"), ("ye", "е"), ("ts", "ц"), ("a", "а"), ("b", "б"), ("c", "к"), ("d", "д"),
    ("e", "е"), ("f", "ф"), ("g", "г"), ("h", "х"), ("i", "и"), ("j", "дж"), ("k", "к"),
    ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("q", "к"), ("r", "р"),
    ("s", "с"), ("t", "т"), ("u", "у"), ("v", "в"), ("w", "в"), ("x", "кс"), ("y", "и"),
    ("z", "з"),
)  # fmt: skip


def to_cyrillic(name: str) -> str:
    """A rough Russian spelling of a Latin name ("Askar Nurpeisov" → "Аскар Нурпеисов")."""
    out, i, lower = [], 0, name.lower()
    while i < len(name):
        for latin, cyrillic in _LATIN_TO_CYRILLIC:
            if lower.startswith(latin, i):
                out.append(cyrillic.capitalize() if name[i].isupper() else cyrillic)
                i += len(latin)
                break
        else:
            out.append(name[i])
            i += 1
    return "".join(out)

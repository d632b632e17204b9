"""A synthetic population seen by several organisations, with ground truth.

Used by ``bench/linkage_bench.py`` (never by tests of the engine's accuracy, which
would then be tuned to it). The generator is written from the shape of Dutch
registrations, not from the engine: name origins in roughly the proportions of the
national registration (Dutch, West and East African, Central and Eastern European in
Latin and Cyrillic script, Arabic, Turkish, Greek, South-East Asian), families sharing
a surname, twins, common names, and per organisation a recording style (which
transliteration, date format, name order, roepnaam or official names, initials) plus
random errors: typos, phonetic spellings, transliteration variants, tussenvoegsel
variants, first names and surname swapped, swapped day and month, missing day or date,
year typos, married names, nicknames and a few duplicates within one source.

    python bench/linkage_population.py --people 20000 --sources 4 --out /tmp/pop
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np

# ----------------------------------------------------------------------- name data
# Lists are roughly in order of frequency; sampling uses Zipf-like weights.

NL_MALE = [
    "jan",
    "johannes",
    "pieter",
    "hendrik",
    "cornelis",
    "willem",
    "gerrit",
    "jacob",
    "dirk",
    "klaas",
    "hans",
    "peter",
    "mark",
    "kevin",
    "thomas",
    "daan",
    "sem",
    "lucas",
    "bram",
    "jesse",
    "niels",
    "tim",
    "ruben",
    "stijn",
    "bas",
    "rik",
    "joost",
    "sander",
    "jeroen",
    "martijn",
    "wouter",
    "erik",
    "frank",
    "marco",
    "dennis",
    "michel",
    "ronald",
    "robert",
    "richard",
    "arjan",
    "remco",
    "jasper",
    "thijs",
    "luuk",
    "milan",
    "finn",
    "levi",
    "noah",
    "julian",
    "max",
    "teun",
    "gijs",
    "koen",
    "wim",
    "henk",
    "kees",
    "joop",
    "jaap",
    "theo",
    "ton",
    "ad",
    "ruud",
    "rob",
    "gert",
]
NL_FEMALE = [
    "maria",
    "johanna",
    "anna",
    "elisabeth",
    "cornelia",
    "wilhelmina",
    "catharina",
    "hendrika",
    "sanne",
    "lisa",
    "laura",
    "anouk",
    "iris",
    "femke",
    "lotte",
    "emma",
    "julia",
    "sophie",
    "eva",
    "fleur",
    "noa",
    "mila",
    "tess",
    "sara",
    "lieke",
    "esther",
    "linda",
    "marieke",
    "monique",
    "sandra",
    "petra",
    "ingrid",
    "yvonne",
    "nicole",
    "kim",
    "manon",
    "naomi",
    "romy",
    "isa",
    "demi",
    "britt",
    "lynn",
    "floor",
    "amber",
    "chantal",
    "kelly",
    "bianca",
    "wendy",
    "mieke",
    "ria",
    "tineke",
    "joke",
    "els",
    "annemiek",
    "marloes",
]
NL_NICK = {
    "johannes": ["jan", "hans", "johan"],
    "cornelis": ["kees", "cor"],
    "hendrik": ["henk"],
    "jacob": ["jaap", "koos"],
    "willem": ["wim"],
    "maria": ["mieke", "marja", "ria"],
    "johanna": ["joke", "hanneke"],
    "elisabeth": ["els", "liesbeth"],
    "wilhelmina": ["mien", "wilma"],
    "catharina": ["tineke", "karin"],
    "cornelia": ["corrie", "nel"],
    "pieter": ["piet", "peter"],
}
NL_SURNAMES = """de jong|jansen|de vries|van den berg|van dijk|bakker|janssen|visser|smit|meijer
|de boer|mulder|de groot|bos|vos|peters|hendriks|van leeuwen|dekker|brouwer|de wit
|dijkstra|smits|de graaf|van der meer|van der linden|kok|jacobs|de haan|vermeulen
|van den heuvel|van der veen|van den broek|de bruijn|de bruin|van der heijden|schouten
|van beek|willems|van vliet|van de ven|hoekstra|maas|verhoeven|koster|van dam|prins
|blom|huisman|peeters|de lange|kuijpers|van wijk|postma|kuiper|veenstra|kramer
|van den brink|scholten|van wijngaarden|martens|vink|de ruiter|post|van 't hof
|in 't veld|ter horst|ten cate|op de beek|uit den bogaard|van der steen|timmermans
|groen|gerritsen|jonker|van loon|boer|van der velde|willemsen|claassen|de clercq""".replace(
    "\n", ""
).split("|")

WA_MALE = [
    "emmanuel",
    "john",
    "samuel",
    "daniel",
    "david",
    "joseph",
    "michael",
    "godwin",
    "osagie",
    "friday",
    "sunday",
    "blessing",
    "precious",
    "christian",
    "peter",
    "paul",
    "kingsley",
    "prince",
    "lucky",
    "eric",
    "francis",
    "isaac",
    "ibrahim",
    "musa",
    "lamin",
    "ousman",
    "abdoulie",
    "ebrima",
    "modou",
    "alieu",
    "kwame",
    "kofi",
    "yaw",
    "kwabena",
]
WA_FEMALE = [
    "blessing",
    "precious",
    "joy",
    "mercy",
    "faith",
    "favour",
    "gift",
    "esther",
    "grace",
    "comfort",
    "patience",
    "success",
    "happiness",
    "princess",
    "glory",
    "mary",
    "elizabeth",
    "sandra",
    "jennifer",
    "stella",
    "peace",
    "fatou",
    "mariama",
    "isatou",
    "awa",
    "aminata",
    "binta",
    "ama",
    "akosua",
    "abena",
    "efua",
]
WA_SURNAMES = [
    "okafor",
    "okonkwo",
    "eze",
    "obi",
    "nwosu",
    "adeyemi",
    "adebayo",
    "ogunleye",
    "oladipo",
    "osagie",
    "osaro",
    "igbinedion",
    "omoregie",
    "edo",
    "ehigie",
    "obasuyi",
    "aigbe",
    "uwaifo",
    "iyamu",
    "osazuwa",
    "idahosa",
    "okoro",
    "nnamdi",
    "chukwu",
    "onyeka",
    "ibrahim",
    "bello",
    "abubakar",
    "yusuf",
    "jallow",
    "ceesay",
    "sowe",
    "touray",
    "njie",
    "bah",
    "jobe",
    "sanneh",
    "camara",
    "mensah",
    "owusu",
    "boateng",
    "asante",
    "osei",
    "agyeman",
]

EA_MALE = [
    "moses",
    "isaac",
    "joseph",
    "robert",
    "richard",
    "david",
    "samuel",
    "yonas",
    "tesfaye",
    "dawit",
    "mulugeta",
    "habtom",
    "kidane",
    "filmon",
]
EA_FEMALE = [
    "sarah",
    "esther",
    "florence",
    "grace",
    "agnes",
    "harriet",
    "winnie",
    "mercy",
    "helen",
    "senait",
    "tsega",
    "selam",
    "rahel",
]
EA_SURNAMES = [
    "okello",
    "opio",
    "otieno",
    "mugisha",
    "tumusiime",
    "ssemwogerere",
    "nakato",
    "namukasa",
    "kato",
    "mukasa",
    "wasswa",
    "tesfamariam",
    "gebremedhin",
    "tekle",
    "haile",
    "berhane",
    "ghebremichael",
    "woldemariam",
]

PL_MALE = [
    "piotr",
    "krzysztof",
    "andrzej",
    "tomasz",
    "pawel",
    "michal",
    "marcin",
    "jakub",
    "grzegorz",
    "lukasz",
    "mateusz",
    "adam",
]
PL_FEMALE = [
    "anna",
    "katarzyna",
    "malgorzata",
    "agnieszka",
    "barbara",
    "ewa",
    "magdalena",
    "joanna",
    "zofia",
    "monika",
    "justyna",
]
PL_SURNAMES = [
    "nowak",
    "kowalski",
    "wisniewski",
    "wojcik",
    "kowalczyk",
    "kaminski",
    "lewandowski",
    "zielinski",
    "szymanski",
    "wozniak",
    "dabrowski",
    "kozlowski",
    "jankowski",
    "mazur",
    "kwiatkowski",
    "krawczyk",
    "piotrowski",
    "grabowski",
    "nowakowski",
    "pawlowski",
    "michalski",
    "nowicki",
    "adamczyk",
    "dudek",
    "zajac",
    "wieczorek",
]
PL_DIACRITIC = {
    "wisniewski": "wiśniewski",
    "wojcik": "wójcik",
    "kaminski": "kamiński",
    "zielinski": "zieliński",
    "szymanski": "szymański",
    "wozniak": "woźniak",
    "dabrowski": "dąbrowski",
    "kozlowski": "kozłowski",
    "zajac": "zając",
    "pawel": "paweł",
    "michal": "michał",
    "lukasz": "łukasz",
    "malgorzata": "małgorzata",
}

RO_MALE = [
    "ion",
    "gheorghe",
    "vasile",
    "constantin",
    "nicolae",
    "mihai",
    "andrei",
    "alexandru",
    "florin",
    "marian",
    "ionut",
    "stefan",
]
RO_FEMALE = [
    "maria",
    "elena",
    "ioana",
    "ana",
    "mihaela",
    "andreea",
    "cristina",
    "daniela",
    "alina",
    "gabriela",
    "florentina",
]
RO_SURNAMES = """popa popescu pop radu dumitru stan stoica gheorghe matei ciobanu
constantin rusu ionescu munteanu mihai lazar florea dinu tudor dobre barbu nistor
Țurcanu Ștefănescu""".lower().split()
RO_DIACRITIC = {
    "stefanescu": "ștefănescu",
    "turcanu": "țurcanu",
    "stefan": "ștefan",
    "ionut": "ionuț",
}

# Cyrillic origins: written in Cyrillic, transliterated per organisation.
UA_MALE = [
    "олександр",
    "сергій",
    "андрій",
    "володимир",
    "дмитро",
    "михайло",
    "юрій",
    "іван",
    "микола",
    "віктор",
]
UA_FEMALE = [
    "олена",
    "тетяна",
    "наталія",
    "ірина",
    "світлана",
    "юлія",
    "оксана",
    "людмила",
    "катерина",
    "анастасія",
]
UA_SURNAMES = [
    "шевченко",
    "коваленко",
    "бондаренко",
    "ткаченко",
    "кравченко",
    "олійник",
    "шевчук",
    "поліщук",
    "бойко",
    "мельник",
    "коваль",
    "лисенко",
    "марченко",
    "руденко",
    "савченко",
    "петренко",
]
RU_MALE = [
    "александр",
    "сергей",
    "дмитрий",
    "андрей",
    "алексей",
    "максим",
    "евгений",
    "иван",
    "михаил",
    "юрий",
]
RU_FEMALE = [
    "елена",
    "ольга",
    "наталья",
    "екатерина",
    "татьяна",
    "ирина",
    "анастасия",
    "мария",
    "юлия",
    "светлана",
]
RU_SURNAMES = [
    "иванов",
    "смирнов",
    "кузнецов",
    "попов",
    "васильев",
    "петров",
    "соколов",
    "михайлов",
    "новиков",
    "федоров",
    "морозов",
    "волков",
    "алексеев",
    "лебедев",
    "семенов",
    "егоров",
    "павлов",
    "козлов",
    "степанов",
]
BG_MALE = [
    "георги",
    "иван",
    "димитър",
    "николай",
    "петър",
    "христо",
    "стефан",
    "йордан",
    "тодор",
    "васил",
]
BG_FEMALE = [
    "мария",
    "иванка",
    "елена",
    "йорданка",
    "пенка",
    "десислава",
    "гергана",
    "цветелина",
    "милена",
]
BG_SURNAMES = [
    "иванов",
    "георгиев",
    "димитров",
    "петров",
    "николов",
    "христов",
    "стоянов",
    "тодоров",
    "илиев",
    "ангелов",
    "атанасов",
    "йорданов",
    "колев",
    "цветков",
]

AR_MALE = [
    "mohammed",
    "ahmed",
    "mustafa",
    "ibrahim",
    "youssef",
    "hassan",
    "hussein",
    "omar",
    "ali",
    "abdullah",
    "khalid",
    "said",
    "karim",
    "rachid",
    "abdelkader",
    "abdelaziz",
    "bilal",
    "ayoub",
]
AR_FEMALE = [
    "fatima",
    "khadija",
    "aisha",
    "yasmin",
    "nadia",
    "samira",
    "latifa",
    "zineb",
    "meryem",
    "houda",
    "salma",
    "imane",
    "noura",
    "hanane",
]
AR_SURNAMES = """el amrani|el idrissi|benali|bouzid|el haddad|al-hassan|alaoui
|bakkali|el khattabi|ouazzani|tahiri|chaoui|benjelloun|kassem|al-masri|haddad
|khalil|mansour|nasser|saleh|darwish|al-ahmad""".replace("\n", "").split("|")

TR_MALE = [
    "mehmet",
    "mustafa",
    "ahmet",
    "ali",
    "hüseyin",
    "hasan",
    "ibrahim",
    "ismail",
    "osman",
    "yusuf",
    "murat",
    "ömer",
]
TR_FEMALE = [
    "fatma",
    "ayşe",
    "emine",
    "hatice",
    "zeynep",
    "elif",
    "meryem",
    "şerife",
    "sultan",
    "zehra",
    "hülya",
]
TR_SURNAMES = [
    "yılmaz",
    "kaya",
    "demir",
    "şahin",
    "çelik",
    "yıldız",
    "yıldırım",
    "öztürk",
    "aydın",
    "özdemir",
    "arslan",
    "doğan",
    "kılıç",
    "aslan",
    "çetin",
]

GR_MALE = ["γιώργος", "δημήτριος", "κωνσταντίνος", "ιωάννης", "νικόλαος", "παναγιώτης", "χρήστος"]
GR_FEMALE = ["μαρία", "ελένη", "αικατερίνη", "βασιλική", "σοφία", "αγγελική"]
GR_SURNAMES = ["παπαδόπουλος", "παπαδάκης", "καραγιάννης", "οικονόμου", "γεωργίου", "νικολάου"]

AS_MALE = [
    "nguyen",
    "van",
    "minh",
    "tuan",
    "hung",
    "duc",
    "thanh",
    "jose",
    "mark",
    "john",
    "wei",
    "jun",
]
AS_FEMALE = [
    "thi",
    "lan",
    "mai",
    "linh",
    "hoa",
    "thu",
    "maria",
    "grace",
    "joy",
    "mei",
    "li",
    "ying",
]
AS_SURNAMES = [
    "nguyen",
    "tran",
    "le",
    "pham",
    "hoang",
    "phan",
    "vu",
    "dang",
    "bui",
    "santos",
    "reyes",
    "cruz",
    "garcia",
    "wang",
    "li",
    "zhang",
    "liu",
    "chen",
]

# Synthetic surnames widen every origin's pool (real lists alone make the most common
# surname far more frequent than it is: "de Jong" is about 0.5% of the Dutch).
SYNTH: dict[str, tuple[list[str], list[str], list[str]]] = {
    "dutch": (
        ["", "", "", "van ", "de ", "van der ", "ter ", "van den "],
        [
            "berg",
            "dijk",
            "veen",
            "hof",
            "bos",
            "broek",
            "kamp",
            "meer",
            "horst",
            "wijk",
            "beek",
            "hout",
            "hui",
            "wout",
            "stee",
            "ruit",
            "kerk",
            "molen",
            "brug",
            "dam",
            "donk",
            "ham",
            "hoek",
            "laar",
            "loo",
            "sloot",
            "velde",
        ],
        ["", "", "man", "ink", "stra", "sma", "er", "ing", "sen", "huis", "ma"],
    ),
    "west_african": (
        ["o", "a", "e", "i", "u", "", ""],
        [
            "ko",
            "ba",
            "de",
            "yi",
            "mi",
            "la",
            "gbe",
            "nwa",
            "chu",
            "ke",
            "bo",
            "si",
            "ru",
            "ta",
            "fo",
            "ji",
            "wa",
        ],
        ["nde", "ye", "mi", "chi", "bi", "ku", "ra", "lu", "ji", "na"],
    ),
    "east_african": (
        ["", "ge", "te", "ha", "mu"],
        ["bre", "ka", "wo", "nda", "mi", "se", "lo", "ki", "tu", "ga"],
        ["mariam", "ye", "nga", "ra", "sa", "ke"],
    ),
    "polish": (
        [""],
        [
            "kow",
            "now",
            "wis",
            "wojc",
            "kam",
            "lew",
            "ziel",
            "szym",
            "woz",
            "dab",
            "koz",
            "jank",
            "maz",
            "kwiat",
            "krawc",
            "piotr",
            "grab",
            "pawl",
            "mich",
            "adam",
            "dud",
            "zaj",
            "wiecz",
        ],
        ["ski", "czyk", "ak", "ek", "owicz", "iak"],
    ),
    "romanian": (
        [""],
        [
            "pop",
            "radu",
            "stan",
            "stoic",
            "mat",
            "ciob",
            "rus",
            "ion",
            "munt",
            "laz",
            "flor",
            "din",
            "tud",
            "dobr",
            "barb",
            "nist",
            "georg",
            "vasil",
            "dumitr",
            "constant",
        ],
        ["escu", "eanu", "aru", "ache", "ea", "u"],
    ),
    "ukrainian": (
        [""],
        [
            "шевч",
            "ковал",
            "бондар",
            "ткач",
            "кравч",
            "олійн",
            "поліщ",
            "бойк",
            "мельн",
            "лис",
            "марч",
            "руд",
            "савч",
            "петр",
            "гонч",
            "кириленк",
        ],
        ["енко", "ук", "ишин", "ович", "ський"],
    ),
    "russian": (
        [""],
        [
            "иван",
            "смирн",
            "кузнец",
            "поп",
            "васил",
            "петр",
            "сокол",
            "михайл",
            "новик",
            "федор",
            "мороз",
            "волк",
            "лебед",
            "семен",
            "егор",
            "павл",
            "козл",
            "степан",
        ],
        ["ов", "ев", "ин", "ский"],
    ),
    "bulgarian": (
        [""],
        [
            "иван",
            "георги",
            "димитр",
            "петр",
            "никол",
            "христ",
            "стоян",
            "тодор",
            "или",
            "ангел",
            "атанас",
            "йордан",
            "кол",
            "цветк",
        ],
        ["ов", "ев", "ски"],
    ),
    "arabic": (
        ["el ", "al-", "ben ", "", ""],
        [
            "amr",
            "idriss",
            "hadd",
            "hass",
            "khatt",
            "masr",
            "ahm",
            "tah",
            "chaou",
            "zahr",
            "mans",
            "nass",
            "sal",
            "darw",
            "kass",
        ],
        ["ani", "i", "aoui", "ouni", "a", ""],
    ),
    "turkish": (
        [""],
        [
            "yıl",
            "kay",
            "dem",
            "şah",
            "çel",
            "yıld",
            "öz",
            "ayd",
            "ars",
            "doğ",
            "kıl",
            "asl",
            "çet",
            "kor",
            "tek",
            "akt",
        ],
        ["maz", "a", "ir", "in", "ik", "türk", "oğlu", "er", "kaya"],
    ),
    "greek": (
        [""],
        ["παπαδ", "καραγ", "οικον", "γεωργ", "νικολ", "αθαν"],
        ["όπουλος", "άκης", "ίου", "ίδης"],
    ),
    "asian": (
        [""],
        ["nguyen"] * 3 + ["tran", "le", "pham", "hoang", "phan", "vu", "dang", "bui"],
        [""],
    ),
}
SURNAME_SPREAD = {"asian": 1, "dutch": 20, "west_african": 15}

# (code, share, male, female, surnames, script)
ORIGINS: list[tuple[str, float, list[str], list[str], list[str], str]] = [
    ("dutch", 0.38, NL_MALE, NL_FEMALE, NL_SURNAMES, "latin"),
    ("west_african", 0.20, WA_MALE, WA_FEMALE, WA_SURNAMES, "latin"),
    ("east_african", 0.06, EA_MALE, EA_FEMALE, EA_SURNAMES, "latin"),
    ("polish", 0.06, PL_MALE, PL_FEMALE, PL_SURNAMES, "latin"),
    ("romanian", 0.06, RO_MALE, RO_FEMALE, RO_SURNAMES, "latin"),
    ("ukrainian", 0.04, UA_MALE, UA_FEMALE, UA_SURNAMES, "cyrillic"),
    ("russian", 0.02, RU_MALE, RU_FEMALE, RU_SURNAMES, "cyrillic"),
    ("bulgarian", 0.04, BG_MALE, BG_FEMALE, BG_SURNAMES, "cyrillic"),
    ("arabic", 0.06, AR_MALE, AR_FEMALE, AR_SURNAMES, "latin"),
    ("turkish", 0.03, TR_MALE, TR_FEMALE, TR_SURNAMES, "latin"),
    ("greek", 0.01, GR_MALE, GR_FEMALE, GR_SURNAMES, "greek"),
    ("asian", 0.04, AS_MALE, AS_FEMALE, AS_SURNAMES, "latin"),
]

# Transliteration schemes for Cyrillic (per organisation): English, German, French,
# Dutch, scientific.
_CYR_BASE = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "з": "z",
    "и": "i",
    "і": "i",
    "ї": "yi",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "ъ": "a",
    "ы": "y",
    "ь": "",
    "э": "e",
    "є": "ye",
}
CYR_SCHEMES: dict[str, dict[str, str]] = {
    "en": {
        "ж": "zh",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ю": "yu",
        "я": "ya",
        "й": "y",
        "ё": "yo",
    },
    "de": {
        "ж": "sch",
        "х": "ch",
        "ц": "z",
        "ч": "tsch",
        "ш": "sch",
        "щ": "schtsch",
        "ю": "ju",
        "я": "ja",
        "й": "j",
        "в": "w",
        "с": "ss",
        "е": "e",
        "ё": "jo",
    },
    "fr": {
        "ж": "j",
        "х": "kh",
        "ц": "ts",
        "ч": "tch",
        "ш": "ch",
        "щ": "chtch",
        "ю": "iou",
        "я": "ia",
        "й": "ï",
        "у": "ou",
        "ё": "io",
    },
    "nl": {
        "ж": "zj",
        "х": "ch",
        "ц": "ts",
        "ч": "tsj",
        "ш": "sj",
        "щ": "sjtsj",
        "ю": "joe",
        "я": "ja",
        "й": "j",
        "у": "oe",
        "ё": "jo",
    },
    "sci": {
        "ж": "ž",
        "х": "ch",
        "ц": "c",
        "ч": "č",
        "ш": "š",
        "щ": "šč",
        "ю": "ju",
        "я": "ja",
        "й": "j",
        "ё": "ë",
    },
}
GREEK_SCHEMES: dict[str, dict[str, str]] = {
    "elot": {
        "γιώργος": "georgios",
        "δημήτριος": "dimitrios",
        "κωνσταντίνος": "konstantinos",
        "ιωάννης": "ioannis",
        "νικόλαος": "nikolaos",
        "παναγιώτης": "panagiotis",
        "χρήστος": "christos",
        "μαρία": "maria",
        "ελένη": "eleni",
        "αικατερίνη": "aikaterini",
        "βασιλική": "vasiliki",
        "σοφία": "sofia",
        "αγγελική": "angeliki",
        "παπαδόπουλος": "papadopoulos",
        "παπαδάκης": "papadakis",
        "καραγιάννης": "karagiannis",
        "οικονόμου": "oikonomou",
        "γεωργίου": "georgiou",
        "νικολάου": "nikolaou",
    },
    "phon": {
        "γιώργος": "yiorgos",
        "δημήτριος": "dimitris",
        "κωνσταντίνος": "konstantinos",
        "ιωάννης": "yannis",
        "νικόλαος": "nikos",
        "παναγιώτης": "panayiotis",
        "χρήστος": "hristos",
        "μαρία": "maria",
        "ελένη": "eleni",
        "αικατερίνη": "ekaterini",
        "βασιλική": "vasiliki",
        "σοφία": "sophia",
        "αγγελική": "angeliki",
        "παπαδόπουλος": "papadopulos",
        "παπαδάκης": "papadakis",
        "καραγιάννης": "karayannis",
        "οικονόμου": "ikonomou",
        "γεωργίου": "georgiou",
        "νικολάου": "nikolaou",
    },
}

ARABIC_VARIANTS: dict[str, list[str]] = {
    "mohammed": ["mohamed", "muhammad", "mohammad", "mohamad", "muhammed"],
    "ahmed": ["ahmad", "achmed"],
    "mustafa": ["mustapha", "moustafa"],
    "youssef": ["yousef", "yusuf", "youssouf"],
    "hussein": ["hussain", "husein"],
    "hassan": ["hasan"],
    "omar": ["umar"],
    "abdullah": ["abdallah", "abdellah"],
    "khalid": ["khaled", "chalid"],
    "said": ["saeed", "saïd"],
    "karim": ["kareem"],
    "rachid": ["rashid", "rasheed"],
    "abdelkader": ["abdulkadir", "abdelkadir"],
    "abdelaziz": ["abdulaziz"],
    "ayoub": ["ayub"],
    "fatima": ["fatma", "fatimah"],
    "khadija": ["khadijah", "hadija"],
    "aisha": ["aicha", "ayesha"],
    "yasmin": ["yasmine", "jasmin"],
    "meryem": ["mariam", "maryam"],
    "houda": ["huda"],
    "noura": ["nora", "nura"],
    "el amrani": ["elamrani", "al amrani", "el-amrani"],
    "el idrissi": ["idrissi", "el-idrissi", "alidrissi"],
    "el haddad": ["haddad", "al-haddad"],
    "al-hassan": ["al hassan", "el hassan", "hassan"],
    "el khattabi": ["khattabi", "el-khattabi"],
    "benali": ["ben ali", "ben-ali"],
    "benjelloun": ["ben jelloun"],
    "al-masri": ["el masri", "masri"],
    "al-ahmad": ["al ahmad", "alahmad"],
    "darwish": ["darwich", "derwish"],
}


@dataclass
class Person:
    pid: int
    origin: str
    sex: str
    given: list[str]  # official given names, in order
    surname: str  # birth surname (origin script)
    dob: date
    married: str = ""  # spouse's surname (Dutch married women)
    call_name: str = ""  # roepnaam / nickname
    family: int = 0


@dataclass
class Org:
    name: str
    date_format: str
    cyr_scheme: str
    greek_scheme: str
    given_style: str  # "all", "first", "call", "initials"
    surname_style: str  # "particle_first", "particle_last", "upper"
    married_style: str  # "birth", "married", "double"
    diacritics: bool
    capture_weight: dict[str, float] = field(default_factory=dict)


def _zipf(n: int, s: float = 1.0) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** s
    return weights / weights.sum()


def _surname_pool(code: str, base: list[str]) -> list[str]:
    prefixes, roots, suffixes = SYNTH[code]
    pool = list(base)
    seen = set(pool)
    for root in roots:
        for suffix in suffixes:
            for prefix in prefixes[:3]:
                name = f"{prefix}{root}{suffix}"
                if name not in seen:
                    seen.add(name)
                    pool.append(name)
    return pool


def _weights(n: int, spread: int) -> np.ndarray:
    weights = 1.0 / (np.arange(n) + spread)
    return weights / weights.sum()


def make_population(n: int, rng: random.Random, nprng: np.random.Generator) -> list[Person]:
    pools = {code: _surname_pool(code, surnames) for code, _, _, _, surnames, _ in ORIGINS}
    shares = np.array([o[1] for o in ORIGINS])
    shares = shares / shares.sum()
    people: list[Person] = []
    pid = 0
    family = 0
    while len(people) < n:
        family += 1
        oi = int(nprng.choice(len(ORIGINS), p=shares))
        code, _, male, female, _surnames, _script = ORIGINS[oi]
        pool = pools[code]
        surname = pool[
            int(nprng.choice(len(pool), p=_weights(len(pool), SURNAME_SPREAD.get(code, 8))))
        ]
        siblings_names: set[str] = set()
        # family size: mostly 1 (we see victims, not households), sometimes siblings
        size = 1 if rng.random() < 0.85 else rng.choice([2, 2, 3])
        base_year = int(np.clip(nprng.normal(1995, 9), 1955, 2011))
        twins = size >= 2 and rng.random() < 0.15
        dob0 = date(base_year, 1, 1) + timedelta(days=rng.randrange(365))
        for member in range(size):
            if len(people) >= n:
                break
            sex = "f" if rng.random() < 0.55 else "m"
            names = female if sex == "f" else male
            weights = _weights(len(names), 5)
            count = 1
            if code == "dutch":
                count = rng.choice([1, 2, 2, 3])
            elif code in ("west_african", "romanian", "asian"):
                count = rng.choice([1, 1, 2])
            given: list[str] = []
            while len(given) < count:
                name = names[int(nprng.choice(len(names), p=weights))]
                if name not in given and not (not given and name in siblings_names):
                    given.append(name)
            siblings_names.add(given[0])
            if (twins and member == 1) or member == 0:
                dob = dob0
            else:
                dob = dob0 + timedelta(days=rng.randrange(400, 3000))
                if dob.year > 2011:
                    dob = dob0 - timedelta(days=rng.randrange(400, 3000))
            person = Person(pid, code, sex, given, surname, dob, family=family)
            if code == "dutch" and sex == "f" and dob.year < 1998 and rng.random() < 0.35:
                person.married = NL_SURNAMES[rng.randrange(len(NL_SURNAMES))]
            if given[0] in NL_NICK and rng.random() < 0.5:
                person.call_name = rng.choice(NL_NICK[given[0]])
            people.append(person)
            pid += 1
    return people


# -------------------------------------------------------------------- rendering


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    letters = "abcdefghijklmnopqrstuvwxyz"
    if kind < 0.3:
        return word[:i] + word[i + 1 :]
    if kind < 0.55:
        return word[:i] + rng.choice(letters) + word[i:]
    if kind < 0.8:
        return word[:i] + rng.choice(letters) + word[i + 1 :]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


_PHONETIC = [
    ("ph", "f"),
    ("y", "ij"),
    ("ie", "i"),
    ("c", "k"),
    ("ss", "s"),
    ("ou", "u"),
    ("oo", "o"),
    ("ei", "ij"),
    ("dt", "t"),
    ("th", "t"),
    ("sz", "s"),
    ("ck", "k"),
]


def _phonetic_variant(word: str, rng: random.Random) -> str:
    options = [(a, b) for a, b in _PHONETIC if a in word] + [
        (b, a) for a, b in _PHONETIC if b in word
    ]
    if not options:
        return _typo(word, rng)
    a, b = rng.choice(options)
    return word.replace(a, b, 1)


def _translit(word: str, script: str, org: Org, ukrainian: bool = False) -> str:
    if script == "cyrillic":
        table = {**_CYR_BASE, **CYR_SCHEMES[org.cyr_scheme]}
        if ukrainian and org.cyr_scheme in ("en", "de", "nl"):
            table["г"] = "h"  # Ukrainian г is h; Russian and Bulgarian г is g
        return "".join(table.get(ch, ch) for ch in word)
    if script == "greek":
        return GREEK_SCHEMES[org.greek_scheme].get(word, word)
    return word


def _strip_diacritics(word: str) -> str:
    table = {
        "ł": "l",
        "ı": "i",
        "ş": "s",
        "ș": "s",
        "ț": "t",
        "ğ": "g",
        "ö": "o",
        "ü": "u",
        "ç": "c",
        "ë": "e",
        "ï": "i",
        "ž": "z",
        "š": "s",
        "č": "c",
    }
    word = "".join(table.get(ch, ch) for ch in word)
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch)
    )


def _write_date(d: date | None, style: str, rng: random.Random) -> str:
    if d is None:
        return ""
    if style == "iso":
        return d.isoformat()
    if style == "dmy":
        return f"{d.day:02d}-{d.month:02d}-{d.year}"
    if style == "dmy_slash":
        return f"{d.day}/{d.month}/{d.year}"
    if style == "dmy_dot":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if style == "text":
        months = [
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ]
        return f"{d.day} {months[d.month - 1]} {d.year}"
    return d.strftime("%Y%m%d")


SWAP_SHARE = {"default": 0.01, "asian": 0.08, "east_african": 0.03, "west_african": 0.02}


def render(person: Person, org: Org, rng: random.Random) -> dict[str, str]:
    """One organisation's record of a person, with that organisation's style and errors."""
    _, _, _, _, _, script = next(o for o in ORIGINS if o[0] == person.origin)

    def spell(word: str) -> str:
        out = _translit(word, script, org, person.origin == "ukrainian")
        if person.origin == "polish" and org.diacritics:
            out = PL_DIACRITIC.get(out, out)
        if person.origin == "romanian" and org.diacritics:
            out = RO_DIACRITIC.get(out, out)
        if not org.diacritics:
            out = _strip_diacritics(out)
        if person.origin == "arabic" and word in ARABIC_VARIANTS and rng.random() < 0.4:
            out = rng.choice(ARABIC_VARIANTS[word])
        return out

    given = [spell(g) for g in person.given]
    style = org.given_style
    if style == "call" and person.call_name and rng.random() < 0.7:
        first = [person.call_name]
    elif style == "first":
        first = given[:1]
    elif style == "initials" and person.origin == "dutch" and rng.random() < 0.5:
        first = [g[0].upper() + "." for g in given]
    else:
        first = given
    if rng.random() < 0.06:
        k = rng.randrange(len(first))
        first[k] = _typo(first[k], rng) if rng.random() < 0.6 else _phonetic_variant(first[k], rng)
    first_text = " ".join(first)
    if len(first) > 1 and first[0].endswith(".") and rng.random() < 0.5:
        first_text = "".join(first)

    birth = spell(person.surname)
    surname = birth
    if person.married:
        married = person.married
        choice = (
            org.married_style if rng.random() < 0.7 else rng.choice(["birth", "married", "double"])
        )
        if choice == "married":
            surname = married
        elif choice == "double":
            surname = f"{married}-{birth}"
    if rng.random() < 0.06:
        surname = _typo(surname, rng) if rng.random() < 0.6 else _phonetic_variant(surname, rng)
    # particle placement
    particles = (
        "van der ",
        "van den ",
        "van de ",
        "van 't ",
        "in 't ",
        "ter ",
        "ten ",
        "op de ",
        "uit den ",
        "de ",
        "van ",
    )
    for p in particles:
        if surname.startswith(p):
            rest = surname[len(p) :]
            r = rng.random()
            if org.surname_style == "particle_last" and r < 0.8:
                surname = f"{rest}, {p.strip()}"
            elif r < 0.05:
                surname = p.replace(" ", "").replace("'", "") + rest  # glued
            elif r < 0.15:
                surname = p.strip().upper().replace("VAN DER", "v.d.") + " " + rest
            break
    if org.surname_style == "upper":
        surname = surname.upper()
    elif rng.random() < 0.5:
        surname = " ".join(w[:1].upper() + w[1:] for w in surname.split(" "))

    # first names and surname swapped (name order misread: more often for names whose
    # order differs between cultures); the surname then holds the first given name
    swap = SWAP_SHARE.get(person.origin, SWAP_SHARE["default"])
    if rng.random() < swap and not first[0].endswith("."):
        surname, first_text = first[0], surname
    # date of birth with errors
    dob: date | None = person.dob
    r = rng.random()
    text: str
    if r < 0.005:
        dob = None
        text = ""
    elif r < 0.010 and dob is not None:
        dob = dob.replace(year=dob.year + rng.choice([-1, 1]), day=min(dob.day, 28))
        text = _write_date(dob, org.date_format, rng)
    elif r < 0.040 and dob is not None and dob.day <= 12 and dob.day != dob.month:
        text = _write_date(date(dob.year, dob.day, dob.month), org.date_format, rng)
    elif r < 0.060 and dob is not None:
        text = (
            f"00-{dob.month:02d}-{dob.year}"
            if org.date_format != "iso"
            else f"{dob.year}-{dob.month:02d}"
        )
    elif r < 0.070 and dob is not None:
        day = min(28, max(1, dob.day + rng.choice([-1, 1, 10, -10])))
        text = _write_date(dob.replace(day=day), org.date_format, rng)
    else:
        text = _write_date(dob, org.date_format, rng)
    sex = {"m": rng.choice(["M", "man", "m"]), "f": rng.choice(["V", "vrouw", "F"])}[person.sex]
    if rng.random() < 0.2:
        sex = ""
    return {
        "first_names": first_text.title() if rng.random() < 0.7 else first_text.upper(),
        "surname": surname,
        "date_of_birth": text,
        "sex": sex,
    }


ORG_TEMPLATES = [
    Org("politie", "dmy", "nl", "elot", "all", "particle_first", "birth", True),
    Org("zorgcoordinatie", "iso", "en", "phon", "call", "particle_first", "married", True),
    Org("kmar", "iso", "sci", "elot", "all", "upper", "birth", False),
    Org("arbeidsinspectie", "dmy_slash", "de", "phon", "first", "particle_last", "double", False),
    Org("opvang", "text", "fr", "phon", "call", "particle_first", "married", True),
]


def observe(
    people: list[Person],
    sources: int,
    per_source: int,
    rng: random.Random,
    nprng: np.random.Generator,
) -> tuple[dict[str, list[dict[str, str]]], dict[tuple[str, str], int]]:
    """Each organisation records ``per_source`` people (heterogeneous capture)."""
    orgs = ORG_TEMPLATES[:sources]
    truth: dict[tuple[str, str], int] = {}
    lists: dict[str, list[dict[str, str]]] = {}
    n = len(people)
    # person-level propensity (some people are simply more visible) and per-org
    # preference by origin (KMar sees more migrants, etc.)
    propensity = nprng.lognormal(0.0, 0.6, n)
    origin_codes = [p.origin for p in people]
    for index, org in enumerate(orgs):
        bias = np.array([1.5 if (index == 2 and o != "dutch") else 1.0 for o in origin_codes])
        weights = propensity * bias
        keys = np.log(weights) - np.log(-np.log(nprng.random(n)))
        chosen = np.argpartition(-keys, per_source)[:per_source]
        rows: list[dict[str, str]] = []
        used: set[str] = set()
        for k in sorted(chosen.tolist()):
            person = people[k]
            record_id = _record_id(org.name, rng, used)
            row = render(person, org, rng)
            rows.append({"record_id": record_id, **row})
            truth[(org.name, record_id)] = person.pid
            if rng.random() < 0.004:  # a duplicate registration within the source
                dup_id = _record_id(org.name, rng, used)
                rows.append({"record_id": dup_id, **render(person, org, rng)})
                truth[(org.name, dup_id)] = person.pid
        rng.shuffle(rows)
        lists[org.name] = rows
    return lists, truth


def _record_id(prefix: str, rng: random.Random, used: set[str]) -> str:
    while True:
        value = f"{prefix[:3].upper()}{rng.randrange(10**9):09d}"
        if value not in used:
            used.add(value)
            return value


def write(
    out: Path,
    lists: dict[str, list[dict[str, str]]],
    truth: dict[tuple[str, str], int],
    people: list[Person],
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in lists.items():
        with (out / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(
                handle, fieldnames=["record_id", "first_names", "surname", "date_of_birth", "sex"]
            )
            writer.writeheader()
            writer.writerows(rows)
    origin = {p.pid: p.origin for p in people}
    with (out / "truth.csv").open("w", encoding="utf-8", newline="") as handle:
        writer2 = csv.writer(handle)
        writer2.writerow(["source", "record_id", "person", "origin"])
        for (source, record_id), pid in truth.items():
            writer2.writerow([source, record_id, pid, origin[pid]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--sources", type=int, default=4)
    parser.add_argument("--per-source", type=int, default=0, help="default: 40%% of people")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    nprng = np.random.default_rng(args.seed)
    people = make_population(args.people, rng, nprng)
    per_source = args.per_source or math.floor(0.4 * args.people)
    lists, truth = observe(people, args.sources, per_source, rng, nprng)
    write(args.out, lists, truth, people)
    print(f"{len(people)} people, {sum(len(v) for v in lists.values())} records -> {args.out}")


if __name__ == "__main__":
    main()

"""Synthetic advertisement corpus with planted networks and ground truth.

Deterministic for a given seed. A share of the ads belongs to planted *networks*:
each network has its own template (sentences with slots for name, age, city, phone
and price), a few names and one to four phones that rotate, optional phone
obfuscation, small edits between copies, and a route over Dutch municipalities
(city hopping). The other ads are *independent workers* composed from a large bank of
fragments, each with an own phone and city: the negatives. Network ads carry
``network_id``; independents do not. All names, numbers and texts are invented.

``hard=True`` adds the cases that break a naive clusterer (the defaults stay as they
were, so earlier figures can be reproduced):

* numbers outside the numbering plan (Dutch ``06-0...``/``06-7...``) for 40% of the
  networks and 5% of the independents, written in the same six styles (plain,
  spaced, in Dutch or English words, mixed, letter-for-digit, stars);
* rotating phones: 30% of the networks use a new number in every ad (only their text
  links them), the others rotate one to three numbers;
* template families: half of the networks copy the phrase-pool sentences and their
  order from an earlier network of the same language and add only their own two tag
  lines, names, prices, route and numbers;
* copies with reordered middle sentences and light free-text edits (a word dropped
  or changed);
* independents that take half of their sentences from the networks' phrase pools.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bovenwater.adscan.municipalities import load_municipalities

BIG_CITIES = (
    "Amsterdam", "Rotterdam", "'s-Gravenhage", "Utrecht", "Eindhoven", "Groningen",
    "Tilburg", "Almere", "Breda", "Nijmegen", "Arnhem", "Haarlem", "Enschede",
    "Apeldoorn", "Zwolle", "Maastricht", "Leiden", "Amersfoort", "Zaanstad", "Den Helder",
)  # fmt: skip
DISPLAY = {"'s-Gravenhage": "Den Haag", "'s-Hertogenbosch": "Den Bosch"}

NAMES = (
    "Anna", "Lisa", "Eva", "Sara", "Mia", "Emma", "Julia", "Sophie", "Nina", "Lara", "Vera",
    "Iris", "Fleur", "Noa", "Luna", "Zoe", "Roos", "Maria", "Elena", "Irina", "Natasha",
    "Olga", "Katya", "Daria", "Alina", "Bianca", "Andreea", "Ioana", "Camila", "Valentina",
    "Isabella", "Gabriela", "Lina", "Mila", "Yara", "Nadia", "Kim", "Lotte", "Sanne",
    "Femke", "Jasmijn", "Esmee", "Milou", "Chantal", "Denise", "Monique", "Tamara", "Bo",
)  # fmt: skip

# Independent workers: fragments per section (Dutch, English). Chosen independently.
IND_NL: dict[str, tuple[str, ...]] = {
    "greet": ("Hoi!", "Hallo heren,", "Welkom op mijn pagina.", "Hey jij daar!", "Goedendag,",
              "Fijn dat je kijkt.", "Hoi lieve mannen,", "Hallo allemaal,", "Dag heren,",
              "Hee schat,", "Welkom!", "Goeienavond,"),
    "intro": ("Ik ben {name}, {age} jaar en woon in {city}.", "Mijn naam is {name}, ik ben {age}.",
              "{name} hier, een spontane vrouw uit {city}.", "Ik heet {name} en ontvang in {city}.",
              "Ik ben {name} ({age}), zelfstandig en discreet.", "Ervaren dame {name} uit de regio {city}.",
              "Ik ben {name}, een rijpe vrouw met ervaring.", "Zelfstandige {name} ({age}) in {city}."),
    "desc": ("Ik hou van een goed gesprek en een glas wijn.", "Slank, donkerblond en altijd verzorgd.",
             "Rondingen op de juiste plekken.", "Ik neem graag de tijd voor je.",
             "Rustige sfeer, schone kamer, eigen douche.", "Een warme persoonlijkheid met humor.",
             "Sportief figuur en zachte huid.", "Discretie staat bij mij voorop.",
             "Ik werk zelfstandig en in mijn eigen tempo.", "Gezellig, ontspannen en zonder haast.",
             "Natuurlijk mooi, geen haast, geen stress.", "Ik ben een echte genieter."),
    "service": ("Massage en knuffelen zijn mijn favoriet.", "Alles veilig en met respect.",
                "Safe sex is voor mij vanzelfsprekend.", "Ook voor een etentje ben je welkom.",
                "Erotische massage met een happy end.", "Ik ontvang je in een luxe appartement.",
                "Escort naar hotel is mogelijk.", "Stel gerust je vragen vooraf.",
                "Duidelijke afspraken, dan is het fijn.", "Rollenspel in overleg."),
    "hours": ("Bereikbaar van {open} tot {close}.", "Maandag t/m vrijdag van {open} tot {close}.",
              "Alleen op afspraak, liefst een dag vooraf.", "Weekenden vrij, doordeweeks beschikbaar.",
              "Avonden en weekenden op afspraak.", "Bel tussen {open} en {close}."),
    "price": ("Half uur {half} euro, uur {hour} euro.", "€{hour} per uur.", "Tarief: {hour} euro per uur.",
              "{hour} euro voor een uur, escort in overleg.", "Prijzen: 30 min €{half}, 1 uur €{hour}."),
    "contact": ("Bel of app {phone}.", "Sms of bel: {phone}", "Contact: {phone}", "Bereikbaar op {phone}.",
                "App mij even op {phone}.", "Tel. {phone}"),
    "close": ("Tot snel!", "Groetjes,", "Liefs,", "Kus!", "Ik zie je graag.", "Tot ziens.", ""),
}  # fmt: skip
IND_EN: dict[str, tuple[str, ...]] = {
    "greet": ("Hi gentlemen,", "Hello there!", "Welcome to my page.", "Hey you!", "Good evening,",
              "Thanks for stopping by.", "Hi guys,", "Hello everyone,", "Dear gentlemen,", "Hey love,"),
    "intro": ("I am {name}, {age} years old, living in {city}.", "My name is {name}, I am {age}.",
              "{name} here, a spontaneous lady from {city}.", "I'm {name} and I receive in {city}.",
              "I'm {name} ({age}), independent and discreet.", "Experienced lady {name} from {city} area.",
              "Independent {name} ({age}) based in {city}."),
    "desc": ("I love a good conversation and a glass of wine.", "Slim, brunette and always well groomed.",
             "Curves in all the right places.", "I like to take my time with you.",
             "Calm atmosphere, clean room, private shower.", "Warm personality with a sense of humour.",
             "Athletic body and soft skin.", "Discretion is my priority.",
             "I work independently at my own pace.", "Relaxed, friendly and never rushed.",
             "Natural beauty, no rush, no stress."),
    "service": ("Massage and cuddles are my favourite.", "Everything safe and respectful.",
                "Safe sex only, always.", "Dinner dates are welcome too.",
                "Erotic massage with a happy ending.", "I receive you in a luxury apartment.",
                "Outcall to your hotel is possible.", "Feel free to ask questions first.",
                "Clear agreements make it nice."),
    "hours": ("Available from {open} to {close}.", "Monday to Friday {open} till {close}.",
              "By appointment only, preferably a day ahead.", "Weekdays only, weekends off.",
              "Evenings and weekends by appointment."),
    "price": ("Half hour {half} euro, hour {hour} euro.", "€{hour} per hour.", "Rate: {hour} euro per hour.",
              "{hour} euro for one hour, outcall on request.", "Rates: 30 min €{half}, 1 hour €{hour}."),
    "contact": ("Call or text {phone}.", "Text or call: {phone}", "Contact: {phone}", "Reach me at {phone}.",
                "WhatsApp me on {phone}.", "Tel. {phone}"),
    "close": ("See you soon!", "Kisses,", "Love,", "xx", "Hope to meet you.", ""),
}  # fmt: skip
IND_TITLES_NL = ("Zelfstandige dame in {city}", "{name} ontvangt", "Ontspanning in {city}",
                 "Discreet en lief", "Nieuw op deze site: {name}", "Verwennerij door {name}")  # fmt: skip
IND_TITLES_EN = ("Independent lady in {city}", "{name} receives", "Relaxation in {city}",
                 "Discreet and sweet", "New on this site: {name}", "Pampering by {name}")  # fmt: skip
# Occasional cues among independents (negatives are not cue-free in reality).
IND_CUES_NL = (
    "Nieuw in de stad!",
    "Alleen deze week.",
    "Alleen ontvangst.",
    "Ik spreek Engels en Duits.",
)
IND_CUES_EN = ("New in town!", "This week only.", "Incall only.", "I speak English and German.")

# Network templates: sentences with cues, per section (Dutch, English).
NET_NL: dict[str, tuple[str, ...]] = {
    "intro": ("Nieuw meisje {name}, net {age} jaar, nu in {city}!", "Jonge {name} ({age}) is er weer, in {city}.",
              "Zij is {name}, {age} jaar, heel jong en lief, nu {city}.", "Onze nieuwe meiden in {city}: vandaag {name}, {age} jaar.",
              "Nieuwe dame {name}, {age}, uit Roemenie, deze week in {city}.", "Studentje {name}, {age} jaar, bezoekt {city}."),
    "body": ("Zij biedt alles, geen taboes.", "Alles mag, ook zonder condoom.", "In voor alle vormen, heel ondeugend.",
             "Zij is lief en doet alles wat jij wil.", "Onervaren maar leergierig, alles kan.", "Heet Oost-Europees meisje, geen grenzen."),
    "extra": ("Spreekt geen Nederlands, weinig Engels.", "Alleen ontvangst, geen escort.", "Roemeense schoonheid, alleen Roemeens.",
              "Alleen prive ontvangst in appartement.", "Bulgaarse dame, beetje Engels.", "Hongaarse meiden, kom snel."),
    "hours": ("24/7 beschikbaar, dag en nacht.", "Dag en nacht bereikbaar.", "Altijd beschikbaar, ook s nachts.",
              "24 uur per dag open.", "Non stop open voor jou."),
    "price": ("Half uur {half} euro, uur {hour} euro.", "Maar {hour} euro per uur!", "Actie: uur {hour} euro.",
              "Goedkoop: {hour} euro per uur."),
    "contact": ("Bel {phone}", "Bel haar op {phone}", "Info en boeken: {phone}", "App {phone}, alleen via telegram"),
    "emoji": ("🌹🌹", "🍒", "🍭🧸", "🆕🔥", "💋", ""),
}  # fmt: skip
NET_EN: dict[str, tuple[str, ...]] = {
    "intro": ("New girl {name}, just {age}, now in {city}!", "Young {name} ({age}) is back in {city}.",
              "She is {name}, {age} years, very young and sweet, now {city}.", "Our new girls in {city}: today {name}, {age} years.",
              "New lady {name}, {age}, from Romania, this week in {city}.", "Schoolgirl style {name}, {age}, visiting {city}."),
    "body": ("She offers everything, no taboos.", "Everything allowed, no condom.", "All services, very naughty.",
             "She is sweet and does anything you want.", "Inexperienced but eager, anything goes.", "Hot Eastern European girl, no limits."),
    "extra": ("No English, only Russian.", "Incall only, no outcall.", "Romanian beauty, only Romanian.",
              "Only incall in private apartment.", "Bulgarian lady, little English.", "Hungarian girls, come quick."),
    "hours": ("24/7 available, day and night.", "Available day and night.", "Always available, all night.",
              "Open 24 hours.", "Non stop open for you."),
    "price": ("Half hour {half} euro, hour {hour} euro.", "Only {hour} euro per hour!", "Promo: hour {hour} euro.",
              "Cheap: {hour} euro per hour."),
    "contact": ("Call {phone}", "Call her at {phone}", "Info and booking: {phone}", "Text {phone}, telegram only"),
    "emoji": ("🌹🌹", "🍒", "🍭🧸", "🆕🔥", "💋", ""),
}  # fmt: skip
NET_TITLES_NL = (
    "Nieuw in {city}: {name}",
    "Jonge meiden {city}",
    "{name} nu in {city}",
    "Nieuwe dames in {city}",
)
NET_TITLES_EN = (
    "New in {city}: {name}",
    "Young girls {city}",
    "{name} now in {city}",
    "New ladies in {city}",
)
# Words for a network's own tag line, so that two networks' templates differ.
TAG_WORDS = (
    "zon", "zee", "maan", "ster", "roos", "parel", "diamant", "vlinder", "kers", "honing",
    "fluweel", "zijde", "satijn", "goud", "zilver", "robijn", "smaragd", "tulp", "lelie",
    "orchidee", "paradijs", "droom", "wolk", "golf", "storm", "vuur", "ijs", "sneeuw",
    "regen", "bloesem", "kaneel", "vanille", "aardbei", "perzik", "mango", "kokos", "citroen",
    "lavendel", "jasmijn", "amber", "saffier", "opaal", "topaas", "koraal", "ivoor", "ebben",
)  # fmt: skip

PERSONAL_WORDS = (
    "muziek", "boeken", "reizen", "koken", "dansen", "yoga", "wandelen", "strand", "film",
    "theater", "kunst", "tuin", "katten", "honden", "paarden", "fietsen", "zwemmen", "wijn",
    "koffie", "thee", "chocolade", "jazz", "salsa", "tango", "pasta", "sushi", "bergen",
    "bossen", "zomer", "winter", "lente", "herfst", "zee", "meer", "rivier", "fotografie",
    "schilderen", "tekenen", "lezen", "schrijven", "gitaar", "piano", "zingen", "lachen",
    "music", "books", "travel", "cooking", "dancing", "hiking", "beach", "movies", "art",
    "garden", "cats", "dogs", "horses", "cycling", "swimming", "coffee", "tea", "poetry",
)  # fmt: skip
NL_WORDS = ("nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen")
EN_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
FOREIGN_PREFIXES = ("+40 72", "+40 74", "+48 51", "+48 60", "+359 88", "+36 30", "+420 60")


@dataclass(slots=True)
class _Network:
    id: str
    family: int
    lang: str
    sentences: list[str]
    title: str
    names: list[str]
    phones: list[str]
    obfuscation: str
    route: list[str]
    price: int
    start: datetime
    size: int
    tags: list[str] = field(default_factory=list)
    burner: bool = False  # a new phone number in every ad
    undialable: bool = False


def _weighted_cities(rng: random.Random) -> list[str]:
    names = [m.name for m in load_municipalities()]
    return names + [c for c in BIG_CITIES for _ in range(12)]


def _display_city(name: str) -> str:
    if name in DISPLAY:
        return DISPLAY[name]
    return name.split(" (")[0].split(",")[0]


def _phone(
    rng: random.Random,
    foreign_share: float = 0.0,
    used: set[str] | None = None,
    undialable: bool = False,
) -> str:
    """A random mobile number; with ``used``, one not drawn before in this corpus.

    Without the check a million ads draw thousands of accidental duplicates, which
    would link unrelated ads through a "shared" phone that no one shares.
    """
    while True:
        if rng.random() < foreign_share:
            prefix = rng.choice(FOREIGN_PREFIXES)
            digits = "".join(str(rng.randint(0, 9)) for _ in range(7))
            number = f"{prefix}{digits[0]} {digits[1:4]} {digits[4:]}"
        elif undialable:  # 06-0... and 06-7...: not assigned in the Dutch numbering plan
            number = "06" + rng.choice("07") + "".join(str(rng.randint(0, 9)) for _ in range(7))
        else:
            number = (
                "06" + str(rng.randint(1, 5)) + "".join(str(rng.randint(0, 9)) for _ in range(7))
            )
        if used is None or number not in used:
            if used is not None:
                used.add(number)
            return number


def format_phone(number: str, style: str, rng: random.Random) -> str:
    """Write a number in a display or obfuscation style."""
    if number.startswith("+"):
        return number if style == "plain" else number.replace(" ", " - ")
    d = number
    if style == "plain":
        return rng.choice((f"{d[:2]}-{d[2:]}", f"{d[:2]} {d[2:4]} {d[4:6]} {d[6:8]} {d[8:]}", d,
                           f"+31 6 {d[2:6]} {d[6:]}"))  # fmt: skip
    if style == "spaced":
        return " ".join(d)
    if style == "words_nl":
        return " ".join(NL_WORDS[int(c)] for c in d)
    if style == "words_en":
        return " ".join(EN_WORDS[int(c)] for c in d)
    if style == "mixed":
        parts = [EN_WORDS[int(c)] if k in (3, 7) else c for k, c in enumerate(d)]
        return (
            f"{''.join(parts[:2])}-{''.join(parts[2:5])} {''.join(parts[5:7])} {''.join(parts[7:])}"
        )
    if style == "letters":
        return (
            d.replace("0", "O").replace("1", "l")[:2]
            + "."
            + ".".join(d[i : i + 2] for i in range(2, 10, 2))
        )
    if style == "stars":
        return "*".join(d[i : i + 2] for i in range(0, 10, 2))
    return d


OBFUSCATIONS = ("plain", "plain", "spaced", "words_nl", "words_en", "mixed", "letters", "stars")
HARD_STYLES = ("plain", "spaced", "words", "mixed", "letters", "stars")  # six writing styles


def _make_network(
    rng: random.Random,
    index: int,
    size: int,
    cities: list[str],
    start: datetime,
    used: set[str] | None = None,
    hard: bool = False,
    families: list[_Network] | None = None,
) -> _Network:
    lang = "nl" if rng.random() < 0.55 else "en"
    bank = NET_NL if lang == "nl" else NET_EN
    relatives = [f for f in families or [] if f.lang == lang]
    parent = rng.choice(relatives) if hard and relatives and rng.random() < 0.5 else None
    title: str | None = None
    if parent is not None:  # a template family: the parent's sentences, in its order
        sentences = [x for x in parent.sentences if x not in parent.tags]
        family = parent.family
        title = parent.title
    else:
        sentences = [
            rng.choice(bank[section])
            for section in ("intro", "body", "extra", "hours", "price", "contact")
        ]
        if rng.random() < 0.5:
            sentences.insert(rng.randint(1, 4), rng.choice(bank["extra"]))
        family = index
    tags: list[str] = []
    for _ in range(2):  # the network's own tag lines: two networks' texts differ
        tag = " ".join(rng.sample(TAG_WORDS, 5)).capitalize() + "."
        tags.append(tag)
        sentences.insert(rng.randint(1, len(sentences) - 1), tag)
    if parent is None:
        emoji = rng.choice(bank["emoji"])
        if emoji:
            sentences.append(emoji)
    n_names = rng.choice((1, 2, 2, 3, 4, 5))
    n_phones = rng.choice((1, 2, 3)) if hard else rng.choice((1, 1, 2, 2, 3, 4))
    undialable = hard and rng.random() < 0.4
    hops = max(1, min(size // 2, rng.randint(2, 6)))
    route = [rng.choice(cities) for _ in range(hops)]
    if title is None:
        title = rng.choice(NET_TITLES_NL if lang == "nl" else NET_TITLES_EN)
    return _Network(
        id=f"gt-{index:05d}",
        family=family,
        lang=lang,
        sentences=sentences,
        title=title,
        names=rng.sample(NAMES, n_names),
        phones=[_phone(rng, 0.0 if undialable else 0.3, used, undialable) for _ in range(n_phones)],
        obfuscation=rng.choice(HARD_STYLES if hard else OBFUSCATIONS),
        route=route,
        price=rng.choice((50, 60, 70, 80, 90)),
        start=start,
        size=size,
        tags=tags,
        burner=hard and rng.random() < 0.3,
        undialable=undialable,
    )


def _hard_style(style: str, lang: str) -> str:
    if style == "words":
        return "words_nl" if lang == "nl" else "words_en"
    return style


def _edit(rng: random.Random, sentence: str) -> str:
    """A light free-text edit: one word dropped or doubled (slots are kept)."""
    words = sentence.split(" ")
    plain = [i for i, w in enumerate(words) if "{" not in w]
    if len(plain) < 3:
        return sentence
    i = rng.choice(plain)
    if rng.random() < 0.5:
        del words[i]
    else:
        words.insert(i, words[i])
    return " ".join(words)


def _fill(template: str, values: dict[str, str]) -> str:
    return template.format(**values)


def _network_ad(
    rng: random.Random,
    net: _Network,
    k: int,
    used: set[str] | None = None,
    hard: bool = False,
) -> tuple[str, str, str, str]:
    city = net.route[min(len(net.route) - 1, k * len(net.route) // net.size)]
    if net.burner:
        phone = _phone(rng, 0.0, used, net.undialable)
    else:
        phone = net.phones[k % len(net.phones)] if rng.random() < 0.8 else rng.choice(net.phones)
    style = _hard_style(net.obfuscation, net.lang) if hard else net.obfuscation
    values = {
        "name": rng.choice(net.names),
        "age": str(rng.randint(18, 23)),
        "city": _display_city(city),
        "phone": format_phone(phone, style, rng),
        "hour": str(net.price + rng.choice((0, 0, 10))),
        "half": str(net.price // 2 + 10),
    }
    sentences = list(net.sentences)
    if rng.random() < 0.25 and len(sentences) > 5:  # small edits between copies
        del sentences[rng.randint(1, len(sentences) - 3)]
    if rng.random() < (0.35 if hard else 0.2):  # reordered middle sentences
        i = rng.randint(1, len(sentences) - 2)
        sentences[i], sentences[i + 1] = sentences[i + 1], sentences[i]
    if hard and rng.random() < 0.3:
        i = rng.randrange(len(sentences))
        sentences[i] = _edit(rng, sentences[i])
    body = " ".join(_fill(s, values) for s in sentences)
    title = _fill(net.title, values)
    posted = net.start + timedelta(hours=k * rng.uniform(6, 40))
    return title, body, city, posted.isoformat(timespec="minutes")


def _independent_ad(
    rng: random.Random,
    cities: list[str],
    start: datetime,
    used: set[str] | None = None,
    hard: bool = False,
) -> tuple[str, str, str, str]:
    lang = "nl" if rng.random() < 0.55 else "en"
    bank = IND_NL if lang == "nl" else IND_EN
    pools = NET_NL if lang == "nl" else NET_EN
    city = rng.choice(cities)
    hour = rng.choice((120, 130, 140, 150, 160, 170, 180, 200, 220, 250))
    opening = rng.choice(("10:00", "11:00", "12:00", "13:00", "14:00"))
    values = {
        "name": rng.choice(NAMES),
        "age": str(rng.randint(21, 49)),
        "city": _display_city(city),
        "phone": format_phone(
            _phone(rng, 0.05, used, hard and rng.random() < 0.05),
            rng.choice(HARD_STYLES[:2]) if hard else "plain",
            rng,
        ),
        "hour": str(hour),
        "half": str(hour // 2 + 20),
        "open": opening,
        "close": rng.choice(("20:00", "22:00", "23:00", "00:00")),
    }
    sections = ["greet", "intro", "desc", "desc", "service", "hours", "price", "contact", "close"]
    parts: list[str] = []
    for section in sections:
        if section in ("greet", "hours", "price", "close", "service") and rng.random() < 0.3:
            continue
        choice = rng.choice(bank[section])
        if hard and section in pools and rng.random() < 0.5:  # the networks' phrases
            choice = rng.choice(pools[section])
        if choice and choice not in parts:
            parts.append(choice)
    # a personal line: real independent ads differ more than a fragment bank can
    personal = " ".join(rng.sample(PERSONAL_WORDS, 6))
    parts.insert(rng.randint(1, len(parts)), personal.capitalize() + ".")
    if rng.random() < 0.1:
        cues = IND_CUES_NL if lang == "nl" else IND_CUES_EN
        parts.insert(rng.randint(1, len(parts)), rng.choice(cues))
    body = " ".join(_fill(p, values) for p in parts)
    title = _fill(rng.choice(IND_TITLES_NL if lang == "nl" else IND_TITLES_EN), values)
    posted = start + timedelta(hours=rng.uniform(0, 24 * 90))
    return title, body, city, posted.isoformat(timespec="minutes")


def generate(
    n: int, seed: int = 0, network_share: float = 0.35, hard: bool = False
) -> Iterator[dict[str, Any]]:
    """Yield ``n`` ads (dicts) in a shuffled order; network ads carry ``network_id``.

    ``hard``: add the hard cases of the module docstring.
    """
    rng = random.Random(seed)
    cities = _weighted_cities(rng)
    start = datetime(2025, 1, 1, 9, 0)  # noqa: DTZ001 - ads carry local wall-clock times, no zone
    target = int(n * network_share)
    plan: list[tuple[int, int]] = []  # (network index or -1, copy number)
    networks: list[_Network] = []
    used: set[str] = set()  # phone numbers drawn so far: no accidental sharing
    planted = 0
    while planted < target:
        size = min(target - planted, max(2, min(80, int(rng.paretovariate(1.2) * 3))))
        if size < 2:
            break
        net = _make_network(
            rng,
            len(networks) + 1,
            size,
            cities,
            start + timedelta(days=rng.uniform(0, 80)),
            used,
            hard,
            networks[-200:],
        )
        networks.append(net)
        plan.extend((len(networks) - 1, k) for k in range(size))
        planted += size
    plan.extend((-1, 0) for _ in range(n - len(plan)))
    rng.shuffle(plan)
    width = max(6, len(str(n)))
    for number, (net_index, k) in enumerate(plan, start=1):
        if net_index >= 0:
            net = networks[net_index]
            title, body, city, posted = _network_ad(rng, net, k, used, hard)
        else:
            title, body, city, posted = _independent_ad(rng, cities, start, used, hard)
        ad_id = f"ad-{number:0{width}d}"
        record: dict[str, Any] = {
            "id": ad_id,
            "title": title,
            "body": body,
            "city": _display_city(city),
            "posted_at": posted,
            "url": f"https://ads.example.test/{ad_id}",
        }
        if net_index >= 0:
            record["network_id"] = networks[net_index].id
            if hard:
                record["family_id"] = f"fam-{networks[net_index].family:05d}"
        yield record

"""Versioned, explainable indicator rule set for online advertisements.

Every rule has a code, a Dutch and an English label, a weight and an evidence note (in
English and in Dutch) that says where the cue comes from and how strong it is. Phrase
rules match token sequences of the leetspeak-folded text (Dutch and English phrases); derived rules use
extracted facts (stated age, obscured contact details, hourly price against the
regional median). The risk score is a noisy-OR of the weights of the rules that
fired: ``1 - prod(1 - w)``. Weights are expert-set starting values, not learned; an
analyst always sees which rules fired and where in the text.

Sources (see the project's domain notes, section 3): Dutch police (Oost-Nederland)
pre-select ads on crude language, extreme acts, conspicuous availability, Eastern-
European origin and low age; police 2023 name "in for all forms of sex", no condom and
availability at any hour; Oost-Brabant 24/7 availability; WATCH NL uses a stated age
of 18/19.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bovenwater.adscan.extract import Extraction
from bovenwater.adscan.tokens import positions, split_tokens, token_info

RULESET_VERSION = "2025.1"


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    label_nl: str
    label_en: str
    weight: float
    evidence: str  # English
    phrases_nl: tuple[str, ...] = ()
    phrases_en: tuple[str, ...] = ()
    negatable: bool = True
    evidence_nl: str = ""  # the same note in Dutch


RULES: tuple[Rule, ...] = (
    Rule(
        "YOUTH",
        "Jeugdige taal",
        "Youth language",
        0.25,
        "Low age is a published police selection cue (Oost-Nederland); words that stress "
        "youth or newness ('jong', 'net 18', 'schoolgirl') point to possibly minor victims.",
        (
            "jong",
            "jonge",
            "jong meisje",
            "tiener",
            "tienermeisje",
            "net 18",
            "pas 18",
            "schoolmeisje",
            "studentje",
            "klein meisje",
            "meisje van 18",
            "babyface",
            "onervaren",
            "maagd",
            "nieuw meisje",
        ),
        (
            "young",
            "very young",
            "teen",
            "teenage",
            "barely legal",
            "just 18",
            "fresh",
            "schoolgirl",
            "little girl",
            "babyface",
            "inexperienced",
            "virgin",
            "new girl",
        ),
        evidence_nl=(
            "Een lage leeftijd is een gepubliceerd selectiecriterium van de politie "
            "(Oost-Nederland); woorden die jeugd of nieuwheid benadrukken ('jong', 'net 18', "
            "'schoolmeisje') wijzen op mogelijk minderjarige slachtoffers."
        ),
    ),
    Rule(
        "AGE_LOW",
        "Opgegeven leeftijd 18 of 19",
        "Stated age 18 or 19",
        0.25,
        "WATCH NL uses a stated age of 18/19 (with photo analysis) to find possible minors. "
        "Derived from the extracted age.",
        evidence_nl=(
            "WATCH NL gebruikt een opgegeven leeftijd van 18 of 19 (met beeldanalyse) om "
            "mogelijke minderjarigen te vinden. Afgeleid van de gevonden leeftijd."
        ),
    ),
    Rule(
        "AGE_MINOR",
        "Opgegeven leeftijd onder 18",
        "Stated age under 18",
        0.9,
        "A stated age under 18 in a sex advertisement is a direct sign of a minor.",
        evidence_nl=(
            "Een opgegeven leeftijd onder 18 in een seksadvertentie is een direct signaal van"
            " een minderjarige."
        ),
    ),
    Rule(
        "THIRD_PERSON",
        "Derde persoon of meervoud",
        "Third-person or plural voice",
        0.3,
        "Ads written about the worker ('zij is', 'our girls') suggest a third party "
        "places the ad; a common trafficking-ad indicator in the literature.",
        (
            "zij is",
            "ze is",
            "haar naam",
            "zij heet",
            "ze heet",
            "onze meiden",
            "onze meisjes",
            "onze dames",
            "nieuwe meiden",
            "nieuwe meisjes",
            "meerdere meiden",
            "meerdere dames",
            "wij hebben",
            "we hebben",
            "zij biedt",
            "ze biedt",
            "bel haar",
            "boek haar",
        ),
        (
            "she is",
            "her name",
            "our girls",
            "our ladies",
            "new girls",
            "many girls",
            "several girls",
            "we have",
            "she offers",
            "call her",
            "book her",
            "she will",
        ),
        evidence_nl=(
            "Advertenties die over de sekswerker gaan ('zij is', 'onze meiden') wijzen erop "
            "dat een derde de advertentie plaatst; een bekende indicator in de literatuur "
            "over mensenhandeladvertenties."
        ),
    ),
    Rule(
        "AVAILABILITY_24_7",
        "Opvallende beschikbaarheid (24/7)",
        "Conspicuous availability (24/7)",
        0.2,
        "Police Oost-Brabant and the 2023 police campaign name availability at any hour; "
        "independent workers usually state working hours.",
        (
            "24 7",
            "24 uur",
            "dag en nacht",
            "altijd beschikbaar",
            "altijd bereikbaar",
            "7 dagen per week",
            "non stop",
            "nonstop",
            "hele dag en nacht",
            "ook s nachts",
        ),
        (
            "24 7",
            "24h",
            "24 hours",
            "day and night",
            "always available",
            "any time",
            "anytime",
            "7 days a week",
            "non stop",
            "nonstop",
            "all night",
        ),
        evidence_nl=(
            "Politie Oost-Brabant en de politiecampagne van 2023 noemen beschikbaarheid op "
            "elk uur; zelfstandige sekswerkers noemen meestal werktijden."
        ),
    ),
    Rule(
        "UNPROTECTED_ALL",
        "Onbeschermd of 'alles' aangeboden",
        "Unprotected or 'all' services",
        0.3,
        "Police 2023: 'in voor alle vormen van seks' and no condom; Oost-Nederland: "
        "extreme acts. Workers in control of their work rarely offer everything.",
        (
            "zonder condoom",
            "geen condoom",
            "onbeschermd",
            "alles mag",
            "alles kan",
            "in voor alles",
            "alle vormen",
            "geen taboes",
            "geen grenzen",
            "alles is mogelijk",
            "bareback",
            "naturel",
        ),
        (
            "without condom",
            "no condom",
            "unprotected",
            "bareback",
            "everything allowed",
            "all services",
            "anything goes",
            "no limits",
            "no taboos",
            "everything is possible",
            "all included",
        ),
        evidence_nl=(
            "Politie 2023: 'in voor alle vormen van seks' en zonder condoom; Oost-Nederland: "
            "extreme handelingen. Wie zelf over het werk beslist, biedt zelden alles aan."
        ),
    ),
    Rule(
        "NATIONALITY",
        "Nationaliteit of afkomst genoemd",
        "Nationality or ethnicity advertised",
        0.1,
        "Oost-Nederland selects on Eastern-European origin. Weak on its own and a risk of "
        "ethnic profiling: low weight, never decisive.",
        (
            "roemeense",
            "bulgaarse",
            "hongaarse",
            "poolse",
            "oekraiense",
            "russische",
            "oost europese",
            "moldavische",
            "thaise",
            "aziatische",
            "chinese",
            "vietnamese",
            "nigeriaanse",
            "afrikaanse",
            "braziliaanse",
            "latina",
            "exotische",
            "albanese",
        ),
        (
            "romanian",
            "bulgarian",
            "hungarian",
            "polish",
            "ukrainian",
            "russian",
            "eastern european",
            "moldovan",
            "thai",
            "asian",
            "chinese",
            "vietnamese",
            "nigerian",
            "african",
            "brazilian",
            "latina",
            "exotic",
            "albanian",
        ),
        negatable=False,
        evidence_nl=(
            "Oost-Nederland selecteert op Oost-Europese afkomst. Zwak op zichzelf en een "
            "risico op etnisch profileren: laag gewicht, nooit doorslaggevend."
        ),
    ),
    Rule(
        "INCALL_ONLY",
        "Alleen ontvangst (geen escort)",
        "Incall only / restricted movement",
        0.1,
        "Only receiving at one address can reflect restricted freedom of movement "
        "(B9 indicator 2a), but is also common for independent workers: low weight.",
        (
            "alleen ontvangst",
            "alleen prive ontvangst",
            "alleen privé ontvangst",
            "geen escort",
            "geen hotelbezoek",
            "alleen bij mij",
            "niet naar buiten",
        ),
        (
            "incall only",
            "only incall",
            "no outcall",
            "no escort",
            "only at my place",
            "cannot go out",
            "no hotel visits",
        ),
        evidence_nl=(
            "Alleen ontvangen op één adres kan wijzen op beperkte bewegingsvrijheid "
            "(B9-indicator 2a), maar komt ook veel voor bij zelfstandigen: laag gewicht."
        ),
    ),
    Rule(
        "MOVEMENT",
        "Reisbewegingen ('nieuw in de stad')",
        "Movement language ('new in town')",
        0.02,
        "Published cue for circulation of victims, but evaluations found movement/touring "
        "language NOT predictive on its own (independent workers tour too). Kept to "
        "explain, weighted near zero; city hopping is measured on networks instead.",
        (
            "nieuw in de stad",
            "nieuw in",
            "alleen deze week",
            "maar een paar dagen",
            "korte tijd",
            "op doorreis",
            "kort in",
        ),
        (
            "new in town",
            "new in the city",
            "this week only",
            "only few days",
            "only a few days",
            "short time",
            "just arrived",
            "visiting",
            "on tour",
        ),
        evidence_nl=(
            "Gepubliceerd signaal voor het rouleren van slachtoffers, maar evaluaties vonden "
            "taal over reizen en touren op zichzelf NIET voorspellend (zelfstandigen touren "
            "ook). Alleen ter uitleg, gewicht bijna nul; stad-hoppen wordt op netwerkniveau "
            "gemeten."
        ),
    ),
    Rule(
        "LANGUAGE_ABILITY",
        "Beperkte taalvaardigheid",
        "Limited language ability",
        0.15,
        "Victims brought from abroad often speak neither Dutch nor English; ads stating "
        "'no English' or only a foreign language, or listing only such languages.",
        (
            "spreekt geen nederlands",
            "geen nederlands",
            "geen engels",
            "weinig engels",
            "beetje engels",
            "spreek geen",
            "alleen russisch",
            "alleen roemeens",
            "alleen bulgaars",
            "alleen spaans",
        ),
        (
            "no english",
            "little english",
            "bit english",
            "speaks no",
            "only russian",
            "only romanian",
            "only bulgarian",
            "only spanish",
            "google translate",
        ),
        evidence_nl=(
            "Slachtoffers uit het buitenland spreken vaak geen Nederlands of Engels; "
            "advertenties met 'geen Engels', alleen een vreemde taal, of alleen zulke talen "
            "in de lijst."
        ),
    ),
    Rule(
        "OBSCURED_CONTACT",
        "Verhulde contactgegevens",
        "Obscured contact details",
        0.2,
        "Numbers written with words, letters or odd separators, e-mail with (at)/(dot), "
        "or contact only via untraceable apps: evading platform filters and police "
        "crawlers. Derived from extraction plus phrases.",
        ("alleen via telegram", "alleen telegram", "alleen via snap", "alleen via signal"),
        ("telegram only", "only telegram", "only via telegram", "snap only", "signal only"),
        evidence_nl=(
            "Nummers in woorden, letters of vreemde scheidingstekens, e-mail met (at)/(dot), "
            "of contact alleen via onnaspeurbare apps: ontwijken van platformfilters en "
            "politiecrawlers. Afgeleid van de extractie plus zinnen."
        ),
    ),
    Rule(
        "EMOJI_CODES",
        "Emoji-codes",
        "Emoji codes",
        0.2,
        "Emoji used as codes in sex ads: roses for money, cherry/lollipop/teddy/school bag "
        "for youth, 'new' and 'fresh' symbols.",
        ("🌹", "🍒", "🍭", "🧸", "🎒", "🍬", "👧", "🆕", "🐣", "🐥", "🍼"),
        (),
        negatable=False,
        evidence_nl=(
            "Emoji als code in seksadvertenties: rozen voor geld, "
            "kers/lolly/teddybeer/schooltas voor jeugd, symbolen voor 'nieuw' en 'vers'."
        ),
    ),
    Rule(
        "PRICE_BELOW_MEDIAN",
        "Prijs ver onder regionale mediaan",
        "Price far below regional median",
        0.2,
        "An hourly price far below the regional median (default: below 75%) suggests the "
        "worker does not set her own price. Derived; the median comes from the scanned "
        "corpus per safety region, with a national fallback.",
        evidence_nl=(
            "Een uurprijs ver onder de regionale mediaan (standaard: onder 75%) wijst erop "
            "dat de sekswerker de prijs niet zelf bepaalt. Afgeleid; de mediaan komt uit het "
            "gescande corpus per veiligheidsregio, met een landelijke terugval."
        ),
    ),
    Rule(
        "COARSE_LANGUAGE",
        "Grove taal",
        "Coarse language",
        0.1,
        "Oost-Nederland selects on crude language ('grof taalgebruik'); weak on its own.",
        (
            "neuken",
            "geneukt",
            "hoer",
            "hoertje",
            "sletje",
            "slet",
            "kut",
            "pijpen",
            "diepkeel",
            "ruig",
            "hard geneukt",
            "gebruik me",
        ),
        (
            "fuck",
            "fucked",
            "whore",
            "slut",
            "pussy",
            "deepthroat",
            "rough",
            "use me",
            "hardcore",
            "cum",
        ),
        evidence_nl="Oost-Nederland selecteert op grof taalgebruik; zwak op zichzelf.",
    ),
)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}

NEGATIONS = frozenset({"geen", "niet", "nooit", "no", "not", "never"})


def _phrase_index() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    index: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for rule in RULES:
        for phrase in (*rule.phrases_nl, *rule.phrases_en):
            words = tuple(token_info(t).folded for t in split_tokens(phrase))
            if words:
                index.setdefault(words[0], []).append((rule.code, words))
    for entries in index.values():
        entries.sort(key=lambda entry: -len(entry[1]))
    return index


PHRASE_INDEX = _phrase_index()
FIRST_WORDS = frozenset(PHRASE_INDEX)


@dataclass(frozen=True, slots=True)
class Hit:
    """One indicator that fired. ``phrase`` is the matched token sequence (for phrase
    rules) or a short description of the derived fact."""

    code: str
    phrase: tuple[str, ...]
    kind: str = "phrase"  # "phrase", "age", "phone", "email", "price", "language"


# One prepared entry per phrase: (words, key, shared Hit, negation blocks it). Phrases of
# two or more words are indexed by their first two words, so a frequent first word
# ("in", "alleen", "no") costs one dictionary miss; the one-word phrase comes last, as in
# the longest-first order of PHRASE_INDEX. ``Hit`` is frozen, so one instance is shared.
_PhraseEntry = tuple[tuple[str, ...], tuple[str, tuple[str, ...]], Hit, bool]


def _prepared() -> tuple[dict[tuple[str, str], list[_PhraseEntry]], dict[str, _PhraseEntry]]:
    pairs: dict[tuple[str, str], list[_PhraseEntry]] = {}
    singles: dict[str, _PhraseEntry] = {}
    for first, entries in PHRASE_INDEX.items():
        for code, words in entries:
            rule = RULES_BY_CODE[code]
            blocked = rule.negatable and words[0] not in NEGATIONS
            entry = (words, (code, words), Hit(code, words), blocked)
            if len(words) >= 2:
                pairs.setdefault((first, words[1]), []).append(entry)
            else:
                singles.setdefault(first, entry)
    return pairs, singles


_PHRASE_PAIRS, _PHRASE_SINGLES = _prepared()
_PAIR_FIRST = frozenset(first for first, _ in _PHRASE_PAIRS)


def match_phrases(folded: Sequence[str], where: Sequence[int] | None = None) -> list[Hit]:
    """Phrase rules over folded tokens; at most one hit per rule and phrase.

    ``where``, when given, lists the positions of the tokens in :data:`FIRST_WORDS`
    (the batch analysis has them from its per-token cache).
    """
    if where is None:
        present = FIRST_WORDS.intersection(folded)
        where = positions(folded, present) if present else []
    if not where:
        return []
    hits: list[Hit] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    n = len(folded)
    for i in where:
        token = folded[i]
        entry: _PhraseEntry | None = None
        pairs = (
            _PHRASE_PAIRS.get((token, folded[i + 1]))
            if token in _PAIR_FIRST and i + 1 < n
            else None
        )
        for candidate in pairs or ():
            words = candidate[0]
            if tuple(folded[i : i + len(words)]) == words:
                entry = candidate
                break
        else:
            entry = _PHRASE_SINGLES.get(token)
        if entry is None:
            continue
        words, key, hit, blocked = entry
        if key in seen:
            continue
        if blocked and i > 0 and folded[i - 1] in NEGATIONS:
            continue
        seen.add(key)
        hits.append(hit)
    return hits


def derived_hits(extraction: Extraction) -> list[Hit]:
    hits: list[Hit] = []
    age = extraction.age
    if age is not None:
        if age < 18:
            hits.append(Hit("AGE_MINOR", (str(age),), "age"))
        elif age <= 19:
            hits.append(Hit("AGE_LOW", (str(age),), "age"))
    for phone in extraction.phones:
        if phone.obfuscated:
            hits.append(Hit("OBSCURED_CONTACT", (phone.e164,), "phone"))
            break
    else:
        if extraction.obfuscated_emails:
            hits.append(Hit("OBSCURED_CONTACT", (extraction.obfuscated_emails[0],), "email"))
    languages = extraction.languages
    if languages and "nl" not in languages and "en" not in languages:
        hits.append(Hit("LANGUAGE_ABILITY", tuple(languages), "language"))
    return hits


def price_hit(hourly: float | None, median: float | None, factor: float = 0.75) -> Hit | None:
    if hourly is None or median is None or hourly >= factor * median:
        return None
    return Hit("PRICE_BELOW_MEDIAN", (f"{hourly:g}", f"{median:g}"), "price")


def risk_score(codes: list[str] | set[str], extra_weights: dict[str, float] | None = None) -> float:
    """Noisy-OR of the weights of the rules that fired (each code counted once)."""
    keep = 1.0
    for code in sorted(set(codes)):  # fixed order: the same float result in every run
        rule = RULES_BY_CODE.get(code)
        weight = rule.weight if rule is not None else (extra_weights or {}).get(code, 0.0)
        keep *= 1.0 - weight
    return round(1.0 - keep, 4)


def merge_hits(hits: list[Hit]) -> list[Hit]:
    """Drop duplicate codes from derived and phrase hits, keeping the first of each."""
    seen: set[str] = set()
    merged: list[Hit] = []
    for hit in hits:
        if hit.code not in seen:
            seen.add(hit.code)
            merged.append(hit)
    return merged

"""Generate ``data/nationalities.csv`` once from the CLDR names that ship with Babel.

Run ``python -m bovenwater.reference.generate_nationalities`` to rewrite the file, then
review the diff and bump its version in ``data/manifest.yaml``. The loader never imports
this module: it reads the committed CSV, so a Babel upgrade cannot change the data.

Only the 249 officially assigned ISO 3166-1 codes are written. CLDR also names regions
("001"), groupings (EU, EZ, UN) and reserved or user-assigned codes (AC, CP, CQ, DG, EA,
IC, QO, TA, XA, XB, XK, ZZ); those are left out. The region group follows the UN M49
continents, with the Netherlands and the EU/EEA split out.
"""

from __future__ import annotations

import csv
import pickle
import sys
from pathlib import Path
from typing import TextIO

import babel

DATA_FILE = Path(__file__).resolve().parent / "data" / "nationalities.csv"

# CLDR alpha-3 aliases that point at more than one alpha-2 code, or at a withdrawn code.
ALPHA3_OVERRIDES = {
    "CD": "COD",
    "DE": "DEU",
    "FR": "FRA",
    "MM": "MMR",
    "TL": "TLS",
    "YE": "YEM",
}

NOT_ISO_3166_1 = {
    "AC",
    "CP",
    "CQ",
    "DG",
    "EA",
    "EU",
    "EZ",
    "IC",
    "QO",
    "TA",
    "UN",
    "XA",
    "XB",
    "XK",
    "ZZ",
}

EU = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT PL PT RO SE SI SK"
EEA_ONLY = "IS LI NO"

REGION_GROUPS: dict[str, str] = {
    "NL": "NL",
    "EU/EER": f"{EU} {EEA_ONLY}",
    "Europa overig": "AD AL AX BA BY CH FO GB GG GI IM JE MC MD ME MK RS RU SJ SM UA VA",
    "Afrika": (
        "AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW IO KE KM LR LS LY "
        "MA MG ML MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TF TG TN TZ UG YT ZA "
        "ZM ZW"
    ),
    "Amerika": (
        "AG AI AR AW BB BL BM BO BQ BR BS BV BZ CA CL CO CR CU CW DM DO EC FK GD GF GL GP GS GT "
        "GY HN HT JM KN KY LC MF MQ MS MX NI PA PE PM PR PY SR SV SX TC TT US UY VC VE VG VI"
    ),
    "Azië": (
        "AE AF AM AZ BD BH BN BT CN GE HK ID IL IN IQ IR JO JP KG KH KP KR KW KZ LA LB LK MM MN "
        "MO MV MY NP OM PH PK PS QA SA SG SY TH TJ TL TM TR TW UZ VN YE"
    ),
    "Oceanië": (
        "AS AU CC CK CX FJ FM GU HM KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV UM VU WF WS"
    ),
    "Antarctica": "AQ",
}


def _alpha3_by_alpha2() -> dict[str, str]:
    global_data = Path(babel.__file__).resolve().parent / "global.dat"
    with global_data.open("rb") as handle:
        aliases: dict[str, list[str]] = pickle.load(handle)["territory_aliases"]  # noqa: S301
    result: dict[str, str] = {}
    for alias, targets in aliases.items():
        if len(alias) == 3 and alias.isalpha() and len(targets) == 1:
            result.setdefault(targets[0], alias)
    result.update(ALPHA3_OVERRIDES)
    return result


def build_rows() -> list[dict[str, str]]:
    names_nl: dict[str, str] = dict(babel.Locale("nl").territories)
    names_en: dict[str, str] = dict(babel.Locale("en").territories)
    alpha3 = _alpha3_by_alpha2()
    group_of: dict[str, str] = {}
    for group, members in REGION_GROUPS.items():
        for code in members.split():
            if code in group_of:
                raise ValueError(f"{code} is in two region groups")
            group_of[code] = group
    codes = sorted(
        code
        for code in names_nl
        if len(code) == 2 and code.isalpha() and code not in NOT_ISO_3166_1
    )
    if len(codes) != 249:
        raise ValueError(f"expected the 249 ISO 3166-1 codes, found {len(codes)}")
    if set(codes) != set(group_of):
        raise ValueError(f"region groups do not match the codes: {set(codes) ^ set(group_of)}")
    return [
        {
            "code": code,
            "alpha3": alpha3[code],
            "name_nl": names_nl[code],
            "name_en": names_en[code],
            "region_group": group_of[code],
        }
        for code in codes
    ]


def write(rows: list[dict[str, str]], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def main() -> None:
    rows = build_rows()
    with DATA_FILE.open("w", encoding="utf-8", newline="") as out:
        write(rows, out)
    sys.stdout.write(f"wrote {len(rows)} rows to {DATA_FILE}\n")


if __name__ == "__main__":
    main()

"""Encodings of people: hardened Bloom filters per field plus keyed tokens.

Format version 2, per record (little-endian, 432 bytes, base64 in the JSONL file):

* first names: a 1,024-bit Bloom filter of the bigrams of every canonical given name
  and one token per initial;
* surname: a 1,024-bit Bloom filter of the bigrams of every surname component;
* 22 keyed 64-bit tokens: the kind of the first names (missing, initials only,
  one or several written out), sex, six date-of-birth tokens (full date; year with the unordered
  day/month pair; year and month; year; year and month with either digit of the day),
  two name-with-year tokens (for name frequencies) and twelve blocking keys (the last
  one holds the two fields' lead names in sorted order with the year, so a record
  whose first names and surname were swapped still meets its partner).

Hardening. Every field has its own key, derived with HKDF-SHA256 from one secret, so
the same bigram sets different bits in different fields and nobody without the secret
can compute an encoding. Each bigram sets ten bits chosen by keyed BLAKE2b (random
hashing, not double hashing), and the name filters are salted with the year of birth:
the same name sets different bits in different birth years, which flattens the
frequency distribution a frequency or pattern-mining attack needs. The filters are
built at 2,048 bits and XOR-folded to 1,024, so a set bit no longer corresponds to one
bigram. Tokens are keyed hashes; value 0 means "missing".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from bovenwater.pprl.errors import PPRLInputError
from bovenwater.pprl.normalise import GivenNames, PartialDate, skeleton

FORMAT = "bovenwater-pprl"
FORMAT_VERSION = 2
RAW_BITS = 2048
FILTER_BITS = 1024
FILTER_BYTES = FILTER_BITS // 8
FILTER_WORDS = FILTER_BITS // 64
BITS_PER_GRAM = 10
MIN_SECRET_BYTES = 16

# token columns
T_KIND = 0
T_SEX = 1
T_YMD = 2
T_YPAIR = 3
T_YM = 4
T_Y = 5
T_DAY_TENS = 6
T_DAY_UNITS = 7
T_FIRST_YEAR = 8  # first given name with the year of birth: name frequencies only
T_LAST_YEAR = 9  # first surname part with the year of birth: name frequencies only
T_BLOCK = 10
N_BLOCK = 12
T_ORDER_FREE = T_BLOCK + 11  # blocking key of the unordered lead names
N_TOKENS = T_BLOCK + N_BLOCK
# reserved zero bytes make a record a multiple of 3 bytes, so base64 has no padding
PAD_BYTES = -(2 * FILTER_BYTES + 8 * N_TOKENS) % 3
RECORD_BYTES = 2 * FILTER_BYTES + 8 * N_TOKENS + PAD_BYTES

KIND_MISSING = 0
KIND_INITIALS = 1
KIND_FULL = 2  # one written-out given name (with or without initials)
KIND_SEVERAL = 3  # two or more written-out given names

_FOLD_MASK = (1 << FILTER_BITS) - 1
_HKDF_SALT = b"bovenwater-pprl/1"
_FIELDS = ("first_names", "surname", "date_of_birth", "sex", "blocking", "fingerprint")


def _hkdf(secret: bytes, info: bytes, length: int = 32) -> bytes:
    """HKDF-SHA256 (RFC 5869) with a fixed, public salt."""
    prk = hmac.new(_HKDF_SALT, secret, hashlib.sha256).digest()
    out = b""
    block = b""
    counter = 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


@dataclass(frozen=True)
class Keys:
    first_names: bytes
    surname: bytes
    date_of_birth: bytes
    sex: bytes
    blocking: bytes
    fingerprint: str

    @classmethod
    def from_secret(cls, secret: bytes) -> Keys:
        secret = secret.strip()
        if len(secret) < MIN_SECRET_BYTES:
            raise PPRLInputError(
                f"the secret is too short: use at least {MIN_SECRET_BYTES} random bytes"
            )
        derived = {name: _hkdf(secret, f"bovenwater-pprl/{name}".encode()) for name in _FIELDS}
        return cls(
            first_names=derived["first_names"],
            surname=derived["surname"],
            date_of_birth=derived["date_of_birth"],
            sex=derived["sex"],
            blocking=derived["blocking"],
            fingerprint=derived["fingerprint"][:8].hex(),
        )


@dataclass(frozen=True)
class Person:
    """A normalised person: what the encoder needs, nothing more."""

    given: GivenNames
    surname: tuple[str, ...]
    dob: PartialDate | None
    sex: str = ""
    order_free: str = ""  # normalise.order_free_key of the two name fields as written


def _token(key: bytes, label: str) -> int:
    value = int.from_bytes(
        hashlib.blake2b(label.encode(), key=key, digest_size=8).digest(), "little"
    )
    return value or 1


class Encoder:
    """Encodes normalised people under one secret; caches per (salt, token)."""

    def __init__(self, keys: Keys) -> None:
        self.keys = keys
        self._gram_cache: dict[tuple[int, str, str], int] = {}
        self._token_cache: dict[tuple[int, str, str], int] = {}

    def _gram_bits(self, field: int, salt: str, gram: str) -> int:
        cache_key = (field, salt, gram)
        bits = self._gram_cache.get(cache_key)
        if bits is None:
            key = self.keys.first_names if field == 0 else self.keys.surname
            digest = hashlib.blake2b(
                f"{salt}\x1f{gram}".encode(), key=key, digest_size=2 * BITS_PER_GRAM
            ).digest()
            bits = 0
            for i in range(BITS_PER_GRAM):
                bits |= 1 << (int.from_bytes(digest[2 * i : 2 * i + 2], "little") % RAW_BITS)
            self._gram_cache[cache_key] = bits
        return bits

    def _name_bits(self, field: int, salt: str, name: str) -> int:
        cache_key = (field, salt, name)
        bits = self._token_cache.get(cache_key)
        if bits is None:
            padded = f"_{name}_"
            bits = 0
            for i in range(len(padded) - 1):
                bits |= self._gram_bits(field, salt, padded[i : i + 2])
            self._token_cache[cache_key] = bits
        return bits

    def encode(self, person: Person) -> bytes:
        """The encoding of one person (``RECORD_BYTES`` bytes)."""
        dob = person.dob
        salt = str(dob.year) if dob is not None else ""
        first = 0
        for name in person.given.names:
            first |= self._name_bits(0, salt, name)
        for initial in person.given.initials:
            first |= self._gram_bits(0, salt, f"^{initial}")
        last = 0
        for part in person.surname:
            last |= self._name_bits(1, salt, part)
        tokens = [0] * N_TOKENS
        if len(person.given.names) > 1:
            tokens[T_KIND] = KIND_SEVERAL
        elif person.given.names:
            tokens[T_KIND] = KIND_FULL
        elif person.given.initials:
            tokens[T_KIND] = KIND_INITIALS
        if person.sex:
            tokens[T_SEX] = _token(self.keys.sex, person.sex)
        dob_key = self.keys.date_of_birth
        if dob is not None:
            y = dob.year
            tokens[T_Y] = _token(dob_key, f"y|{y}")
            if dob.month is not None:
                tokens[T_YM] = _token(dob_key, f"ym|{y}|{dob.month}")
                if dob.day is not None:
                    tokens[T_YMD] = _token(dob_key, f"ymd|{y}|{dob.month}|{dob.day}")
                    low, high = sorted((dob.month, dob.day))
                    tokens[T_YPAIR] = _token(dob_key, f"yp|{y}|{low}|{high}")
                    # one digit of the day mistyped: the other digit still agrees
                    tokens[T_DAY_TENS] = _token(dob_key, f"dt|{y}|{dob.month}|{dob.day // 10}")
                    tokens[T_DAY_UNITS] = _token(dob_key, f"du|{y}|{dob.month}|{dob.day % 10}")
        year = str(dob.year) if dob is not None else "?"
        if person.given.names:
            tokens[T_FIRST_YEAR] = _token(self.keys.blocking, f"fy|{person.given.names[0]}|{year}")
        if person.surname:
            skel = min(skeleton(p) for p in person.surname)
            tokens[T_LAST_YEAR] = _token(self.keys.blocking, f"ly|{skel}|{year}")
        tokens[T_BLOCK:] = self._blocking(person)
        return (
            _fold(first).to_bytes(FILTER_BYTES, "little")
            + _fold(last).to_bytes(FILTER_BYTES, "little")
            + b"".join(t.to_bytes(8, "little") for t in tokens)
            + bytes(PAD_BYTES)
        )

    def _blocking(self, person: Person) -> list[int]:
        """Twelve keyed blocking keys (0 where a field is missing).

        Surname part or first name, each with the year and month of birth, or with the
        unordered day/month pair (a swap keeps it), and first name with surname part
        (a wrong date keeps that one). One error in any single field leaves a true pair
        several shared keys; every key is fine enough to keep blocks small. The last
        key is the unordered pair of lead names with the year of birth.
        """
        key = self.keys.blocking
        dob = person.dob
        month = ""
        pair = ""
        if dob is not None:
            month = f"{dob.year}|{dob.month or '?'}"
            if dob.month is not None:
                pair = (
                    "-".join(str(v) for v in sorted((dob.month, dob.day)))
                    if dob.day is not None
                    else f"m{dob.month}"
                )
        first = person.given.names[0] if person.given.names else ""
        skeletons = sorted({skeleton(p) for p in person.surname})[:3]
        out = [0] * N_BLOCK
        for i, skel in enumerate(skeletons):
            if month:
                out[i] = _token(key, f"sm|{skel}|{month}")
            if pair:
                out[3 + i] = _token(key, f"sp|{skel}|{pair}")
            if first:
                out[6 + i] = _token(key, f"gs|{first}|{skel}")
        if first:
            if month:
                out[9] = _token(key, f"gm|{first}|{month}")
            if pair:
                out[10] = _token(key, f"gp|{first}|{pair}")
        if person.order_free and dob is not None:
            out[11] = _token(key, f"of|{person.order_free}|{dob.year}")
        return out


def _fold(bits: int) -> int:
    return (bits & _FOLD_MASK) ^ (bits >> FILTER_BITS)


# ------------------------------------------------------------------------- the file


@dataclass(frozen=True)
class Header:
    source: str
    key_fingerprint: str
    records: int
    version: int = FORMAT_VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "source": self.source,
            "key_fingerprint": self.key_fingerprint,
            "records": self.records,
            "filter_bits": FILTER_BITS,
            "tokens": N_TOKENS,
        }


def write_encodings(path: str | Path, header: Header, records: Iterable[tuple[str, bytes]]) -> None:
    """Write the JSONL file atomically: a complete file or none at all."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    handle, temp_name = tempfile.mkstemp(prefix=".pprl-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(json.dumps(header.to_json(), separators=(",", ":")) + "\n")
            for record_id, blob in records:
                encoded = base64.b64encode(blob).decode("ascii")
                out.write(json.dumps({"r": record_id, "e": encoded}, separators=(",", ":")))
                out.write("\n")
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class EncodedFile:
    header: Header
    record_ids: list[str]
    payload: bytes  # RECORD_BYTES per record, in file order


def read_encodings(stream: IO[str], name: str = "input") -> EncodedFile:
    """Read and validate one encoding file (PPRLInputError names the line)."""
    lines: Iterator[str] = iter(stream)
    try:
        first = next(lines)
    except StopIteration:
        raise PPRLInputError(f"{name}: the file is empty") from None
    try:
        meta = json.loads(first)
    except json.JSONDecodeError:
        raise PPRLInputError(f"{name}, line 1: not a bovenwater encoding file") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise PPRLInputError(f"{name}, line 1: not a bovenwater encoding file")
    if meta.get("version") != FORMAT_VERSION:
        raise PPRLInputError(
            f"{name}, line 1: format version {meta.get('version')!r} is not supported "
            f"(expected {FORMAT_VERSION})"
        )
    source = meta.get("source")
    fingerprint = meta.get("key_fingerprint")
    if not isinstance(source, str) or not valid_source_name(source):
        raise PPRLInputError(f"{name}, line 1: invalid source name")
    if not isinstance(fingerprint, str) or len(fingerprint) != 16:
        raise PPRLInputError(f"{name}, line 1: invalid key fingerprint")
    ids: list[str] = []
    chunks: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=2):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            record_id = row["r"]
            blob = row["e"]
        except (json.JSONDecodeError, KeyError, TypeError):
            raise PPRLInputError(f"{name}, line {number}: not an encoded record") from None
        if not isinstance(record_id, str) or not isinstance(blob, str) or not record_id:
            raise PPRLInputError(f"{name}, line {number}: not an encoded record")
        if len(blob) != _B64_LENGTH:
            raise PPRLInputError(f"{name}, line {number}: the encoding has the wrong length")
        if record_id in seen:
            raise PPRLInputError(f"{name}, line {number}: record_id occurs twice")
        seen.add(record_id)
        ids.append(record_id)
        chunks.append(blob)
    try:
        payload = base64.b64decode("".join(chunks), validate=True)
    except ValueError:
        raise PPRLInputError(f"{name}: an encoding is not valid base64") from None
    declared = meta.get("records")
    if declared != len(ids):
        raise PPRLInputError(
            f"{name}: the header announces {declared!r} records, the file holds {len(ids)}"
        )
    header = Header(source=source, key_fingerprint=fingerprint, records=len(ids))
    return EncodedFile(header=header, record_ids=ids, payload=payload)


_B64_LENGTH = 4 * RECORD_BYTES // 3


def valid_source_name(name: str) -> bool:
    """A source name is a list name in the overlap table: letters, digits, ``_ - .``."""
    if not 1 <= len(name) <= 40 or name != name.strip():
        return False
    return all(ch.isalnum() or ch in "_-. " for ch in name)

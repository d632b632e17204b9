"""Privacy-preserving record linkage (PPRL): a pure engine with no Django import.

Data owners encode their lists with :mod:`bovenwater.pprl.encode` (salted, hardened
Bloom filters and keyed tokens under one shared secret); whoever links the lists
(:mod:`bovenwater.pprl.match`) needs no secret and gets groups of records, never
similarity scores. See ``docs/linkage.md``.
"""

from __future__ import annotations

from bovenwater.pprl.encode import FORMAT, FORMAT_VERSION, EncodedFile, Encoder, Keys, Person
from bovenwater.pprl.errors import PPRLError, PPRLInputError
from bovenwater.pprl.match import MatchResult, link

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "EncodedFile",
    "Encoder",
    "Keys",
    "MatchResult",
    "PPRLError",
    "PPRLInputError",
    "Person",
    "link",
]

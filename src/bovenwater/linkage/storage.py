"""How a list's encodings are stored: the engine's JSONL, compressed."""

from __future__ import annotations

import base64
import io
import json
import zlib
from collections.abc import Sequence

from bovenwater.linkage.models import LinkageSource
from bovenwater.pprl.encode import EncodedFile, Header, read_encodings


def pack(header: Header, records: Sequence[tuple[str, bytes]]) -> bytes:
    out = io.StringIO()
    out.write(json.dumps(header.to_json(), separators=(",", ":")) + "\n")
    for record_id, blob in records:
        out.write(
            json.dumps(
                {"r": record_id, "e": base64.b64encode(blob).decode("ascii")},
                separators=(",", ":"),
            )
            + "\n"
        )
    return zlib.compress(out.getvalue().encode("utf-8"), 6)


def unpack(source: LinkageSource) -> EncodedFile:
    text = zlib.decompress(bytes(source.encodings)).decode("utf-8")
    return read_encodings(io.StringIO(text), source.name)

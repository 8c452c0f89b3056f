"""Documented normalisation of imported text.

Stored text is the imported text with exactly two changes, so offsets stay meaningful:

1. line breaks: ``\\r\\n`` and lone ``\\r`` become ``\\n``;
2. Unicode NFC composition.

A NUL character is refused (it is never text). Spans given with the input are moved
with the text: the text is normalised piece by piece between span boundaries, so each
boundary lands on the same character it was on.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

_CR = re.compile(r"\r\n?")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFC", _CR.sub("\n", text))


def normalise_with_offsets(text: str, offsets: Iterable[int]) -> tuple[str, dict[int, int]]:
    """Normalise ``text`` and map each of ``offsets`` (code points in the input) to the output."""
    points = sorted({0, len(text), *offsets})
    if points[0] < 0 or points[-1] > len(text):
        raise ValueError("offset outside the text")
    pieces: list[str] = []
    mapping: dict[int, int] = {0: 0}
    pos = 0
    for a, b in zip(points, points[1:]):
        piece = normalise(text[a:b])
        # a CRLF split by a boundary: the \r became \n already; drop the \n that follows it
        if pieces and pieces[-1].endswith("\n") and text[a - 1] == "\r" and piece.startswith("\n") and text[a] == "\n":
            piece = piece[1:]
        pieces.append(piece)
        pos += len(piece)
        mapping[b] = pos
    return "".join(pieces), mapping


def content_hash(text: str) -> str:
    """Hash used to deduplicate documents (of the normalised text)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def is_blank(text: str) -> bool:
    return not text.strip()

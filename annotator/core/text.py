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
    if "\r" in text:
        text = _CR.sub("\n", text)
    return unicodedata.normalize("NFC", text)  # (returns the text itself when it is NFC already)


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


def _nfc_splits_at(text: str, p: int) -> bool:
    """Does NFC of ``text`` equal NFC of ``text[:p]`` + NFC of ``text[p:]`` (near ``p``)?

    NFC only changes a character together with the combining marks and conjoining jamo that
    follow it, so a window reaching past the nearest starters on both sides decides it.
    """
    if p <= 0 or p >= len(text):
        return True
    lo = p - 1
    while lo > 0 and unicodedata.combining(text[lo]):
        lo -= 1
    lo = max(lo - 1, 0)  # a conjoining jamo (L V T) composes across starters: one more
    hi = p
    while hi < len(text) and unicodedata.combining(text[hi]):
        hi += 1
    hi = min(hi + 2, len(text))
    left, right = text[lo:p], text[p:hi]
    return (unicodedata.normalize("NFC", left) + unicodedata.normalize("NFC", right)
            == unicodedata.normalize("NFC", left + right))


def normalise_spans(text: str, spans: list[tuple[int, int]]
                    ) -> tuple[str, list[tuple[int, int]], list[int]]:
    """Normalise ``text`` and move each ``(start, end)`` (code points of the input) with it.

    The result is always exactly ``normalise(text)``, so a document's hash never depends on
    where its spans are. An edge that NFC would move (inside a sequence it composes, such as
    ``u`` + U+0308 -> ``ü``) is moved outwards to the edge of that sequence: a start to the
    left, an end to the right. Returns the text, the spans, and the indices of moved spans.
    """
    fixed: list[tuple[int, int]] = []
    moved: list[int] = []
    for i, (a, b) in enumerate(spans):
        a2, b2 = a, b
        while not _nfc_splits_at(text, a2):
            a2 -= 1
        while not _nfc_splits_at(text, b2):
            b2 += 1
        if (a2, b2) != (a, b):
            moved.append(i)
        fixed.append((a2, b2))
    out, mapping = normalise_with_offsets(text, [o for s in fixed for o in s])
    full = normalise(text)
    if out != full:  # cannot happen if _nfc_splits_at is right; never store a second copy if it is not
        raise ValueError("span edges split a character that Unicode normalisation composes")
    return out, [(mapping[a], mapping[b]) for a, b in fixed], moved

"""The one place where Python code-point offsets and Qt's UTF-16 positions meet.

Stored offsets are Python ``str`` indices. ``QTextDocument`` positions count UTF-16
code units; a character outside the Basic Multilingual Plane (most emoji, some CJK
extensions) takes two units. Line breaks are one position in both, so a text set with
``setPlainText`` on LF-only text has one position per UTF-16 unit.

``OffsetMap`` precomputes where the astral characters are, so conversions are
O(log n) and text without astral characters costs nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


class OffsetMap:
    __slots__ = ("_astral", "_astral_u16", "length", "utf16_length")

    def __init__(self, text: str) -> None:
        # code-point indices of characters that take two UTF-16 units
        # (a regex scan: ~20x faster than a Python loop over a 1 MB text; skipped when the
        # UTF-16 encoding shows there are none, which is cheaper still: an export maps every text)
        self._astral = [m.start() for m in _ASTRAL.finditer(text)] \
            if not text.isascii() and len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text) else []
        # their UTF-16 start positions
        self._astral_u16 = [cp + k for k, cp in enumerate(self._astral)]
        self.length = len(text)
        self.utf16_length = len(text) + len(self._astral)

    def to_utf16(self, cp: int) -> int:
        """Code-point offset -> UTF-16 offset."""
        if not 0 <= cp <= self.length:
            raise ValueError(f"offset {cp} outside text of length {self.length}")
        return cp + bisect_left(self._astral, cp)

    def from_utf16(self, u16: int, *, snap: str = "left") -> int:
        """UTF-16 offset -> code-point offset.

        A position in the middle of a surrogate pair is snapped to the start of the
        character (``snap="left"``) or past it (``snap="right"``).
        """
        if not 0 <= u16 <= self.utf16_length:
            raise ValueError(f"UTF-16 offset {u16} outside text of length {self.utf16_length}")
        k = bisect_left(self._astral_u16, u16)
        # k astral characters start strictly before u16
        if k and self._astral_u16[k - 1] + 1 == u16:  # inside a surrogate pair
            return self._astral[k - 1] + (1 if snap == "right" else 0)
        return u16 - k

    def count_astral_before(self, cp: int) -> int:
        return bisect_right(self._astral, cp - 1)


def to_utf16(text: str, cp: int) -> int:
    return OffsetMap(text).to_utf16(cp)


def from_utf16(text: str, u16: int) -> int:
    return OffsetMap(text).from_utf16(u16)


def utf8_byte_offsets(text: str) -> list[int]:
    """Byte offset of each code point (and of the end) in UTF-8, for formats that count bytes."""
    out = [0] * (len(text) + 1)
    pos = 0
    for i, ch in enumerate(text):
        out[i] = pos
        o = ord(ch)
        pos += 1 if o < 0x80 else 2 if o < 0x800 else 3 if o < 0x10000 else 4
    out[len(text)] = pos
    return out

"""Offset units other tools count in, converted at the file boundary.

Stored offsets are Python ``str`` indices (code points). Other tools count differently:

- ``utf16``: UTF-16 code units, what JavaScript's ``String.length`` counts (doccano's front
  end, Qt, Excel's ``MID``); a character outside the BMP (most emoji) is two units.
- ``codepoints``: Python ``str`` indices (brat's server, Prodigy, spaCy).
- ``graphemes``: user-perceived characters (extended grapheme clusters, Unicode UAX #29),
  what some front ends count (a flag 🇰🇵 or ``e`` + combining accent is one).
- ``utf8``: bytes of the UTF-8 encoding (only proposed in messages; no format writes it).

A position that falls inside a unit of the other kind (half a surrogate pair, the middle of a
grapheme cluster) has no code-point equivalent: converting it raises ``ValueError``, so a file
in the wrong unit is refused instead of stored shifted.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence

import regex

from annotator.core.offsets import OffsetMap, utf8_byte_offsets

UNITS = ("utf16", "codepoints", "graphemes")
NAMES = {"utf16": "UTF-16 code units", "codepoints": "code points (Python characters)",
         "graphemes": "grapheme clusters (user-perceived characters)", "utf8": "UTF-8 bytes"}
_CLUSTER = regex.compile(r"\X")


def grapheme_starts(text: str) -> list[int]:
    """Code-point index where each grapheme cluster starts, and ``len(text)`` at the end."""
    if text.isascii() and "\r\n" not in text:
        return list(range(len(text) + 1))
    return [m.start() for m in _CLUSTER.finditer(text)] + [len(text)]


class Units:
    """Convert offsets between code points and ``unit`` for one text."""

    def __init__(self, text: str, unit: str) -> None:
        if unit not in (*UNITS, "utf8"):
            raise ValueError(f"unknown offset unit {unit!r} (known: {', '.join(UNITS)})")
        self.text = text
        self.unit = unit
        self._map: OffsetMap | None = None
        self._bounds: list[int] | None = None
        if unit == "utf16":
            self._map = OffsetMap(text)
        elif unit == "graphemes":
            self._bounds = grapheme_starts(text)
        elif unit == "utf8":
            self._bounds = utf8_byte_offsets(text)

    @property
    def length(self) -> int:
        if self.unit == "utf16":
            assert self._map is not None
            return self._map.utf16_length
        if self.unit == "graphemes":
            assert self._bounds is not None
            return len(self._bounds) - 1
        if self.unit == "utf8":
            assert self._bounds is not None
            return self._bounds[-1]
        return len(self.text)

    def to_cp(self, x: int) -> int:
        """An offset in this unit -> code points; ``ValueError`` if it has none."""
        if isinstance(x, bool) or not isinstance(x, int):
            raise ValueError(f"offset {x!r} is not a whole number")
        if not 0 <= x <= self.length:
            raise ValueError(f"offset {x} lies outside the text ({self.length} {NAMES[self.unit]})")
        if self.unit == "codepoints":
            return x
        if self.unit == "utf16":
            assert self._map is not None
            cp = self._map.from_utf16(x)
            if self._map.to_utf16(cp) != x:
                raise ValueError(f"UTF-16 offset {x} falls inside the surrogate pair of {self.text[cp]!r}")
            return cp
        assert self._bounds is not None
        if self.unit == "graphemes":
            return self._bounds[x]
        i = bisect_left(self._bounds, x)  # utf8
        if i > len(self.text) or self._bounds[i] != x:
            raise ValueError(f"byte offset {x} falls inside the UTF-8 encoding of a character")
        return i

    def from_cp(self, cp: int) -> int:
        """Code points -> this unit; ``ValueError`` if ``cp`` is not on a unit boundary."""
        if self.unit == "codepoints":
            return cp
        if self.unit == "utf16":
            assert self._map is not None
            return self._map.to_utf16(cp)
        assert self._bounds is not None
        if self.unit == "utf8":
            return self._bounds[cp]
        i = bisect_left(self._bounds, cp)
        if i >= len(self._bounds) or self._bounds[i] != cp:
            raise ValueError(f"offset {cp} falls inside the grapheme cluster "
                             f"{self.text[self._bounds[i - 1]:self._bounds[i]]!r}")
        return i

    def cluster_around(self, cp: int) -> tuple[int, int]:
        """Graphemes: the cluster boundaries at or around ``cp`` (left, right)."""
        assert self._bounds is not None
        i = bisect_left(self._bounds, cp)
        if self._bounds[i] == cp:
            return cp, cp
        return self._bounds[i - 1], self._bounds[i]


def explaining_units(text: str, spans: Sequence[tuple[int, int, str]], candidates: Iterable[str]
                     ) -> list[str]:
    """The units among ``candidates`` in which every ``(start, end, surface)`` reads its surface text."""
    out = []
    for unit in candidates:
        u = Units(text, unit)
        try:
            if all(text[u.to_cp(s):u.to_cp(e)] == t for s, e, t in spans):
                out.append(unit)
        except ValueError:
            continue
    return out


def mismatch_message(what: str, start: int, end: int, surface: str, got: str) -> str:
    return f"{what} [{start}, {end}) says {surface!r} but the text there is {got!r}"


def propose(text: str, spans: Sequence[tuple[int, int, str]], unit: str, option: str | None = None) -> str:
    """A sentence proposing the one unit that explains every span, or '' if none (or several) does."""
    others = [u for u in ("codepoints", "utf16", "graphemes", "utf8") if u != unit]
    fits = explaining_units(text, spans, others)
    if len(fits) != 1:
        return ""
    how = f" (import with --offsets {fits[0]})" if option and fits[0] in UNITS else ""
    return (f"; every span of this record reads right if its offsets count {NAMES[fits[0]]}, "
            f"not {NAMES[unit]}{how}")


Converter = Callable[[int], int]

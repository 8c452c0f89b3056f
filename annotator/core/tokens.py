"""Token boundaries from spaCy's tokenizer, for snapping selections.

A blank pipeline (``spacy.blank(lang)``) is used: rule-based, no model download.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache
from typing import Literal

Mode = Literal["expand", "contract", "strict"]
Edge = Literal["start", "end"]

# What a reader calls a word: letters/digits joined by inner hyphens or apostrophes
# ("Jong-un", "O'Brien", "don't"). spaCy splits "Jong-un" into Jong, -, un; a word is always
# widened to whole tokens afterwards, so a span made from it stays token-aligned (exports).
_HYPHENS = "\\-\u2010\u2011"
_APOSTROPHES = "'\u2019"
_WORD = re.compile(rf"\w+(?:[{_HYPHENS}{_APOSTROPHES}]\w+)*")
_HYPHENATED = re.compile(rf"\w+(?:[{_HYPHENS}]\w+)+")
_POSSESSIVE = re.compile(rf"[{_APOSTROPHES}][sS]$")
_WINDOW = 256  # characters searched on either side of a position


def _match_around(regex: re.Pattern[str], text: str, pos: int) -> tuple[int, int] | None:
    """The match of ``regex`` that contains ``pos`` (start <= pos < end), searched near ``pos``."""
    for m in regex.finditer(text, max(0, pos - _WINDOW), min(len(text), pos + _WINDOW)):
        if m.start() > pos:
            break
        if pos < m.end():
            return m.start(), m.end()
    return None


@lru_cache(maxsize=8)
def blank(lang: str = "en"):
    import spacy  # imported lazily: the GUI starts faster and the CLI's --help stays instant

    return spacy.blank(lang)


class TokenIndex:
    """Sorted token starts and ends of one text."""

    __slots__ = ("starts", "ends", "text")

    def __init__(self, text: str, lang: str = "en") -> None:
        self.text = text
        doc = blank(lang).make_doc(text)
        self.starts = [t.idx for t in doc if not t.is_space]
        self.ends = [t.idx + len(t.text) for t in doc if not t.is_space]

    def __len__(self) -> int:
        return len(self.starts)

    def token_at(self, pos: int) -> tuple[int, int] | None:
        """The token containing ``pos`` (or starting at it), if any."""
        i = bisect_right(self.starts, pos) - 1
        if i >= 0 and pos < self.ends[i]:
            return self.starts[i], self.ends[i]
        return None

    def snap(self, start: int, end: int, mode: Mode = "expand") -> tuple[int, int] | None:
        """Snap [start, end) to token boundaries.

        ``expand`` grows to cover every token the range touches; ``contract`` shrinks to
        the tokens wholly inside it; ``strict`` returns the range only if it is aligned.
        Returns None when nothing is left (e.g. a selection of whitespace).
        """
        if start > end:
            start, end = end, start
        if not self.starts:
            return None
        if mode == "expand":
            i = bisect_right(self.ends, start)  # first token ending after start
            j = bisect_left(self.starts, end) - 1  # last token starting before end
            if start == end:
                hit = self.token_at(start)
                return hit
            if i > j:
                return None
            return self.starts[i], self.ends[j]
        if mode == "contract":
            i = bisect_left(self.starts, start)
            j = bisect_right(self.ends, end) - 1
            if i > j:
                return None
            return self.starts[i], self.ends[j]
        i = bisect_left(self.starts, start)
        j = bisect_left(self.ends, end)
        if i < len(self.starts) and self.starts[i] == start and j < len(self.ends) and self.ends[j] == end:
            return start, end
        return None

    def is_aligned(self, start: int, end: int) -> bool:
        return self.snap(start, end, "strict") is not None

    def is_token_start(self, pos: int) -> bool:
        i = bisect_left(self.starts, pos)
        return i < len(self.starts) and self.starts[i] == pos

    # ------------------------------------------------------------------ words
    def word_at(self, pos: int) -> tuple[int, int] | None:
        """The word under ``pos`` (a double click): "Jong-un" and "O'Brien" whole, a possessive
        "'s" left out ("Pyongyang's" gives "Pyongyang": the name is the entity); widened to token
        boundaries. Punctuation and symbols (an emoji, a dash) give their token."""
        hit = _match_around(_WORD, self.text, pos)
        if hit is None:
            return self.token_at(pos)
        s, e = hit
        poss = _POSSESSIVE.search(self.text, s, e)
        if poss is not None and poss.start() > s and self.is_token_start(poss.start()) \
                and pos < poss.start():
            e = poss.start()
        return self.snap(s, e, "expand")

    def snap_words(self, start: int, end: int) -> tuple[int, int] | None:
        """Snap a selection to tokens (``expand``), then widen an edge that falls inside a
        hyphenated word to the whole word: a drag that ends after "Kim Jong-" gives "Kim Jong-un"."""
        got = self.snap(start, end, "expand")
        if got is None:
            return None
        s, e = got
        left = _match_around(_HYPHENATED, self.text, s)
        if left is not None and left[0] < s:
            s = left[0]
        right = _match_around(_HYPHENATED, self.text, e - 1)
        if right is not None and right[1] > e:
            e = right[1]
        return got if (s, e) == got else self.snap(s, e, "expand")

    # ------------------------------------------------------------------ edges
    def move_edge(self, start: int, end: int, edge: Edge, step: int) -> tuple[int, int] | None:
        """[start, end) with one edge moved by one token: ``edge`` "start" or "end", ``step`` -1
        (left) or +1 (right). None when there is no token to move to or the span would be empty."""
        if edge == "end":
            if step > 0:
                i = bisect_right(self.ends, end)
                new = self.ends[i] if i < len(self.ends) else None
            else:
                i = bisect_left(self.ends, end) - 1
                new = self.ends[i] if i >= 0 else None
            return (start, new) if new is not None and new > start else None
        if step < 0:
            i = bisect_left(self.starts, start) - 1
            new = self.starts[i] if i >= 0 else None
        else:
            i = bisect_right(self.starts, start)
            new = self.starts[i] if i < len(self.starts) else None
        return (new, end) if new is not None and new < end else None

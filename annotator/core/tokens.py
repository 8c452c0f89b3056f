"""Token boundaries from spaCy's tokenizer, for snapping selections.

A blank pipeline (``spacy.blank(lang)``) is used: rule-based, no model download.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from functools import lru_cache
from typing import Literal

Mode = Literal["expand", "contract", "strict"]


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

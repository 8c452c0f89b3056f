"""Token boundaries from spaCy's tokenizer: snapping selections, exports, token agreement.

A blank pipeline (``spacy.blank(lang)``) is used: rule-based, no model download.

A text's tokens are computed once and stored with the document (``annotator.storage.tokens``)
in a compact form, :func:`encode`: spaCy's tokenizer cuts a text into tokens each followed by
nothing or by one space (every other run of white space is a token of its own), so the
tokens are fully described by ``(length, space)`` per token. Most tokens are short: one byte
per token (``2·length + space`` below 255), and an overflow list of 4-byte values for the
rest. A 3 KB article takes ~600 bytes, a 1 MB one ~200 KB; decoding is a few numpy
operations. The few tokens the tokenizer's exceptions give a norm of their own ("n't" ->
"not") carry it along. :func:`make_doc` builds from these the same ``Doc`` as
``nlp.make_doc(text)`` (``Doc(vocab, words, spaces)``, norms set) without tokenising again.
"""

from __future__ import annotations

import re
import struct
from bisect import bisect_left, bisect_right
from functools import lru_cache
from collections.abc import Sequence
from typing import Literal

import numpy as np

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

_HEAD = struct.Struct("<IIII")  # tokens, overflow values, tokens with a norm of their own, flags
_FIRST_NOT_SENT_START = 1  # the tokenizer left the first token unmarked (its special-case path)
_ESCAPE = 255


@lru_cache(maxsize=8)
def blank(lang: str = "en"):
    import spacy  # imported lazily: the GUI starts faster and the CLI's --help stays instant

    return spacy.blank(lang)


@lru_cache(maxsize=1)
def tokenizer_version() -> str:
    """What stored tokens depend on besides the language: spaCy's major.minor version (its
    tokenizer rules change only with a minor release). Read from the package metadata, so
    checking stored tokens never imports spaCy itself."""
    from importlib.metadata import version

    return "spacy-" + ".".join(version("spacy").split(".")[:2])


def tokenizer_key(lang: str) -> str:
    return f"{lang}/{tokenizer_version()}"


# ---------------------------------------------------------------------------- compact form
def tokenize(text: str, lang: str = "en") -> bytes:
    """Every token of ``text`` (white-space tokens included), encoded."""
    from spacy.attrs import SENT_START

    doc = blank(lang).make_doc(text)
    n = len(doc)
    lengths = np.fromiter((len(t) for t in doc), dtype=np.int64, count=n)
    spaces = np.fromiter((len(t.whitespace_) for t in doc), dtype=np.int64, count=n)
    vocab = doc.vocab
    # a norm from the tokenizer's exceptions ("n't" -> "not"), not the word's own
    norms = [(t.i, t.norm_) for t in doc if t.norm != vocab[t.orth].norm]
    flags = _FIRST_NOT_SENT_START if n and doc[:1].to_array([SENT_START])[0] == 0 else 0
    return encode(lengths, spaces, norms, flags)


def encode(lengths: np.ndarray, spaces: np.ndarray, norms: Sequence[tuple[int, str]] = (), flags: int = 0
           ) -> bytes:
    """(lengths, spaces, norms) -> bytes; see the module's docstring."""
    if spaces.size and (spaces.max() > 1 or spaces.min() < 0):
        raise ValueError("a token followed by more than one space: not spaCy's tokenizer")
    vals = lengths.astype(np.int64) * 2 + spaces
    big = vals >= _ESCAPE
    small = np.where(big, _ESCAPE, vals).astype(np.uint8)
    over = vals[big].astype("<u4")
    out = _HEAD.pack(len(vals), len(over), len(norms), flags) + small.tobytes() + over.tobytes()
    if norms:
        out += np.array([i for i, _ in norms], dtype="<u4").tobytes()
        out += "\x00".join(n for _, n in norms).encode("utf-8")
    return out


def _values(blob: bytes) -> tuple[np.ndarray, int]:
    n, k, _m, _f = _HEAD.unpack_from(blob)
    small = np.frombuffer(blob, dtype=np.uint8, count=n, offset=_HEAD.size)
    vals = small.astype(np.int64)
    if k:
        vals[small == _ESCAPE] = np.frombuffer(blob, dtype="<u4", count=k, offset=_HEAD.size + n)
    return vals, _HEAD.size + n + 4 * k


def decode(blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    """bytes -> (starts, ends) of every token (int64 arrays, code points)."""
    vals, _ = _values(blob)
    lengths, spaces = vals >> 1, vals & 1
    starts = np.zeros(len(vals), dtype=np.int64)
    if len(vals) > 1:
        np.cumsum((lengths + spaces)[:-1], out=starts[1:])
    return starts, starts + lengths


def token_count(blob: bytes) -> int:
    return _HEAD.unpack_from(blob)[0]


def columns(blob: bytes) -> tuple[list[int], list[int], list[bool]]:
    """bytes -> starts, ends and trailing-space flags of every token, as lists (what an export
    writes per token: Prodigy's ``tokens``)."""
    vals, _ = _values(blob)
    lengths = vals >> 1
    steps = lengths + (vals & 1)
    starts = np.zeros(len(vals), dtype=np.int64)
    if len(vals) > 1:
        np.cumsum(steps[:-1], out=starts[1:])
    return starts.tolist(), (starts + lengths).tolist(), (vals & 1).astype(bool).tolist()


def norms(blob: bytes) -> list[tuple[int, str]]:
    """(token index, norm) of the tokens whose norm is not their word's own."""
    m = _HEAD.unpack_from(blob)[2]
    if not m:
        return []
    _, at = _values(blob)
    idx = np.frombuffer(blob, dtype="<u4", count=m, offset=at).tolist()
    return list(zip(idx, blob[at + 4 * m:].decode("utf-8").split("\x00")))


def covered(blob: bytes) -> int:
    """How many characters the encoded tokens and their spaces cover: ``len(text)`` when the
    blob belongs to the text."""
    vals, _ = _values(blob)
    return int((vals >> 1).sum() + (vals & 1).sum())


def words_spaces(text: str, blob: bytes) -> tuple[list[str], list[bool]]:
    """Words and spaces of ``Doc(vocab, words=..., spaces=...)``."""
    starts, ends = decode(blob)
    nxt = np.empty_like(starts)
    if len(starts):
        nxt[:-1] = starts[1:]
        nxt[-1] = len(text)
    s, e = starts.tolist(), ends.tolist()
    return [text[a:z] for a, z in zip(s, e)], (nxt > ends).tolist()


def make_doc(nlp, text: str, blob: bytes | None):  # noqa: ANN001, ANN201  (spaCy's Language, Doc)
    """``nlp.make_doc(text)``, from stored tokens when given (the same ``Doc``: words, spaces
    and the tokenizer's norms), else by the tokenizer."""
    if blob is None or _HEAD.unpack_from(blob)[0] < 2:  # 0 or 1 token: spaCy's own (sentence start)
        return nlp.make_doc(text)
    from spacy.tokens import Doc

    words, spaces = words_spaces(text, blob)
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    # the tokenizer marks the first token a sentence start, except on its special-case path
    doc[0].is_sent_start = None if _HEAD.unpack_from(blob)[3] & _FIRST_NOT_SENT_START else True
    for i, norm in norms(blob):
        doc[i].norm_ = norm
    return doc


# ---------------------------------------------------------------------------- snapping
class TokenIndex:
    """Sorted starts and ends of the tokens of one text that are not white space."""

    __slots__ = ("starts", "ends", "text")

    def __init__(self, text: str, lang: str = "en", *, blob: bytes | None = None) -> None:
        """Tokenise ``text`` (``blob=None``) or read its stored tokens (:func:`encode`)."""
        self.text = text
        if blob is None:
            blob = tokenize(text, lang)
        starts, ends = decode(blob)
        if len(starts):
            # white-space tokens (spaCy's is_space): "\n\n", "  ", ... never start with a letter
            first = [text[i].isspace() for i in starts.tolist()]
            cand = np.flatnonzero(first)
            if len(cand):
                keep = np.ones(len(starts), dtype=bool)
                for i in cand.tolist():
                    if text[starts[i]:ends[i]].isspace():
                        keep[i] = False
                starts, ends = starts[keep], ends[keep]
        self.starts: list[int] = starts.tolist()
        self.ends: list[int] = ends.tolist()

    @classmethod
    def from_blob(cls, text: str, blob: bytes) -> TokenIndex:
        return cls(text, blob=blob)

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

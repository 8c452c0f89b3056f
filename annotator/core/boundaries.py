"""Moving one edge of a span: by a token (snapped like creation) or by one user-perceived
character (a grapheme cluster: an emoji with its modifiers, a letter with its combining marks,
never half of either). Offsets are code points; Qt-free."""

from __future__ import annotations

from typing import Literal

import regex

from annotator.core.tokens import Edge, TokenIndex

Unit = Literal["token", "character"]
_CLUSTER = regex.compile(r"\X")
_BACK = 64  # code points looked back for the previous cluster (a ZWJ family is ~11)


def next_cluster(text: str, pos: int) -> int | None:
    """Where the grapheme cluster starting at (or containing) ``pos`` ends; None at the end."""
    if pos >= len(text):
        return None
    lo = max(0, pos - _BACK)
    for m in _CLUSTER.finditer(text, lo, min(len(text), pos + _BACK)):
        if m.end() > pos:
            return m.end()
    return len(text)


def cluster_start(text: str, pos: int) -> int:
    """The start of the grapheme cluster containing ``pos`` (``pos`` itself at a boundary)."""
    if pos <= 0 or pos >= len(text):
        return max(0, min(pos, len(text)))
    for m in _CLUSTER.finditer(text, max(0, pos - _BACK), min(len(text), pos + _BACK)):
        if m.start() <= pos < m.end():
            return m.start()
    return pos


def _cluster_end(text: str, pos: int) -> int:
    return pos if cluster_start(text, pos) == pos else next_cluster(text, pos) or len(text)


def _on_clusters(text: str, start: int, end: int) -> bool:
    return cluster_start(text, start) == start and cluster_start(text, end) == end


def previous_cluster(text: str, pos: int) -> int | None:
    """Where the grapheme cluster that ends at (or contains) ``pos`` starts; None at 0."""
    if pos <= 0:
        return None
    last = 0
    for m in _CLUSTER.finditer(text, max(0, pos - _BACK), min(len(text), pos + _BACK)):
        if m.start() >= pos:
            break
        last = m.start()
    return last


def move_edge(text: str, tokens: TokenIndex, start: int, end: int, edge: Edge, step: int,
              unit: Unit = "token") -> tuple[int, int] | None:
    """[start, end) with ``edge`` ("start" or "end") moved one ``unit`` left (``step`` -1) or right
    (+1). None when it cannot move (the text's end, or the span would be empty or whitespace)."""
    if unit == "token":
        got = tokens.move_edge(start, end, edge, step)
        # spaCy cuts a ZWJ emoji sequence into pieces: a token edge inside one moves on past it
        while got is not None and not _on_clusters(text, *got):
            got = tokens.move_edge(*got, edge, step)
        return got
    pos = start if edge == "start" else end
    new = next_cluster(text, pos) if step > 0 else previous_cluster(text, pos)
    if new is None:
        return None
    s, e = (new, end) if edge == "start" else (start, new)
    if s >= e or not text[s:e].strip():
        return None
    return s, e


def snap_selection(text: str, tokens: TokenIndex, start: int, end: int) -> tuple[int, int] | None:
    """A selection snapped for tagging: whole tokens, a hyphenated name whole, never part of an
    emoji sequence that the tokenizer splits (a ZWJ family). None if nothing is left."""
    got = tokens.snap_words(start, end)
    if got is None:
        return None
    return cluster_start(text, got[0]), _cluster_end(text, got[1])


def resize(text: str, tokens: TokenIndex, start: int, end: int, edge: Edge, pos: int,
           precise: bool) -> tuple[int, int] | None:
    """[start, end) with ``edge`` dragged to the code point ``pos`` (a position between characters),
    snapped like a new selection: to tokens and whole hyphenated words, or (``precise``) to the
    nearest grapheme cluster boundary. None if the span would be empty or whitespace only."""
    s, e = (pos, end) if edge == "start" else (start, pos)
    if s >= e:
        return None
    if precise:  # never half an emoji or a letter without its marks
        got = (cluster_start(text, s), _cluster_end(text, e))
    else:
        snapped = tokens.snap_words(s, e)
        if snapped is None:
            return None
        snapped = (cluster_start(text, snapped[0]), _cluster_end(text, snapped[1]))
        # only the dragged edge moves: the other keeps its stored (maybe character-precise) place
        got = (snapped[0], end) if edge == "start" else (start, snapped[1])
    if got[0] >= got[1] or not text[got[0]:got[1]].strip():
        return None
    return got

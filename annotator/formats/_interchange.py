"""Shared pieces of the export/interchange formats: the registry entry, token alignment."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.formats.records import ExportContext, Issue, Record

RecordReader = Callable[..., Iterator[Record | InputError]]


@dataclass(frozen=True)
class Interchange:
    """An export writer class and the reader that loads the same files back.

    ``writer(path, ctx)`` has ``write(record) -> list[Issue]`` and ``close()``; it writes to
    ``path`` (a temporary name the export service renames when all went well). ``directory``
    formats write a folder. ``read(path, **options)`` yields ``Record`` or ``InputError``.
    """

    writer: Any
    read: RecordReader
    suffix: str
    directory: bool = False
    token_aligned: bool = False  # does the format need spans on token boundaries?


@lru_cache(maxsize=8)
def blank(lang: str):
    import spacy

    return spacy.blank(lang)


def make_doc(nlp: Any, rec: Record) -> Any:
    """``nlp.make_doc(rec.text)``, from the record's stored tokens when it has them."""
    from annotator.core.tokens import make_doc as from_tokens

    return from_tokens(nlp, rec.text, rec.tokens)


def align(doc: Any, rec: Record, mode: str) -> tuple[list[tuple[int, Any]], list[Issue]]:
    """spaCy ``Span``s for ``rec.spans`` on ``doc``'s tokens: (index into rec.spans, Span).

    A span already on token boundaries is taken as is. Otherwise ``expand`` grows it to the
    tokens it touches, ``contract`` shrinks it to the tokens wholly inside it, ``skip``
    leaves it out. Every snapped or skipped span is returned as an ``Issue``.
    """
    def char_span(s: Any, alignment: str | None) -> Any:
        if alignment is None:
            return doc.char_span(s.start, s.end, label=s.label)
        return doc.char_span(s.start, s.end, label=s.label, alignment_mode=alignment)

    return _align_each(rec, mode, char_span)


def _align_each(rec: Record, mode: str, char_span: Callable[[Any, str | None], Any]
                ) -> tuple[list[tuple[int, Any]], list[Issue]]:
    """The one alignment loop of ``align`` and ``align_stored``: ``char_span(span, None)`` is the
    span on token boundaries or None, ``char_span(span, mode)`` snapped by ``mode``."""
    out: list[tuple[int, Any]] = []
    issues: list[Issue] = []
    where = rec.where or rec.title or rec.content_hash
    for i, s in enumerate(rec.spans):
        sp = char_span(s, None)
        if sp is None and mode in ("expand", "contract"):
            sp = char_span(s, mode)
            if sp is not None and len(sp):
                issues.append(Issue("snapped", where, s.label, s.start, s.end,
                                    f"-> [{sp.start_char}, {sp.end_char}) {rec.text[sp.start_char:sp.end_char]!r} "
                                    f"({mode})"))
            else:
                sp = None
                issues.append(Issue("skipped", where, s.label, s.start, s.end,
                                    f"{rec.text[s.start:s.end]!r}: no whole token inside ({mode})"))
        elif sp is None:
            issues.append(Issue("skipped", where, s.label, s.start, s.end,
                                f"{rec.text[s.start:s.end]!r}: not on token boundaries (skip)"))
        if sp is not None:
            out.append((i, sp))
    return out, issues


class Aligned:
    """A span on tokens, as ``align`` gives it: token indices (end exclusive) and characters."""

    __slots__ = ("start", "end", "start_char", "end_char")

    def __init__(self, start: int, end: int, start_char: int, end_char: int) -> None:
        self.start, self.end, self.start_char, self.end_char = start, end, start_char, end_char

    def __len__(self) -> int:
        return self.end - self.start


class StoredTokens:
    """A text's tokens read from their stored form (``annotator.core.tokens``), without a spaCy
    ``Doc``: the same tokens ``nlp.make_doc`` gives, and :meth:`char_span` finds spans on them
    exactly as spaCy's ``Doc.char_span`` does (tests/formats/test_stored_alignment.py checks it
    against spaCy on hard texts, every mode)."""

    __slots__ = ("starts", "ends", "spaces")

    def __init__(self, blob: bytes) -> None:
        from annotator.core.tokens import columns

        self.starts, self.ends, self.spaces = columns(blob)

    @classmethod
    def of(cls, rec: Record) -> StoredTokens | None:
        """The record's stored tokens, when it has them (two or more: a shorter text goes
        through spaCy's tokenizer, as ``make_doc`` does)."""
        from annotator.core.tokens import token_count

        if rec.tokens is None or token_count(rec.tokens) < 2:
            return None
        return cls(rec.tokens)

    def _token_by_char(self, i: int) -> int:
        # the token whose characters or trailing space hold ``i`` (spaCy's token_by_char)
        starts = self.starts
        if i < 0 or not starts or i >= self.ends[-1] + self.spaces[-1]:
            return -1
        return bisect_right(starts, i) - 1

    def char_span(self, start_idx: int, end_idx: int, mode: str = "strict") -> Aligned | None:
        starts, ends = self.starts, self.ends
        start = self._token_by_char(start_idx)
        if start < 0 or (mode == "strict" and start_idx != starts[start]):
            return None
        end = self._token_by_char(end_idx - 1)
        if end < 0 or (mode == "strict" and end_idx != ends[end]):
            return None
        if mode == "contract":
            if starts[start] < start_idx:
                start += 1
            if end_idx < ends[end]:
                end -= 1
            if end < start:
                return None
        elif mode == "expand":
            if start_idx == ends[start]:
                start += 1
        end += 1
        if end <= start:  # "expand" inside one token's trailing space: an empty span (align skips it)
            return Aligned(start, end, start_idx, start_idx)
        return Aligned(start, end, starts[start], ends[end - 1])


def align_stored(toks: StoredTokens, rec: Record, mode: str) -> tuple[list[tuple[int, Aligned]], list[Issue]]:
    """``align`` on stored tokens: the same spans and the same issues, no ``Doc``."""
    return _align_each(rec, mode, lambda s, alignment: toks.char_span(s.start, s.end) if alignment is None
                       else toks.char_span(s.start, s.end, alignment))


def check_offsets(rec: Record, where: str) -> None:
    n = len(rec.text)
    for s in rec.spans:
        if not (0 <= s.start < s.end <= n):
            raise InputError(f"span {s.label} [{s.start}, {s.end}) lies outside the text (length {n})", where)
    for r in rec.relations:
        if not (0 <= r.head < len(rec.spans) and 0 <= r.tail < len(rec.spans)):
            raise InputError(f"relation {r.kind} points at a span that is not there", where)


def open_text(path: Path):
    """Open a text file for writing exactly: UTF-8, and \\n stays \\n on every platform."""
    return path.open("w", encoding="utf-8", newline="")


def assign_cats(names: list[str], categories: dict[str, tuple[str, ...]] | None, where: str,
                problems: list[InputError]) -> dict[str, str]:
    """Document labels by group (a label not in the project's groups is taken as a stance). A
    group holds one label per document: a second label of the same group is left out and
    reported in ``problems``, never dropped silently."""
    owner = {n: g for g, group in (categories or {}).items() for n in group}
    cats: dict[str, str] = {}
    for name in names:
        g = owner.get(name, "stance")
        if g in cats and cats[g] != name:
            problems.append(InputError(f"document labels {cats[g]!r} and {name!r} are both in the group {g!r}, "
                                       f"which holds one label per document: {name!r} left out", where))
            continue
        cats[g] = name
    return cats

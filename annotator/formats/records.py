"""The record every export writer takes and every interchange reader gives back.

One ``Record`` is one document as one view (an annotator, the gold set, a merged view)
sees it: the text, its spans (all layers), the relations between them, the document
categories (e.g. stance) and the status. Offsets are Python ``str`` indices (code points)
into ``text``, end exclusive. Spans are kept in a canonical order (see ``canonical``), and
relations point into that list by index, so a record has one serialisation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson


@dataclass(slots=True)
class RecSpan:
    start: int
    end: int
    label: str
    layer: str = "entity"
    attrs: dict[str, Any] = field(default_factory=dict)
    origin: str = "manual"


@dataclass(slots=True)
class RecRelation:
    head: int  # index into Record.spans
    tail: int
    kind: str


@dataclass(slots=True)
class Record:
    text: str
    title: str = ""
    source: str | None = None
    url: str | None = None
    published: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    content_hash: str = ""
    annotator: str = ""
    status: str | None = None
    cats: dict[str, str] = field(default_factory=dict)  # group -> label, e.g. {"stance": "FAVOR"}
    spans: list[RecSpan] = field(default_factory=list)
    relations: list[RecRelation] = field(default_factory=list)
    where: str = ""  # file:line, for messages
    # keys only the native format carries, written as they are: "stories", "claim_links" (docs/claims.md)
    extra: dict[str, Any] = field(default_factory=dict)
    # parts of the record the reader could not represent and left out (the rest is exact), each
    # naming file:line; the importer reports them as errors (exit code 1)
    problems: list[Any] = field(default_factory=list)
    # the text's tokens as stored with the document (annotator.core.tokens.encode), when the
    # export read them: token-aligned writers build their Doc from them instead of tokenising
    tokens: bytes | None = None

    def canonical(self) -> Record:
        """Sort spans by (start, end, layer, label, attrs) and renumber relations to match."""
        order = sorted(range(len(self.spans)), key=lambda i: span_key(self.spans[i]))
        new_index = {old: new for new, old in enumerate(order)}
        self.spans = [self.spans[i] for i in order]
        self.relations = sorted((RecRelation(new_index[r.head], new_index[r.tail], r.kind) for r in self.relations),
                                key=lambda r: (r.head, r.tail, r.kind))
        return self


def span_key(s: RecSpan) -> tuple:
    return (s.start, s.end, s.layer, s.label, orjson.dumps(s.attrs, option=orjson.OPT_SORT_KEYS))


@dataclass(frozen=True, slots=True)
class ExportContext:
    """What a writer needs besides the records."""

    language: str = "en"
    align: str = "expand"  # expand | contract | skip
    view: str = ""  # annotator name, "gold" or "merged"
    labels: tuple[dict[str, Any], ...] = ()  # the project's label schema, as dicts
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)  # group -> its labels
    shard_docs: int = 0  # spaCy: documents per .spacy file (0: one file)
    offsets: str = "utf16"  # doccano: the unit its offsets count (annotator.formats.units.UNITS)


@dataclass(slots=True)
class Issue:
    """Something a writer changed or left out; never silent."""

    kind: str  # "snapped" | "skipped" | "overlap" | "not-carried"
    where: str
    label: str
    start: int
    end: int
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.kind} {self.label} [{self.start}, {self.end}) {self.detail}".rstrip()

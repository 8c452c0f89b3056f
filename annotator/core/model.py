"""Plain data types passed between storage, formats, services and the Qt layer.

Nothing here knows about SQL or Qt. Every offset is a Python ``str`` index (code point)
into ``DocumentData.text``; ``end`` is exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Layer(StrEnum):
    ENTITY = "entity"
    CLAIM = "claim"
    DOCUMENT = "document"  # document categories such as stance


class Role(StrEnum):
    ANNOTATOR = "annotator"
    LEAD = "lead"
    GOLD = "gold"  # the adjudicated set is stored as the work of a special "gold" annotator


class Status(StrEnum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class Origin(StrEnum):
    MANUAL = "manual"
    PATTERN = "pattern"
    MODEL = "model"
    IMPORT = "import"
    ADJUDICATION = "adjudication"


GOLD_ANNOTATOR = "gold"

# Pending machine suggestions (docs/preannotation.md): spans of these origins are nobody's decision
# until an annotator accepts them (then their origin becomes manual).
SUGGESTION_ORIGINS: tuple[str, ...] = (str(Origin.PATTERN), str(Origin.MODEL))


def is_suggestion_origin(origin: str | Origin) -> bool:
    return str(origin) in SUGGESTION_ORIGINS


# A claim's claimant is a relation of this kind from the claim span to an entity span of the same
# document and annotator; the claim's attributes never copy it (no row ids in attributes).
CLAIMANT = "claimant"


@dataclass(frozen=True, slots=True)
class LabelDef:
    """A label as written in a schema file (no database id)."""

    name: str
    layer: Layer
    color: str = "#cccccc"
    hotkey: str | None = None
    description: str = ""
    group: str | None = None  # for document labels: the category they belong to, e.g. "stance"


@dataclass(frozen=True, slots=True)
class Label:
    id: int
    name: str
    layer: Layer
    color: str
    hotkey: str | None
    description: str
    group: str | None
    position: int


@dataclass(frozen=True, slots=True)
class Annotator:
    id: int
    name: str
    role: Role


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """What a document list shows: no text."""

    id: int
    title: str
    source: str | None
    published: str | None
    length: int
    status: Status = Status.TODO
    stance: str | None = None
    span_count: int = 0


@dataclass(frozen=True, slots=True)
class DocumentData:
    id: int
    text: str
    title: str
    source: str | None = None
    url: str | None = None
    published: str | None = None
    content_hash: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SpanData:
    id: int
    document_id: int
    annotator_id: int
    label_id: int
    start: int
    end: int
    attrs: dict[str, Any] = field(default_factory=dict)
    origin: Origin = Origin.MANUAL


@dataclass(frozen=True, slots=True)
class DocumentLabelData:
    id: int
    document_id: int
    annotator_id: int
    label_id: int
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RelationData:
    id: int
    annotator_id: int
    head_span_id: int
    tail_span_id: int
    kind: str


@dataclass(frozen=True, slots=True)
class NewSpan:
    """A span that is not stored yet (from an importer, a pattern, a model)."""

    start: int
    end: int
    label: str
    attrs: dict[str, Any] = field(default_factory=dict)
    origin: Origin = Origin.IMPORT


@dataclass(slots=True)
class NewDocument:
    """A document as an importer produced it, before normalisation and storage."""

    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[NewSpan] = field(default_factory=list)
    # where it came from, for error messages: "file.jsonl:12"
    origin: str = ""
    # the file's text as read (a web page: its HTML) when ``text`` is not all of it: boilerplate
    # lines were cut (``cuts``, a list of ``annotator.core.article.Cut``) or text was extracted
    original: str | None = None
    cuts: list[Any] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ClaimData:
    """A claim as annotators see it: its span, its stance towards the target, and who makes it:
    an entity span of the same document (``claimant``), or, when a file named someone without
    marking them in the text, just a name (``claimant_text``)."""

    span: SpanData
    stance: str | None = None
    claimant: SpanData | None = None
    claimant_text: str | None = None

    def claimant_name(self, text: str) -> str | None:
        if self.claimant is not None:
            return text[self.claimant.start:self.claimant.end]
        return self.claimant_text


def claims_of(spans: list[SpanData] | dict[int, SpanData], relations: list[RelationData],
              claim_label_ids: set[int]) -> dict[int, ClaimData]:
    """The claims among ``spans`` with their stance and claimant (from ``CLAIMANT`` relations)."""
    by_id = spans if isinstance(spans, dict) else {s.id: s for s in spans}
    claimant = {r.head_span_id: r.tail_span_id for r in relations if r.kind == CLAIMANT}
    out = {}
    for s in by_id.values():
        if s.label_id not in claim_label_ids:
            continue
        ent = by_id.get(claimant.get(s.id, -1))
        out[s.id] = ClaimData(s, s.attrs.get("stance"), ent, None if ent else s.attrs.get("claimant"))
    return out


@dataclass(frozen=True, slots=True)
class OriginalText:
    """What a document's file said, kept beside the text people annotate: ``cuts`` (a tuple of
    ``annotator.core.article.Cut``) are the lines left out, with offsets into ``text``, or into
    the extracted text (``kind`` "html": ``text`` is the page's HTML)."""

    document_id: int
    text: str
    kind: str = "text"
    cuts: tuple[Any, ...] = ()

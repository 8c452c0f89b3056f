"""Reads for exports and training data: what one view (an annotator, gold, several annotators for a
merge) has in a set of documents, in bulk, as plain rows. The export service turns them into
records; no SQL leaves this package."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from annotator.core.model import SUGGESTION_ORIGINS, Status

if TYPE_CHECKING:
    from annotator.storage.project import Project


@dataclass(frozen=True, slots=True)
class DocRow:
    id: int
    text: str
    title: str
    source: str | None
    url: str | None
    published: str | None
    content_hash: str
    meta: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SpanRow:
    id: int
    document_id: int
    annotator_id: int
    label_id: int
    start: int
    end: int
    attrs: dict[str, Any]
    origin: str


@dataclass(frozen=True, slots=True)
class RelationRow:
    annotator_id: int
    head_span_id: int
    tail_span_id: int
    kind: str


@dataclass(frozen=True, slots=True)
class LabelRow:
    document_id: int
    annotator_id: int
    label_id: int


@dataclass(frozen=True, slots=True)
class StatusRow:
    document_id: int
    annotator_id: int
    status: str


@dataclass
class ViewRows:
    docs: list[DocRow] = field(default_factory=list)
    spans: list[SpanRow] = field(default_factory=list)
    relations: list[RelationRow] = field(default_factory=list)
    labels: list[LabelRow] = field(default_factory=list)
    statuses: list[StatusRow] = field(default_factory=list)


def _tables():
    from annotator.storage.project import DL, D, R, S, ST

    return D, S, R, DL, ST


def _span_filter(S, annotator_ids: Sequence[int], include_suggestions: bool):  # noqa: N803
    cond = S.c.annotator_id.in_(list(annotator_ids))
    if not include_suggestions:
        cond = cond & S.c.origin.not_in(SUGGESTION_ORIGINS)
    return cond


def worked_document_ids(project: Project, annotator_ids: Sequence[int], *, include_suggestions: bool = False
                        ) -> list[int]:
    """Documents these annotators have worked on (a span, a document label, a status past to do), in id order."""
    if not annotator_ids:
        return []
    D, S, R, DL, ST = _tables()
    aids = list(annotator_ids)
    with project.read() as c:
        ids = set(c.execute(select(S.c.document_id).where(_span_filter(S, aids, include_suggestions))
                            .distinct()).scalars())
        ids.update(c.execute(select(DL.c.document_id).where(DL.c.annotator_id.in_(aids)).distinct()).scalars())
        ids.update(c.execute(select(ST.c.document_id).where(ST.c.annotator_id.in_(aids),
                                                            ST.c.status != str(Status.TODO)).distinct()).scalars())
    return sorted(ids)


def view_rows(project: Project, document_ids: Sequence[int], annotator_ids: Sequence[int], *,
              include_suggestions: bool = False) -> ViewRows:
    """Documents, the annotators' spans (pending suggestions left out unless asked), relations,
    document labels and statuses: one query per table."""
    D, S, R, DL, ST = _tables()
    ids, aids = list(document_ids), list(annotator_ids)
    out = ViewRows()
    with project.read() as c:
        out.docs = [DocRow(r.id, r.text, r.title, r.source, r.url, r.published, r.content_hash, dict(r.meta or {}))
                    for r in c.execute(select(D).where(D.c.id.in_(ids)).order_by(D.c.id))]
        out.spans = [SpanRow(r.id, r.document_id, r.annotator_id, r.label_id, r.start, r.end, dict(r.attrs or {}),
                             r.origin)
                     for r in c.execute(select(S.c.id, S.c.document_id, S.c.annotator_id, S.c.label_id, S.c.start,
                                               S.c.end, S.c.attrs, S.c.origin)
                                        .where(S.c.document_id.in_(ids), _span_filter(S, aids, include_suggestions)))]
        out.relations = [RelationRow(*r) for r in c.execute(
            select(R.c.annotator_id, R.c.head_span_id, R.c.tail_span_id, R.c.kind)
            .join(S, S.c.id == R.c.head_span_id)
            .where(S.c.document_id.in_(ids), R.c.annotator_id.in_(aids)).order_by(R.c.id))]
        out.labels = [LabelRow(*r) for r in c.execute(
            select(DL.c.document_id, DL.c.annotator_id, DL.c.label_id)
            .where(DL.c.document_id.in_(ids), DL.c.annotator_id.in_(aids)))]
        out.statuses = [StatusRow(*r) for r in c.execute(
            select(ST.c.document_id, ST.c.annotator_id, ST.c.status)
            .where(ST.c.document_id.in_(ids), ST.c.annotator_id.in_(aids)))]
    return out

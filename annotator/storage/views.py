"""Reads for exports and training data: what one view (an annotator, gold, several annotators for a
merge) has in a set of documents, in bulk, as plain rows. The export service turns them into
records; no SQL leaves this package.

The rows come from the DB-API cursor (no SQLAlchemy row processing) and JSON columns are
decoded with orjson (SQLite hands them back as text; PostgreSQL's driver decodes them itself):
an export reads tens of thousands of spans a second this way (docs/performance.md, Export)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import bindparam, func, select, type_coerce
from sqlalchemy.types import String

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


# A span as the export reads it, a plain tuple (tens of thousands per batch: no object per row):
# (id, document_id, annotator_id, label_id, start, end, attrs, origin); ``attrs`` a fresh dict.
SpanRow = tuple[int, int, int, int, int, int, dict[str, Any], str]


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
    ids: set[int] = set()
    with project.read() as c:
        for q in (select(S.c.document_id).where(_span_filter(S, aids, include_suggestions)).distinct(),
                  select(DL.c.document_id).where(DL.c.annotator_id.in_(aids)).distinct(),
                  select(ST.c.document_id).where(ST.c.annotator_id.in_(aids), ST.c.status != str(Status.TODO))
                  .distinct()):
            ids.update(r[0] for r in c.execute(q).cursor.fetchall())
    return sorted(ids)


def _json_dict(value: Any) -> dict[str, Any]:
    """A JSON object column as a fresh dict: text from SQLite, already decoded from PostgreSQL."""
    if value.__class__ is str:
        return (orjson.loads(value) or {}) if value != "{}" else {}
    return dict(value or {})


def _in_ids(col: Any, ids: list[int], sqlite: bool) -> Any:
    """``col IN ids``. On SQLite the ids travel as one JSON array parameter (``json_each``): the
    statement is the same for every batch (compiled once, no variable limit); PostgreSQL gets the
    usual expanding IN."""
    if not sqlite:
        return col.in_(ids)
    each = func.json_each(bindparam("ids_json", orjson.dumps(ids).decode(), type_=String)).table_valued("value")
    return col.in_(select(each.c.value))


def view_rows(project: Project, document_ids: Sequence[int], annotator_ids: Sequence[int], *,
              include_suggestions: bool = False) -> ViewRows:
    """Documents (in id order), the annotators' spans (pending suggestions left out unless asked),
    relations (in id order), document labels (in id order) and statuses: one query per table."""
    D, S, R, DL, ST = _tables()
    ids, aids = list(document_ids), list(annotator_ids)
    out = ViewRows()
    js = _json_dict
    sqlite = project.url is None
    with project.read() as c:
        rows = c.execute(select(D.c.id, D.c.text, D.c.title, D.c.source, D.c.url, D.c.published, D.c.content_hash,
                                type_coerce(D.c.meta, String))
                         .where(_in_ids(D.c.id, ids, sqlite)).order_by(D.c.id)).cursor.fetchall()
        out.docs = [DocRow(i, text, title, source, url, published, h, js(meta))
                    for i, text, title, source, url, published, h, meta in rows]
        rows = c.execute(select(S.c.id, S.c.document_id, S.c.annotator_id, S.c.label_id, S.c.start, S.c.end,
                                type_coerce(S.c.attrs, String), S.c.origin)
                         .where(_in_ids(S.c.document_id, ids, sqlite), _span_filter(S, aids, include_suggestions))
                         ).cursor.fetchall()
        out.spans = [(i, d, a, lab, s, e, js(attrs), o) for i, d, a, lab, s, e, attrs, o in rows]
        out.relations = [RelationRow(*r) for r in c.execute(
            select(R.c.annotator_id, R.c.head_span_id, R.c.tail_span_id, R.c.kind)
            .join(S, S.c.id == R.c.head_span_id)
            .where(_in_ids(S.c.document_id, ids, sqlite), R.c.annotator_id.in_(aids)).order_by(R.c.id)).cursor.fetchall()]
        out.labels = [LabelRow(*r) for r in c.execute(
            select(DL.c.document_id, DL.c.annotator_id, DL.c.label_id)
            .where(_in_ids(DL.c.document_id, ids, sqlite), DL.c.annotator_id.in_(aids)).order_by(DL.c.id)).cursor.fetchall()]
        out.statuses = [StatusRow(*r) for r in c.execute(
            select(ST.c.document_id, ST.c.annotator_id, ST.c.status)
            .where(_in_ids(ST.c.document_id, ids, sqlite), ST.c.annotator_id.in_(aids))).cursor.fetchall()]
    return out

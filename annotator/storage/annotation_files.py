"""Writes of annotation files (``annotator import-annotations``): the small steps the interchange
service takes inside one write transaction per batch. Each takes the open connection ``c`` the
service got from ``project.write()``; none lets a table object out."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Connection, delete, insert, select


def _t():
    from annotator.storage.project import DL, D, R, S, ST

    return D, S, R, DL, ST


def document_by_hash(c: Connection, content_hash: str) -> tuple[int, str] | None:
    """(id, text) of the document with this hash."""
    D = _t()[0]
    r = c.execute(select(D.c.id, D.c.text).where(D.c.content_hash == content_hash)).first()
    return None if r is None else (r.id, r.text)


def document_id_by_hash(c: Connection, content_hash: str) -> int | None:
    D = _t()[0]
    return c.execute(select(D.c.id).where(D.c.content_hash == content_hash)).scalar()


def insert_document(c: Connection, *, text: str, title: str, source: str | None, url: str | None,
                    published: str | None, content_hash: str, meta: dict[str, Any]) -> int:
    D = _t()[0]
    return c.execute(insert(D).values(text=text, title=title, source=source, url=url, published=published,
                                      content_hash=content_hash, meta=meta, length=len(text),
                                      created_at=time.time())).inserted_primary_key[0]


def has_work(c: Connection, document_id: int, annotator_id: int) -> bool:
    """Does the annotator have a span or a document label on the document?"""
    _D, S, _R, DL, _ST = _t()
    return (c.execute(select(S.c.id).where(S.c.document_id == document_id, S.c.annotator_id == annotator_id)
                      .limit(1)).first() is not None
            or c.execute(select(DL.c.id).where(DL.c.document_id == document_id, DL.c.annotator_id == annotator_id)
                         .limit(1)).first() is not None)


def clear_work(c: Connection, document_id: int, annotator_id: int) -> None:
    """Remove the annotator's spans (with their relations and links) and document labels on the document."""
    _D, S, _R, DL, _ST = _t()
    c.execute(delete(S).where(S.c.document_id == document_id, S.c.annotator_id == annotator_id))
    c.execute(delete(DL).where(DL.c.document_id == document_id, DL.c.annotator_id == annotator_id))


def insert_span(c: Connection, document_id: int, annotator_id: int, label_id: int, start: int, end: int,
                attrs: dict[str, Any], origin: str) -> int:
    S = _t()[1]
    now = time.time()
    return c.execute(insert(S).values(document_id=document_id, annotator_id=annotator_id, label_id=label_id,
                                      start=start, end=end, attrs=attrs, origin=origin, created_at=now,
                                      updated_at=now)).inserted_primary_key[0]


def insert_relation(c: Connection, annotator_id: int, head_span_id: int, tail_span_id: int, kind: str) -> None:
    R = _t()[2]
    c.execute(insert(R).values(annotator_id=annotator_id, head_span_id=head_span_id, tail_span_id=tail_span_id,
                               kind=kind, attrs={}))


def insert_document_label(c: Connection, document_id: int, annotator_id: int, label_id: int) -> None:
    DL = _t()[3]
    c.execute(insert(DL).values(document_id=document_id, annotator_id=annotator_id, label_id=label_id, attrs={},
                                updated_at=time.time()))


def put_status(c: Connection, document_id: int, annotator_id: int, status: str) -> None:
    ST = _t()[4]
    c.execute(delete(ST).where(ST.c.document_id == document_id, ST.c.annotator_id == annotator_id))
    c.execute(insert(ST).values(document_id=document_id, annotator_id=annotator_id, status=status,
                                updated_at=time.time()))

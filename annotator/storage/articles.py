"""The original text of imported articles (table ``document_original``, migration 0005) and the
article metadata (byline, standfirst, dateline in ``document.meta``), next to a ``Project``.

Functions take a ``Project`` (or, inside the importer's transaction, its connection) and return
plain data types; nothing outside ``annotator.storage`` touches the table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, func, insert, select

from annotator.core.article import Cut
from annotator.core.model import OriginalText
from annotator.storage.project import D, Project
from annotator.storage.tables import DocumentOriginal as DocumentOriginalT

O = DocumentOriginalT.__table__


def _cut_row(c: Cut) -> list[Any]:
    return [c.line, c.start, c.end, c.reason, c.text]


def store_originals(conn: Connection, originals: Mapping[int, tuple[str, str, list[Cut]]]) -> None:
    """Inside an open write transaction: {document id: (kind, original text, cuts)}."""
    rows = [dict(document_id=did, kind=kind, text=text, cuts=[_cut_row(c) for c in cuts])
            for did, (kind, text, cuts) in originals.items()]
    if rows:
        conn.execute(insert(O), rows)


def original(project: Project, document_id: int) -> OriginalText:
    """What the document's file said; a document imported whole is its own original."""
    with project.read() as c:
        row = c.execute(select(O).where(O.c.document_id == document_id)).first()
        if row is None:
            text = c.execute(select(D.c.text).where(D.c.id == document_id)).scalar()
            return OriginalText(document_id, text or "", "text", ())
    return OriginalText(document_id, row.text, row.kind, tuple(Cut(*r) for r in (row.cuts or [])))


def cut_count(project: Project, document_id: int) -> int:
    """How many lines (or line prefixes) were left out of the document's text at import."""
    with project.read() as c:
        return c.execute(select(func.coalesce(func.json_array_length(O.c.cuts), 0))
                         .where(O.c.document_id == document_id)).scalar() or 0


def article_info(project: Project, document_id: int) -> dict[str, Any]:
    """Title, outlet, date, byline, standfirst, dateline of a document, without its text."""
    with project.read() as c:
        row = c.execute(select(D.c.title, D.c.source, D.c.published, D.c.url, D.c.meta)
                        .where(D.c.id == document_id)).first()
    if row is None:
        return {}
    meta = dict(row.meta or {})
    return {"title": row.title, "source": row.source, "published": row.published, "url": row.url,
            "byline": meta.get("byline"), "standfirst": meta.get("standfirst"), "dateline": meta.get("dateline")}

"""What a document list needs to serve any row on demand: the ids of the documents a filter
shows, in id order, as one compact array (8 bytes a document: 0.8 MB for 100,000), read from
indexes only (never a document row); rows are then read a page at a time by id
(``Project.summaries``).

Ids without gaps (no document ever deleted: the usual case) are not read at all: a ``range``
stands for them. With the ids in hand a list can show its true length at once, jump to any row (the end, the
middle, a remembered document) with one page query, and find a document's row with a binary
search. Counting already walks the same index entries, so reading them costs little more than
the count did.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sqlalchemy import Select, func, select

from annotator.core.model import DocumentSummary, Status
from annotator.storage.glance import PAGE_SQL, id_span, page_summaries
from annotator.storage.project import D, FTS, FTS_ROWID_FILTER, ST, Project, _fts_match

if TYPE_CHECKING:
    import numpy as np


def _ids(project: Project, q: Select) -> np.ndarray:
    import numpy as np

    with project.read() as c:
        # the DB-API rows as they come (SQLAlchemy's per-row result processing costs 3x the query)
        rows = c.execute(q).cursor.fetchall()
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    ids.sort()
    return ids


def _all_ids(project: Project) -> range | np.ndarray:
    """Every document id. Ids without gaps (nothing ever deleted) are a ``range``: no id is read."""
    with project.read() as c:
        lo, hi, n = c.execute(select(func.min(D.c.id), func.max(D.c.id), func.count()).select_from(D)).one()
    ids = id_span(lo, hi, n)
    return ids if ids is not None else _ids(project, select(D.c.id))


def document_ids(project: Project, *, annotator_id: int | None = None, status: Status | None = None,
                 search: str | None = None) -> range | np.ndarray:
    """Sorted ids of the documents ``Project.list_documents`` would list with these filters."""
    search = search if search and search.strip() else None
    if search is not None and project.url is None:
        # the FTS index alone: its rowids are document ids (kept by triggers)
        q = project._doc_filter(select(FTS.c.rowid).where(_fts_match(search)), annotator_id, status, None,
                                FTS_ROWID_FILTER)
        return _ids(project, q)
    if search is not None:  # PostgreSQL: its own search clause
        return _ids(project, project._doc_filter(select(D.c.id), annotator_id, status, search))
    if status is None or annotator_id is None:
        return _all_ids(project)
    mine = select(ST.c.document_id).where(ST.c.annotator_id == annotator_id)
    if status == Status.TODO:  # "to do" is every document without another status
        others = _ids(project, mine.where(ST.c.status != str(Status.TODO)))
        import numpy as np

        everything = _all_ids(project)
        if isinstance(everything, range):
            everything = np.arange(everything.start, everything.stop, dtype=np.int64)
        return np.setdiff1d(everything, others, assume_unique=True)
    return _ids(project, mine.where(ST.c.status == str(status)))


def summaries(project: Project, ids: list[int], annotator_id: int | None) -> list[DocumentSummary]:
    """``Project.summaries`` for a page of a list, in one prepared statement (SQLite)."""
    if project.url is not None or annotator_id is None or not ids:
        return project.summaries(ids, annotator_id)
    with project.read() as c:
        # the DB-API cursor's rows as they come (no per-row result processing)
        rows = c.exec_driver_sql(PAGE_SQL, {"a": annotator_id, "ids": json.dumps(ids)}).cursor.fetchall()
    return page_summaries(rows)

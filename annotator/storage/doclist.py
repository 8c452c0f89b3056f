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

from sqlalchemy import Select, func, select, text

from annotator.core.model import DocumentSummary, Status
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
    if not n:
        return range(0)
    if hi - lo + 1 == n:
        return range(lo, hi + 1)
    return _ids(project, select(D.c.id))


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


_STATUS = {str(s): s for s in Status}
# One statement a page (SQLite caches it prepared): the rows, and the annotator's status, stance
# and span count of each, by correlated lookups on their indexes.
_PAGE_SQL = """
SELECT d.id, d.title, d.source, d.published, d.length,
  (SELECT st.status FROM document_status st WHERE st.document_id = d.id AND st.annotator_id = :a),
  (SELECT l.name FROM document_label dl JOIN label l ON l.id = dl.label_id
    WHERE dl.document_id = d.id AND dl.annotator_id = :a AND l."group" = 'stance' ORDER BY dl.id DESC LIMIT 1),
  (SELECT count(*) FROM span s WHERE s.document_id = d.id AND s.annotator_id = :a)
FROM document d WHERE d.id IN (SELECT value FROM json_each(:ids)) ORDER BY d.id
"""


def summaries(project: Project, ids: list[int], annotator_id: int | None) -> list[DocumentSummary]:
    """``Project.summaries`` for a page of a list, in one prepared statement (SQLite)."""
    if project.url is not None or annotator_id is None or not ids:
        return project.summaries(ids, annotator_id)
    with project.read() as c:
        rows = c.execute(text(_PAGE_SQL), {"a": annotator_id, "ids": json.dumps(ids)}).all()
    todo = Status.TODO
    return [DocumentSummary(i, t, s, p, n, _STATUS.get(st, todo) if st else todo, stance, k)
            for i, t, s, p, n, st, stance, k in rows]

"""A first look at a project file with the standard library alone, for the window's first paint.

Opening a project the full way (``Project.open``) imports SQLAlchemy, SQLModel and pydantic
(~0.6 s) before anything can be shown. :func:`glance` instead reads, with ``sqlite3`` on a
read-only connection, only what the document list needs to paint its first rows: the schema
revision (it must be the head), the annotator (by name), the document ids and a page of
summaries, by the same statement the list uses later (:data:`PAGE_SQL`). The window is shown
from it and the project is then opened the full way (``annotator.qt.app``).

Anything unusual returns ``None`` and the caller opens the project the usual way, which gives
its usual messages: a file that is not a project, damaged, read-only (its own checks and
banner), at another revision (a migration, or a newer version), an annotator not yet in the
project (adding one writes), any SQLite error. Nothing here ever writes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from array import array
from pathlib import Path

from annotator.core.errors import ProjectError
from annotator.core.model import Annotator, DocumentSummary, Role, Status
from annotator.storage import files

_STATUS = {str(s): s for s in Status}

# One statement a page (SQLite caches it prepared): the rows, and the annotator's status, stance
# and span count of each, by correlated lookups on their indexes. Named parameters: :a (the
# annotator's id) and :ids (a JSON array of document ids). ``annotator.storage.doclist`` runs it
# for an open project.
PAGE_SQL = """
SELECT d.id, d.title, d.source, d.published, d.length,
  (SELECT st.status FROM document_status st WHERE st.document_id = d.id AND st.annotator_id = :a),
  (SELECT l.name FROM document_label dl JOIN label l ON l.id = dl.label_id
    WHERE dl.document_id = d.id AND dl.annotator_id = :a AND l."group" = 'stance' ORDER BY dl.id DESC LIMIT 1),
  (SELECT count(*) FROM span s WHERE s.document_id = d.id AND s.annotator_id = :a)
FROM document d WHERE d.id IN (SELECT value FROM json_each(:ids)) ORDER BY d.id
"""


def page_summaries(rows: list) -> list[DocumentSummary]:
    """The rows of :data:`PAGE_SQL` as summaries."""
    todo = Status.TODO
    return [DocumentSummary(i, t, s, p, n, _STATUS.get(st, todo) if st else todo, stance, k)
            for i, t, s, p, n, st, stance, k in rows]


def id_span(lo: int | None, hi: int | None, n: int) -> range | None:
    """Ids without gaps (no document ever deleted: the usual case) as a ``range``; None if there are gaps."""
    if not n:
        return range(0)
    return range(lo, hi + 1) if hi - lo + 1 == n else None


class Glance:
    """A read-only look at a project at the head revision.

    Serves the unfiltered document list (:meth:`document_ids`, :meth:`summaries`) like
    ``annotator.storage.doclist`` does for an open project; a filter (status, search) returns
    None from :meth:`document_ids`: it waits for the project.

    The ids and the first page are read on a thread from the start (counting 100,000 documents
    takes SQLite ~12 ms, and it lets go of the GIL meanwhile), while the caller builds its
    window; :meth:`ready` waits for them (False: the project is to be opened the usual way,
    which reports what is wrong as usual). Otherwise one thread at a time."""

    url = None  # a file, never a server
    read_only = False
    FIRST_PAGE = 200  # the list's first page (``DocumentListModel.PAGE``)

    def __init__(self, path: Path, con: sqlite3.Connection, annotator: Annotator) -> None:
        self.path = path
        self.annotator = annotator
        self._con = con
        self._ids: range | array | None = None  # read on the thread, served once
        self._page0: tuple[list[int], list[DocumentSummary]] | None = None  # the first page, likewise
        self._error: sqlite3.Error | None = None
        self._reader = threading.Thread(target=self._read_first, name="glance", daemon=True)
        self._reader.start()

    def _read_first(self) -> None:  # the thread
        try:
            self._ids = ids = self._all_ids()
            first = list(ids[:self.FIRST_PAGE])
            self._page0 = first, self._page(first, self.annotator.id)
        except sqlite3.Error as e:  # raised again where the caller asks for the ids
            self._error = e

    def ready(self) -> bool:
        """Wait for the first reads; False if SQLite refused them (a damaged file, a lock)."""
        try:
            self._wait()
        except sqlite3.Error:
            return False
        return True

    def _wait(self) -> None:
        if self._reader is not None:
            self._reader.join()
            self._reader = None
            if self._error is not None:
                raise self._error

    def _all_ids(self) -> range | array:
        lo, hi, n = self._con.execute("SELECT min(id), max(id), count(*) FROM document").fetchone()
        ids = id_span(lo, hi, n)
        if ids is not None:
            return ids
        return array("q", (r[0] for r in self._con.execute("SELECT id FROM document ORDER BY id")))

    def _page(self, ids: list[int], annotator_id: int) -> list[DocumentSummary]:
        return page_summaries(self._con.execute(PAGE_SQL, {"a": annotator_id, "ids": json.dumps(ids)}).fetchall())

    def document_ids(self, *, annotator_id: int | None = None, status: Status | None = None,
                     search: str | None = None) -> range | array | None:
        """Every document id, sorted (a ``range`` without gaps), or None for a filter."""
        if status is not None or (search and search.strip()):
            return None
        self._wait()
        ids, self._ids = self._ids, None
        return ids if ids is not None else self._all_ids()

    def summaries(self, ids: list[int], annotator_id: int) -> list[DocumentSummary]:
        """Summaries of these documents for this annotator, in id order (``doclist.summaries``)."""
        self._wait()
        if self._page0 is not None and annotator_id == self.annotator.id and ids == self._page0[0]:
            page, self._page0 = self._page0[1], None
            return page
        return self._page(ids, annotator_id)

    def close(self) -> None:
        self.ready()
        self._con.close()


def glance(path: str | Path, annotator_name: str) -> Glance | None:
    """A :class:`Glance` at the project file ``path`` for this annotator, or None when the
    project must be opened the full way (see the module's docstring)."""
    name = annotator_name.strip()
    if not name or "://" in str(path):
        return None
    try:
        path = Path(path).expanduser()
        files.check_sqlite_file(path)
        path = path.resolve()
        if files.open_mode(path)[0] != files.RW:
            return None
    except (ProjectError, OSError):
        return None
    con = None
    try:
        # (check_same_thread=False: the first reads run on the Glance's thread, then this one's)
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
        revs = con.execute("SELECT version_num FROM alembic_version").fetchall()
        if revs != [(files.head_revision(),)]:
            con.close()
            return None
        row = con.execute("SELECT id, name, role FROM annotator WHERE name = ?", (name,)).fetchone()
        if row is None:
            con.close()
            return None
        return Glance(path, con, Annotator(row[0], row[1], Role(row[2])))
    except (sqlite3.Error, ValueError):
        if con is not None:
            con.close()
        return None

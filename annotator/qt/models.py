"""Item models over the core's plain data. No SQL here: they call ``annotator.storage``."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from annotator.core.model import DocumentSummary, Status
from annotator.storage.glance import Glance

if TYPE_CHECKING:
    from annotator.storage import Project

_Index = QModelIndex | QPersistentModelIndex
STATUS_MARK = {Status.TODO: "○", Status.IN_PROGRESS: "◐", Status.DONE: "●"}
_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")
# roles as plain ints: ``data`` is called 7 times per cell painted (font, alignment, colours,
# check state, icon, text), most often for roles it does not serve, and has to say so fast.
# (Answering them in one ``multiData`` call measured no faster: the iteration over the roles
# from Python costs what the calls did; Qt's own painting is ~85 % of a page.)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ID = int(Qt.ItemDataRole.UserRole) + 1
_SUMMARY = int(Qt.ItemDataRole.UserRole) + 2


class DocumentListModel(QAbstractTableModel):
    """Documents of a project (title, source, date), every row served on demand.

    The model holds the ids its filter shows (``annotator.storage.doclist.document_ids``: one
    index-only query, 8 bytes a document) and is sized by them: the view's scroll bar is
    true from the start, the end is one jump away, and a document's row is a binary search.
    Rows themselves (title, source, date, the annotator's status, stance, span count) are read
    a page of ids at a time when the view first asks for one of them, and a bounded number of
    pages is kept; a 100,000-document project never has more than ``PAGE * CACHE_PAGES``
    summaries in memory.

    Before the project is open (the window's first paint, ``annotator.qt.app``) the model reads
    from a :class:`~annotator.storage.glance.Glance`; :meth:`set_project` then moves it onto the
    project, keeping its rows. A filter set meanwhile is applied then.
    """

    PAGE = 200
    CACHE_PAGES = 50
    TITLE, SOURCE, DATE = range(3)
    HEADERS = ("Title", "Source", "Date")
    DocumentIdRole = Qt.ItemDataRole.UserRole + 1
    SummaryRole = Qt.ItemDataRole.UserRole + 2

    def __init__(self, project: Project | Glance, annotator_id: int | None = None, parent=None) -> None:
        super().__init__(parent)
        self._project = project
        self._annotator_id = annotator_id
        self._status: Status | None = None
        self._search: str | None = None
        self._waiting = False  # a filter that waits for the project (set_project applies it)
        self._ids: Sequence[int] = range(0)  # a range, or a sorted array when the ids have gaps
        # page number -> (summaries, display strings per row: title, source, date)
        self._pages: OrderedDict[int, tuple[list[DocumentSummary], list[tuple[str, str, str]]]] = OrderedDict()
        self._hot, self._hot_cells = -1, []  # the page painted last: most calls are for it
        self.pages_read = 0  # how many pages were read from the project (tests, benchmarks)
        self.reload()

    # ---------------------------------------------------------------- filter
    def set_filter(self, *, status: Status | None = None, search: str | None = None) -> None:
        self._status, self._search = status, (search or None)
        self.reload()

    def set_annotator(self, annotator_id: int | None) -> None:
        self._annotator_id = annotator_id
        self.reload()

    def set_project(self, project: Project) -> None:
        """Read from the open project from now on (it was a glance): the rows stay, unless a filter
        waits or the documents changed meanwhile."""
        if project is self._project:
            return
        self._project = project
        if not self._waiting and _same_ids(self._read_ids(), self._ids):
            return
        self.reload()

    def waiting(self) -> bool:
        """True while a filter waits for the project to be open."""
        return self._waiting

    def _read_ids(self) -> Sequence[int] | None:
        kw = {"annotator_id": self._annotator_id, "status": self._status, "search": self._search}
        if isinstance(self._project, Glance):
            return self._project.document_ids(**kw)  # None: a filter, applied when the project is open
        from annotator.storage.doclist import document_ids

        return document_ids(self._project, **kw)

    def reload(self) -> None:
        ids = self._read_ids()
        self._waiting = ids is None
        if ids is None:
            return
        self.beginResetModel()
        self._ids = ids
        self._pages.clear()
        self._hot, self._hot_cells = -1, []
        self.endResetModel()

    def total(self) -> int:
        return len(self._ids)

    def document_id(self, row: int) -> int:
        return int(self._ids[row])

    def row_of(self, document_id: int) -> int:
        """The row of a document under the current filter, or -1 (a binary search of the ids)."""
        ids = self._ids
        if isinstance(ids, range):
            return document_id - ids.start if document_id in ids else -1
        i = bisect_left(ids, document_id)
        return i if i < len(ids) and ids[i] == document_id else -1

    def summary(self, row: int) -> DocumentSummary:
        """One row's summary: its page is read from the project the first time it is needed."""
        p, i = divmod(row, self.PAGE)
        return self._page(p)[0][i]

    def _page(self, p: int) -> tuple[list[DocumentSummary], list[tuple[str, str, str]]]:
        page = self._pages.get(p)
        if page is None:
            return self._read_page(p)
        self._pages.move_to_end(p)
        return page

    def _read_page(self, p: int) -> tuple[list[DocumentSummary], list[tuple[str, str, str]]]:
        chunk = self._ids[p * self.PAGE:(p + 1) * self.PAGE]
        ids = list(chunk) if isinstance(chunk, range) else chunk.tolist()
        got = {s.id: s for s in self._summaries(ids)}
        # a document deleted since the ids were read keeps its row until the next reload
        rows = [got.get(d) or DocumentSummary(d, "(deleted)", None, None, 0) for d in ids]
        page = (rows, [_cells(d) for d in rows])
        self._pages[p] = page
        self.pages_read += 1
        while len(self._pages) > self.CACHE_PAGES:
            if self._pages.popitem(last=False)[0] == self._hot:
                self._hot, self._hot_cells = -1, []
        return page

    def refresh_row(self, document_id: int) -> None:
        """Re-read one document's summary (status, stance, span count) after an edit."""
        i = self.row_of(document_id)
        if i < 0:
            return
        p, k = divmod(i, self.PAGE)
        page = self._pages.get(p)
        if page is None:
            return  # not read yet: it will be read fresh when shown
        fresh = self._summaries([document_id])
        if fresh:
            page[0][k], page[1][k] = fresh[0], _cells(fresh[0])
            self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.HEADERS) - 1))

    def _summaries(self, ids: list[int]) -> list[DocumentSummary]:
        if isinstance(self._project, Glance) and self._annotator_id is not None:
            return self._project.summaries(ids, self._annotator_id)
        from annotator.storage.doclist import summaries

        return summaries(self._project, ids, self._annotator_id)

    # ---------------------------------------------------------------- Qt API
    # no index() override: Qt asks for an index per painted cell, and a Python override cost
    # ~0.5 ms a page of the scroll (callers give the column: ``index(row, 0)``)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:
        return False  # every row is there from the start; its data is read when shown

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if role == _DISPLAY:
            row = index.row()
            p = row // self.PAGE
            if p != self._hot:
                if not index.isValid() or not 0 <= row < len(self._ids):
                    return None
                self._hot, self._hot_cells = p, self._page(p)[1]
            return self._hot_cells[row - p * self.PAGE][index.column()]
        if role == _ID:
            return int(self._ids[index.row()]) if index.isValid() and 0 <= index.row() < len(self._ids) else None
        if role != _TOOLTIP and role != _SUMMARY:
            return None
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        d = self.summary(index.row())
        if role == _SUMMARY:
            return d
        bits = [d.title or "(untitled)", f"{d.length:,} characters", f"status: {d.status.value.replace('_', ' ')}"]
        if d.published:
            bits.append(f"published {d.published}")
        if d.source:
            bits.append(f"source: {d.source}")
        if d.stance:
            bits.append(f"stance: {d.stance}")
        if d.span_count:
            bits.append(f"{d.span_count} spans")
        return "\n".join(bits)


def _same_ids(a: Sequence[int] | None, b: Sequence[int]) -> bool:
    if a is None or isinstance(a, range) or isinstance(b, range):
        return isinstance(a, range) and isinstance(b, range) and a == b
    return len(a) == len(b) and list(a) == list(b)


def _cells(d: DocumentSummary) -> tuple[str, str, str]:
    """What a row shows: status mark, title and stance; source; day of publication."""
    stance = f"  [{d.stance}]" if d.stance else ""
    return f"{STATUS_MARK[d.status]} {d.title or '(untitled)'}{stance}", d.source or "", _short_date(d.published)


def _short_date(published: str | None) -> str:
    """The day of an ISO date-time ("2026-03-01T08:00:00Z" -> "2026-03-01"); anything else as given."""
    if not published:
        return ""
    m = _ISO_DATE.match(published)
    return m.group(0) if m else published

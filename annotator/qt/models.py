"""Item models over the core's plain data. No SQL here: they call ``Project`` methods."""

from __future__ import annotations

from bisect import bisect_left

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from annotator.core.model import DocumentSummary, Status
from annotator.storage import Project

_Index = QModelIndex | QPersistentModelIndex
STATUS_MARK = {Status.TODO: "○", Status.IN_PROGRESS: "◐", Status.DONE: "●"}


class DocumentListModel(QAbstractListModel):
    """Documents of a project, fetched a page at a time as the view scrolls."""

    PAGE = 200
    DocumentIdRole = Qt.ItemDataRole.UserRole + 1
    SummaryRole = Qt.ItemDataRole.UserRole + 2

    def __init__(self, project: Project, annotator_id: int | None = None, parent=None) -> None:
        super().__init__(parent)
        self._project = project
        self._annotator_id = annotator_id
        self._status: Status | None = None
        self._search: str | None = None
        self._rows: list[DocumentSummary] = []
        self._total = 0
        self.reload()

    # ---------------------------------------------------------------- filter
    def set_filter(self, *, status: Status | None = None, search: str | None = None) -> None:
        self._status, self._search = status, (search or None)
        self.reload()

    def set_annotator(self, annotator_id: int | None) -> None:
        self._annotator_id = annotator_id
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._total = self._project.count_documents(annotator_id=self._annotator_id, status=self._status,
                                                    search=self._search)
        self._rows = self._fetch(None)
        self.endResetModel()

    def total(self) -> int:
        return self._total

    def _fetch(self, after_id: int | None) -> list[DocumentSummary]:
        # keyset paging (ids after the last row shown): constant time however far one scrolls
        return self._project.list_documents(annotator_id=self._annotator_id, status=self._status,
                                            search=self._search, after_id=after_id, limit=self.PAGE)

    def refresh_row(self, document_id: int) -> None:
        """Re-read one document's summary (status, stance, span count) after an edit."""
        i = self.row_of(document_id)
        if i < 0:
            return
        fresh = self._project.summaries([document_id], self._annotator_id)
        if fresh:
            self._rows[i] = fresh[0]
            idx = self.index(i)
            self.dataChanged.emit(idx, idx)

    # ---------------------------------------------------------------- Qt API
    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:
        if parent.isValid():
            return
        more = self._fetch(self._rows[-1].id if self._rows else None)
        if not more:
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        d = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            stance = f"  [{d.stance}]" if d.stance else ""
            return f"{STATUS_MARK[d.status]} {d.title or '(untitled)'}{stance}"
        if role == Qt.ItemDataRole.ToolTipRole:
            bits = [d.title, f"{d.length:,} characters", f"status: {d.status.value.replace('_', ' ')}"]
            if d.published:
                bits.append(f"published {d.published}")
            if d.source:
                bits.append(f"source: {d.source}")
            if d.span_count:
                bits.append(f"{d.span_count} spans")
            return "\n".join(bits)
        if role == self.DocumentIdRole:
            return d.id
        if role == self.SummaryRole:
            return d
        return None

    def row_of(self, document_id: int) -> int:
        # rows are in id order: bisect, not a scan of up to 100,000 rows
        i = bisect_left(self._rows, document_id, key=lambda d: d.id)
        return i if i < len(self._rows) and self._rows[i].id == document_id else -1

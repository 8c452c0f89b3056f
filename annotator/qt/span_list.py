"""The list of the open document's spans (the current annotator's only), in text order."""

from __future__ import annotations

from bisect import bisect_left
from itertools import compress, islice
from operator import eq, le

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from annotator.core.model import Label, SpanData

_Index = QModelIndex | QPersistentModelIndex


def _key(s: SpanData) -> tuple[int, int, int]:
    return (s.start, -s.end, s.id)


def _in_order(rows: list[SpanData]) -> bool:
    """Whether ``rows`` are in the list's order already (the workspace reads a large document's
    spans in that order): starts compared in C, the few spans that start together in Python."""
    starts = [s.start for s in rows]
    nxt = islice(starts, 1, None)
    if not all(map(le, starts, nxt)):
        return False
    return all(_key(rows[i]) < _key(rows[i + 1])
               for i in compress(range(len(rows) - 1), map(eq, starts, islice(starts, 1, None))))


class SpanListModel(QAbstractListModel):
    SpanIdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[SpanData] = []  # in text order: (start, end descending, id)
        self._labels: dict[int, Label] = {}
        self._by_id: dict[int, SpanData] = {}
        self._text = ""
        self._hints: dict[int, str] = {}  # span id -> "also ORG ×2" (annotator.qt.consistency)

    def set_hints(self, hints: dict[int, str]) -> None:
        changed = set(hints) | set(self._hints)
        self._hints = dict(hints)
        for sid in changed:
            row = self.row_of(sid)
            if row >= 0:
                self.dataChanged.emit(self.index(row), self.index(row))

    def hint(self, span_id: int) -> str:
        return self._hints.get(span_id, "")

    def reset(self, text: str, spans: list[SpanData], labels: dict[int, Label]) -> None:
        self.beginResetModel()
        self._text, self._labels = text, labels
        rows = list(spans)
        self._rows = rows if _in_order(rows) else sorted(rows, key=_key)
        self._by_id = {s.id: s for s in rows}
        self.endResetModel()

    def apply(self, added: list[SpanData], removed: list[int]) -> None:
        """Incremental update: O(log n) per span to find its row, so large documents stay fast."""
        for sid in list(removed) + [s.id for s in added]:
            row = self.row_of(sid)
            if row >= 0:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                del self._by_id[sid]
                self.endRemoveRows()
        for s in added:
            row = bisect_left(self._rows, _key(s), key=_key)
            self.beginInsertRows(QModelIndex(), row, row)
            self._rows.insert(row, s)
            self._by_id[s.id] = s
            self.endInsertRows()

    def row_of(self, span_id: int) -> int:
        s = self._by_id.get(span_id)
        if s is None:
            return -1
        return bisect_left(self._rows, _key(s), key=_key)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        s = self._rows[index.row()]
        lab = self._labels.get(s.label_id)
        if role == Qt.ItemDataRole.DisplayRole:
            snippet = self._text[s.start:s.end].replace("\n", " ")
            if len(snippet) > 48:
                snippet = snippet[:45] + "…"
            extra = f"  ({s.attrs['stance']})" if s.attrs.get("stance") else ""
            hint = f"  ⚠ {self._hints[s.id]}" if s.id in self._hints else ""
            return f"{lab.name if lab else '?'}  {snippet}{extra}{hint}"
        if role == Qt.ItemDataRole.DecorationRole and lab is not None:
            return QColor(lab.color)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"{lab.name if lab else '?'} [{s.start}, {s.end})\n{self._text[s.start:s.end][:300]}"
            if s.id in self._hints:
                tip += (f"\n\nYou labelled the same text differently elsewhere: {self._hints[s.id]}. "
                        "Right-click, or Ctrl+J, to go there.")
            return tip
        if role == self.SpanIdRole:
            return s.id
        return None


class SpanList(QTableView):
    """A one-column table rather than a QListView: a list view re-lays out every row (a Python
    ``rowCount`` call per row) after each insert, a table's header does not, so an edit in a
    document with 20,000 spans stays within a frame."""

    spanActivated = Signal(int)
    jumpRequested = Signal(int)  # span id: go to where its text has another label

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("spanList")
        self.model_ = SpanListModel(self)
        self.setModel(self.model_)
        self.horizontalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        vh = self.verticalHeader()
        vh.hide()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.selectionModel().currentChanged.connect(self._current)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)

    def _menu(self, pos) -> None:  # noqa: ANN001
        idx = self.indexAt(pos)
        sid = idx.data(SpanListModel.SpanIdRole) if idx.isValid() else None
        if sid is None or not self.model_.hint(sid):
            return
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self)
        menu.addAction(f"Go to the same text with another label ({self.model_.hint(sid)})  Ctrl+J",
                       lambda: self.jumpRequested.emit(sid))
        menu.popup(self.viewport().mapToGlobal(pos))
        self.context_menu = menu

    def apply(self, added: list[SpanData], removed: list[int]) -> None:
        """Update rows without moving the user's selection (row moves must not pick another span)."""
        current = self.currentIndex().data(SpanListModel.SpanIdRole) if self.currentIndex().isValid() else None
        self.selectionModel().blockSignals(True)
        try:
            self.model_.apply(added, removed)
        finally:
            self.selectionModel().blockSignals(False)
        self.select_span(current if current not in removed else None)

    def _current(self, idx: QModelIndex, _prev: QModelIndex) -> None:
        if idx.isValid():
            self.spanActivated.emit(idx.data(SpanListModel.SpanIdRole))

    def select_span(self, span_id: int | None) -> None:
        row = self.model_.row_of(span_id) if span_id is not None else -1
        self.selectionModel().blockSignals(True)
        try:
            if row < 0:
                self.clearSelection()
                self.setCurrentIndex(QModelIndex())
            else:
                idx = self.model_.index(row)
                self.setCurrentIndex(idx)
                self.scrollTo(idx)
        finally:
            self.selectionModel().blockSignals(False)
        self.viewport().update()

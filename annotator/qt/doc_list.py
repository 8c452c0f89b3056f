"""The document list's view: title, source and date columns over ``DocumentListModel``.

Rows have one fixed height (Qt then places 100,000 rows without measuring them), titles are elided
in the middle (the status mark and the stance at the ends stay visible), every cell's tooltip
has the whole title, source, date, status, stance and span count. Columns are sized from the
header and a sample of text, never from every row (``ResizeToContents`` would read them all).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from annotator.qt.models import DocumentListModel


class DocumentListView(QTableView):
    """A table, not a tree: ``QTreeView`` lays out every row of its model up front (100,000 calls
    into the model on the first ``setCurrentIndex``); a table with fixed row heights asks only
    for the rows it paints."""

    def __init__(self, model: DocumentListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentList")
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        # rows as tight as a QListView's (the font's height): a third more documents a screen than the
        # style's minimum section size (18 px on Fusion), which otherwise wins over the default size
        rows.setMinimumSectionSize(self.fontMetrics().height())
        rows.setDefaultSectionSize(self.fontMetrics().height())
        self.horizontalHeader().setHighlightSections(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setModel(model)
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(DocumentListModel.TITLE, QHeaderView.ResizeMode.Stretch)
        fm = self.fontMetrics()
        for col, sample in ((DocumentListModel.SOURCE, "Northwire"), (DocumentListModel.DATE, "2026-12-31")):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, fm.horizontalAdvance(sample) + 12)
        header.setMinimumSectionSize(40)

"""The main window: a thin shell that arranges views and routes actions.

The foundation shows the document list and the selected document's text; the annotation
workspace (text view with spans, palette, span list, stance panel) builds on it.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

import annotator
from annotator.core.model import Annotator
from annotator.qt.models import DocumentListModel
from annotator.storage import Project


class MainWindow(QMainWindow):
    """Signals and methods that extensions (``annotator/qt/extensions``) rely on:
    ``project``, ``annotator``, ``current_document_id``, ``menu(title)``,
    ``documentChanged(int)``, ``projectChanged()``, ``open_document(id)``."""

    documentChanged = Signal(int)
    projectChanged = Signal()
    MENU_ORDER = ("&File", "&Edit", "&View", "&Go", "&Tools", "&Help")

    def __init__(self, project: Project, annotator_: Annotator | None = None) -> None:
        super().__init__()
        self.project = project
        self.annotator = annotator_
        self.setObjectName("MainWindow")
        self.resize(1200, 800)

        self.doc_model = DocumentListModel(project, annotator_.id if annotator_ else None, self)
        self.search = QLineEdit(placeholderText="Search titles and text…", objectName="documentSearch")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda t: self.doc_model.set_filter(search=t))
        self.doc_list = QListView(objectName="documentList")
        self.doc_list.setModel(self.doc_model)
        self.doc_list.setUniformItemSizes(True)
        self.doc_list.selectionModel().selectionChanged.connect(self._on_selection)
        self.count_label = QLabel(objectName="documentCount")
        left = QWidget()
        lay = QVBoxLayout(left)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.search)
        lay.addWidget(self.doc_list)
        lay.addWidget(self.count_label)

        self.text_view = QPlainTextEdit(objectName="documentText")
        self.text_view.setReadOnly(True)
        self.text_view.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                               | Qt.TextInteractionFlag.TextSelectableByMouse)

        splitter = QSplitter(objectName="mainSplitter")
        splitter.addWidget(left)
        splitter.addWidget(self.text_view)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([320, 880])
        self.setCentralWidget(splitter)

        self.current_document_id: int | None = None
        self._build_menus()
        self.doc_model.modelReset.connect(self._update_count)
        self._update_count()
        self._update_title()
        from annotator.qt.extensions import install_all

        self.extensions = install_all(self)
        if self.doc_model.rowCount():
            self.doc_list.setCurrentIndex(self.doc_model.index(0))

    def menu(self, title: str) -> QMenu:
        """The menu with this title, created in the conventional order if missing."""
        for action in self.menuBar().actions():
            if action.menu() is not None and action.text() == title:
                return action.menu()
        menu = QMenu(title, self)
        order = list(self.MENU_ORDER)
        rank = order.index(title) if title in order else len(order) - 1
        before = None
        for action in self.menuBar().actions():
            other = action.text()
            if other in order and order.index(other) > rank:
                before = action
                break
        if before is None:
            self.menuBar().addMenu(menu)
        else:
            self.menuBar().insertMenu(before, menu)
        return menu

    def _build_menus(self) -> None:
        file_menu = self.menu("&File")
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        go = self.menu("&Go")
        nxt = QAction("&Next document", self, shortcut=QKeySequence("Alt+Down"))
        nxt.triggered.connect(lambda: self.step_document(1))
        prv = QAction("&Previous document", self, shortcut=QKeySequence("Alt+Up"))
        prv.triggered.connect(lambda: self.step_document(-1))
        go.addActions([nxt, prv])
        self.addActions([nxt, prv, quit_action])

    def _update_title(self) -> None:
        who = f" — {self.annotator.name}" if self.annotator else ""
        self.setWindowTitle(f"{self.project.path.stem}{who} — annotator {annotator.__version__}")

    def _update_count(self) -> None:
        total = self.doc_model.total()
        self.count_label.setText(f"{total:,} document{'s' if total != 1 else ''}")

    def step_document(self, delta: int) -> None:
        row = self.doc_list.currentIndex().row() + delta
        if row >= self.doc_model.rowCount() and self.doc_model.canFetchMore():
            self.doc_model.fetchMore()
        if 0 <= row < self.doc_model.rowCount():
            self.doc_list.setCurrentIndex(self.doc_model.index(row))

    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        idx = self.doc_list.currentIndex()
        if not idx.isValid():
            return
        self.open_document(idx.data(DocumentListModel.DocumentIdRole))

    def open_document(self, document_id: int) -> None:
        doc = self.project.document(document_id)
        self.current_document_id = document_id
        self.text_view.setPlainText(doc.text)
        self.documentChanged.emit(document_id)

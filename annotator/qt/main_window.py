"""The main window: a thin shell that arranges views and routes actions.

Left: the document list (status filter, search, counts). Centre: the document text
(:class:`~annotator.qt.text_view.SpanTextView`) with a find bar. Right: the label palette, the
document stance and selected claim, the span list. Edits go through
:class:`~annotator.qt.controller.DocumentController`, which pushes undo commands that call
``Project``; every edit is committed before it is shown.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

import annotator
from annotator import paths
from annotator.core.model import Annotator, Label, Layer, SpanData, Status
from annotator.qt.doc_list import DocumentListView
from annotator.qt.host import ANNOTATE, EDIT, FILE, GO, HELP, SECTIONS, VIEW
from annotator.qt.models import DocumentListModel
from annotator.qt.palette import LabelPalette, swatch
from annotator.qt.span_list import SpanList
from annotator.qt.stance_panel import StancePanel
from annotator.qt.text_view import SpanTextView

if TYPE_CHECKING:  # the project's modules (SQLModel) load after the first paint: see MainWindow.attach
    from annotator.core.changes import Change
    from annotator.storage import Project
    from annotator.storage.glance import Glance

SEARCH_DEBOUNCE_MS = 200

STATUS_FILTERS = (("All documents", None), ("To do", Status.TODO), ("In progress", Status.IN_PROGRESS),
                  ("Done", Status.DONE))


def ui_settings() -> QSettings:
    """Window geometry and splitter sizes, per user (not per project)."""
    return QSettings(str(paths.config_dir() / "ui.ini"), QSettings.Format.IniFormat)


class FindBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit(placeholderText="Find in text (Enter: next, Shift+Enter: previous, Esc: close)",
                              objectName="findEdit")
        self.edit.setClearButtonEnabled(True)
        self.status = QLabel(objectName="findStatus")
        close = QToolButton(text="✕", toolTip="Close (Esc)")
        close.clicked.connect(self.hide)
        lay.addWidget(QLabel("Find:"))
        lay.addWidget(self.edit, 1)
        lay.addWidget(self.status)
        lay.addWidget(close)


class MainWindow(QMainWindow):
    """The window. What features (``annotator/qt/extensions``) may use of it is declared in
    :class:`annotator.qt.host.Host`, and nothing else."""

    documentChanged = Signal(int)
    projectChanged = Signal()
    annotatorChanged = Signal()
    MENU_ORDER = SECTIONS

    def __init__(self, project: Project | None = None, annotator_: Annotator | None = None, *,
                 open_initial: bool = True, glance: Glance | None = None) -> None:
        """``open_initial=False``: the remembered document is opened by :meth:`open_initial`
        later (the app calls it once the window is shown, so the window is up first).

        ``glance`` instead of ``project``: the window's first paint, before the project is open
        (``annotator.qt.app``). The window and its document list are real (rows, scrolling, a
        click), read from the glance; the project's actions, menus and features come with
        :meth:`attach`, which the app calls right after the first paint. Until then a status
        message says "Loading…", and a document clicked meanwhile is opened then."""
        super().__init__()
        if project is None and glance is None:
            raise TypeError("MainWindow needs a project (or a glance at one)")
        self.project: Project | None = None  # set by attach()
        self._glance = glance
        self._source: Project | Glance = project if project is not None else glance  # what the title names
        self._pending_document: int | None = None  # clicked before the project was open
        if annotator_ is None and project is not None:
            from annotator.qt.identity import remembered_name

            annotator_ = project.ensure_annotator(remembered_name() or "annotator")
        self.annotator = annotator_ if annotator_ is not None else glance.annotator
        self.setObjectName("MainWindow")
        self.resize(1280, 820)
        self.current_document_id: int | None = None
        self._saved_at: float | None = None
        self._rows_to_refresh: set[int] = set()
        self._row_timer = QTimer(self, singleShot=True, interval=30)
        self._row_timer.timeout.connect(self._flush_list_rows)
        # the counts by status (three queries) after an edit's paint, once for a burst of edits
        self._count_timer = QTimer(self, singleShot=True, interval=0)
        self._count_timer.timeout.connect(self._update_count)

        # ---- left: documents
        self.doc_model = DocumentListModel(project if project is not None else glance, self.annotator.id, self)
        self.search = QLineEdit(placeholderText="Search titles and text…", objectName="documentSearch")
        self.search.setClearButtonEnabled(True)
        self.status_filter = QComboBox(objectName="statusFilter")
        for text, status in STATUS_FILTERS:
            self.status_filter.addItem(text, status)
        self.status_filter.setToolTip("Show documents by your status")
        # search as you type, but one query per pause, not one per key (a one-letter prefix over
        # 100,000 documents costs ~200 ms in SQLite itself); Enter searches at once
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._search_now)
        self.status_filter.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.doc_list = DocumentListView(self.doc_model)
        self.doc_list.selectionModel().selectionChanged.connect(self._on_selection)
        self.count_label = QLabel(objectName="documentCount")
        self.count_label.setWordWrap(True)
        left = QWidget()
        lay = QVBoxLayout(left)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.search)
        lay.addWidget(self.status_filter)
        lay.addWidget(self.doc_list)
        lay.addWidget(self.count_label)

        # ---- centre: text
        self.text_view = SpanTextView()
        self.text_view.setObjectName("documentText")
        self.text_view.edge_editing = True  # the selected span's edges can be dragged
        self.text_view.set_paragraph_layout()  # room between paragraphs of dense scraped text
        self.find_bar = FindBar()
        self.find_bar.hide()
        centre = QWidget()
        cl = QVBoxLayout(centre)
        cl.setContentsMargins(0, 4, 0, 0)
        cl.addWidget(self.find_bar)
        cl.addWidget(self.text_view)

        # ---- right: palette, stance, spans
        self.palette_box = QGroupBox("Labels")
        self.label_palette = LabelPalette()
        QVBoxLayout(self.palette_box).addWidget(self.label_palette)
        self.stance_panel = StancePanel()
        self.span_box = QGroupBox("Spans")
        self.span_list = SpanList()
        QVBoxLayout(self.span_box).addWidget(self.span_list)
        self.right = QSplitter(Qt.Orientation.Vertical, objectName="rightSplitter")
        for w in (self.palette_box, self.stance_panel, self.span_box):
            self.right.addWidget(w)
        self.right.setSizes([210, 240, 380])

        self.splitter = QSplitter(objectName="mainSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([400, 680, 320])  # the list: title, source and date
        self.setCentralWidget(self.splitter)

        # ---- status bar
        self.pos_label = QLabel(objectName="positionLabel")
        self.span_count_label = QLabel(objectName="spanCountLabel")
        self.save_label = QLabel(objectName="saveLabel")
        for w in (self.pos_label, self.span_count_label, self.save_label):
            self.statusBar().addPermanentWidget(w)
        self.save_label.setText("All changes saved")
        self.save_label.setToolTip("Every edit is written to the project file at once.")

        # ---- menus (in their order; filled by attach) and the tool bar
        for section in (FILE, EDIT, VIEW, ANNOTATE, GO, HELP):
            self.menu(section)
        tb = QToolBar("Main", objectName="mainToolBar")
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(tb)
        self.toolbar = tb

        self.setTabOrder(self.search, self.status_filter)
        self.setTabOrder(self.status_filter, self.doc_list)
        self.setTabOrder(self.doc_list, self.text_view)
        self.setTabOrder(self.text_view, self.span_list)
        self._restore_ui()
        self.doc_model.modelReset.connect(self._update_count)
        self._update_count()
        self._update_title()
        self._scroll_timer = QTimer(self, singleShot=True, interval=800)
        self._scroll_timer.timeout.connect(self._save_place)
        self.text_view.verticalScrollBar().valueChanged.connect(lambda _v: self._scroll_timer.start())
        self._features: dict[str, object] = {}
        self.extensions: list[str] = []
        if project is not None:
            self.attach(project, self.annotator, open_initial=open_initial)
        else:
            self.menuBar().setEnabled(False)  # the menus are filled by attach()
            tb.setMinimumHeight(tb.sizeHint().height() + 6)  # its buttons come then: no jump of the layout
            self.statusBar().showMessage("Loading…")

    def attach(self, project: Project, annotator_: Annotator, *, open_initial: bool = True) -> None:
        """The project is open: the edit session, the open document's model, the actions and
        menus, the features; the document list reads from the project from now on. Then the
        document clicked before (if any), else the remembered one (``open_initial``)."""
        from annotator.qt.controller import DocumentController
        from annotator.qt.undo import EditSession

        self.project = self._source = project
        self.annotator = annotator_
        self.session = EditSession(project, self)
        self.controller = DocumentController(project, annotator_, self, self.session)
        self.undo_stack = self.session.undo_stack
        self.text_view.token_at = self.controller.word_at  # a double click selects a word ("Jong-un")
        self._build_actions()
        self._connect()
        self.doc_model.set_project(project)
        if self._glance is not None:
            self._glance.close()
            self._glance = None
            self.menuBar().setEnabled(True)
            self.statusBar().clearMessage()
        self._update_count()
        self._update_title()
        from annotator.qt.extensions import install_all

        self.extensions = install_all(self)
        pending, self._pending_document = self._pending_document, None
        if pending is not None:
            self._select_in_list(pending, open_=False)
            self.open_document(pending)
        elif open_initial:
            self._open_initial()

    def loading(self) -> bool:
        """True until :meth:`attach` (the window was shown from a glance at the project)."""
        return self.project is None

    # ------------------------------------------------------------------ the Host interface (annotator.qt.host)
    def add_action(self, action: QAction, section: str | None = None) -> QAction:
        """An action whose shortcut works anywhere in the window, in a menu section if given."""
        if section is not None:
            self.menu(section).addAction(action)
        self.addAction(action)
        return action

    def shortcuts_in_use(self) -> set[str]:
        return {a.shortcut().toString() for a in self.actions() if not a.shortcut().isEmpty()}

    def show_message(self, text: str, ms: int = 5000) -> None:
        self.statusBar().showMessage(text, ms)

    def select_document(self, document_id: int) -> None:
        """Show a document in the list (leaving a filter that hides it) and open it."""
        if self.doc_model.row_of(document_id) < 0 and self.status_filter.currentIndex() != 0:
            self.status_filter.setCurrentIndex(0)
        self._select_in_list(document_id)
        if self.current_document_id != document_id:
            self.open_document(document_id)

    def refresh_documents(self, document_ids: list[int] | None = None) -> None:
        """Re-read these rows of the document list (all of it, with its counts, if None)."""
        if document_ids is None:
            self.doc_model.reload()
            self._update_count()
        else:
            for d in document_ids:
                self.doc_model.refresh_row(d)

    def add_text_header(self, widget: QWidget) -> None:
        self.text_view.parentWidget().layout().insertWidget(0, widget)

    def selection(self) -> tuple[int, int]:
        return self.text_view.selected_range()

    def select_text(self, start: int, end: int) -> None:
        self.text_view.select_range(start, end)

    def current_span(self) -> int | None:
        return self.text_view.current_span()

    def annotator_updated(self, annotator_: Annotator) -> None:
        """The same person with a new role (made lead): the window and the open document follow."""
        self.annotator = annotator_
        self.controller.annotator = annotator_
        self._update_title()
        self.annotatorChanged.emit()

    def new_window(self, project: Project, annotator_: Annotator) -> MainWindow:
        return MainWindow(project, annotator_)

    def register_feature(self, name: str, feature: object) -> object:
        self._features[name] = feature
        return feature

    def feature(self, name: str):  # noqa: ANN201
        return self._features.get(name)

    # ------------------------------------------------------------------ menus
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

    def _action(self, text: str, slot, shortcut=None, menu: str | None = None, tip: str | None = None,
                checkable: bool = False) -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, (list, tuple)):
                a.setShortcuts([QKeySequence(s) for s in shortcut])
            else:
                a.setShortcut(QKeySequence(shortcut))
        a.setCheckable(checkable)
        if tip:
            a.setToolTip(tip)
            a.setStatusTip(tip)
        a.triggered.connect(slot)
        if menu:
            self.menu(menu).addAction(a)
        self.addAction(a)  # shortcuts work wherever focus is in the window
        return a

    def _build_actions(self) -> None:
        A = self._action
        self.switch_action = A("&Switch annotator…", self.ask_annotator, "Ctrl+Shift+U", "&File",
                               "Annotate under another name")
        self.menu("&File").addSeparator()
        self.quit_action = A("&Quit", self.close, QKeySequence.StandardKey.Quit, "&File")

        self.undo_action, self.redo_action = self.session.actions(self)
        self.menu("&Edit").addActions([self.undo_action, self.redo_action])
        self.addActions([self.undo_action, self.redo_action])
        self.menu("&Edit").addSeparator()
        self.delete_action = A("&Delete span", self.delete_current_span, ["Delete", "Backspace"], "&Edit",
                               "Delete the selected span")
        self.find_action = A("&Find in text…", self.show_find, QKeySequence.StandardKey.Find, "&Edit")
        self.find_next_action = A("Find &next", lambda: self.find(1), QKeySequence.StandardKey.FindNext, "&Edit")

        self.precise_action = A("&Character precision", lambda _c: None, "Ctrl+Shift+P", "&View",
                                "Do not snap selections to tokens (or hold Alt with a label key)", checkable=True)
        self.guidelines_action = A("&Guidelines", self.show_guidelines, "Ctrl+Shift+G", "&View",
                                   "The label descriptions")

        # labels: hotkeys from the schema; Alt+hotkey tags with character precision
        self.label_actions: dict[int, QAction] = {}
        self.precise_label_actions: dict[int, QAction] = {}
        ann = "&Annotate"
        for lab in self.controller.span_labels():
            text = f"{lab.name}" + (f"  ({lab.hotkey})" if lab.hotkey else "")
            a = A(text, lambda _c=False, i=lab.id: self.tag(i), lab.hotkey, ann,
                  f"{lab.name} ({lab.layer.value}): {lab.description}")
            a.setIcon(swatch(lab.color))
            a.setIconText(f"{lab.hotkey} {lab.name}" if lab.hotkey else lab.name)
            a.setData(lab.name)
            self.label_actions[lab.id] = a
            if lab.hotkey:
                p = QAction(f"{lab.name} (character precision)", self)
                p.setShortcut(QKeySequence(f"Alt+{lab.hotkey.upper()}"))
                p.triggered.connect(lambda _c=False, i=lab.id: self.tag(i, precise=True))
                self.addAction(p)
                self.precise_label_actions[lab.id] = p
        self.label_palette.set_actions(self.label_actions)
        self.menu(ann).addSeparator()
        self.stance_actions: dict[int, QAction] = {}
        group = QActionGroup(self)
        group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        for lab in self.controller.stance_labels():
            a = A(f"Stance: {lab.name}" + (f"  ({lab.hotkey})" if lab.hotkey else ""),
                  lambda _c=False, i=lab.id: self.controller.set_stance(i), lab.hotkey, ann,
                  f"Document stance {lab.name}: {lab.description}", checkable=True)
            a.setIcon(swatch(lab.color))
            a.setIconText(f"{lab.hotkey} {lab.name}" if lab.hotkey else lab.name)  # the key on the button
            group.addAction(a)
            self.stance_actions[lab.id] = a
        self.stance_panel.set_actions(self.project.get_setting("stance_target", ""), self.stance_actions)
        self.menu(ann).addSeparator()
        self._build_claim_actions(ann)
        self.menu(ann).addSeparator()
        self.done_action = A("Mark &done", self.toggle_done, "Ctrl+Return", ann,
                             "Mark the document done (again: back to in progress)")

        go = "&Go"
        self.next_action = A("&Next document", lambda: self.step_document(1), "Alt+Down", go)
        self.prev_action = A("&Previous document", lambda: self.step_document(-1), "Alt+Up", go)
        self.next_todo_action = A("Next &unfinished document", self.next_unfinished, "Ctrl+Alt+Down", go)
        self.menu(go).addSeparator()
        self.next_span_action = A("Next span", lambda: self.step_span(1), "]", go)
        self.prev_span_action = A("Previous span", lambda: self.step_span(-1), "[", go)
        self.jump_span_action = A("&Jump to span list", self.span_list.setFocus, "Ctrl+L", go)
        self.focus_docs_action = A("&Document list", self.doc_list.setFocus, "Ctrl+Shift+L", go)
        self.focus_text_action = A("Document &text", self.text_view.setFocus, "Ctrl+E", go)
        self.jump_inconsistent_action = A("Same text, other &label", lambda: self.jump_to_inconsistent(), "Ctrl+J", go,
                                          "Where you labelled the selected span's text differently (⚠ in the span list)")
        self.clear_span_action = A("Clear span selection", self.clear_current_span, "Escape")

        self.help_action = A("&Keyboard shortcuts", self.show_shortcuts, ["F1", "?"], "&Help")
        self._build_edge_actions()
        from annotator.qt.keys import add_keys_to_tooltip

        for a in self.actions():
            add_keys_to_tooltip(a)

        tb = self.toolbar
        tb.addActions([self.prev_action, self.next_action, self.next_todo_action])
        tb.addSeparator()
        tb.addActions([self.undo_action, self.redo_action, self.delete_action])
        tb.addSeparator()
        tb.addActions([self.done_action, self.precise_action, self.find_action])
        if self.project.read_only:  # a file that cannot be written (docs/reliability.md): look, do not touch
            for a in [self.delete_action, self.done_action, *self.label_actions.values(),
                      *self.precise_label_actions.values(), *self.stance_actions.values(),
                      *self.claim_stance_actions.values(), self.next_claimant_action, self.prev_claimant_action,
                      *self.edge_actions.values()]:
                a.setEnabled(False)
            self.save_label.setText("Read-only")
            self.save_label.setToolTip("This project file cannot be written (read-only mount or no permission): editing is off.")

    def _build_claim_actions(self, menu: str) -> None:
        """The selected claim's stance and claimant, by key from anywhere in the window (the text
        view keeps focus): Shift + a letter of each stance, W / Shift+W to step the claimant."""
        from annotator.qt.keys import claim_stance_keys

        used = {seq.toString().lower() for a in self.actions() for seq in a.shortcuts()}
        keys = claim_stance_keys(self.controller.claim_stances, used | {"w", "shift+w"})
        self.claim_stance_actions: dict[str, QAction] = {}
        for stance in self.controller.claim_stances:
            a = self._action(f"Claim stance: {stance}", lambda _c=False, st=stance: self.toggle_claim_stance(st),
                             keys.get(stance), menu, f"The selected claim {stance} the target (again: clear)")
            a.setObjectName(f"claimStance-{stance}")
            self.claim_stance_actions[stance] = a
        self.next_claimant_action = self._action(
            "Claimant: next entity", lambda: self.step_claimant(1), "W", menu,
            "The selected claim's claimant: the next entity span, nearest to the claim first; after the last, none")
        self.prev_claimant_action = self._action(
            "Claimant: previous entity", lambda: self.step_claimant(-1), "Shift+W", menu,
            "The selected claim's claimant: the previous entity span")
        self.stance_panel.set_claim_keys({st: a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                                          for st, a in self.claim_stance_actions.items() if not a.shortcut().isEmpty()},
                                         "W / Shift+W")

    def _build_edge_actions(self) -> None:
        """Move the selected span's edges: Shift+←/→ the end, Ctrl+Shift+←/→ the start, by a token;
        add Alt (or turn on View → Character precision) for one character."""
        sub = self.menu("&Edit").addMenu("Span &boundaries")
        sub.setObjectName("spanBoundariesMenu")
        self.edge_actions: dict[tuple[str, int, bool], QAction] = {}
        rows = (("end", 1, "Shift+Right", "End edge one {} right (grow)"),
                ("end", -1, "Shift+Left", "End edge one {} left (shrink)"),
                ("start", -1, "Ctrl+Shift+Left", "Start edge one {} left (grow)"),
                ("start", 1, "Ctrl+Shift+Right", "Start edge one {} right (shrink)"))
        for precise in (False, True):
            for edge, step, keys, text in rows:
                if precise:
                    keys = keys.replace("Shift+", "Alt+Shift+")
                a = QAction(text.format("character" if precise else "token"), self)
                a.setShortcut(QKeySequence(keys))
                a.setObjectName(f"edge-{edge}-{'right' if step > 0 else 'left'}{'-char' if precise else ''}")
                a.triggered.connect(lambda _c=False, e=edge, d=step, p=precise: self.move_edge(e, d, p))
                a.setEnabled(False)
                sub.addAction(a)
                self.addAction(a)
                self.edge_actions[(edge, step, precise)] = a
            if not precise:
                sub.addSeparator()

    def _update_edge_actions(self) -> None:
        """Edge keys act only while a span is selected; otherwise Shift+arrows select text as usual."""
        on = self.text_view.current_span() is not None and not self.project.read_only
        for a in self.edge_actions.values():
            a.setEnabled(on)

    def _connect(self) -> None:
        c = self.controller
        c.documentLoaded.connect(self._on_loaded)
        c.spansLoaded.connect(self._on_spans_loaded)
        c.changed.connect(self._on_document_change)
        c.refused.connect(lambda msg: self.statusBar().showMessage(msg, 5000))
        self.session.changed.connect(self._on_project_change)
        self.session.stepped.connect(self._follow_change)
        self.text_view.spanClicked.connect(self.select_span)
        self.text_view.spanEdgeDragged.connect(self._on_edge_dragged)
        self.text_view.cursorPositionCp.connect(self._show_position)
        self.span_list.spanActivated.connect(lambda sid: self.select_span(sid, scroll=True))
        from annotator.qt.consistency import ConsistencyHints

        self.consistency = ConsistencyHints(self, self)
        self.span_list.jumpRequested.connect(lambda sid: self.jump_to_inconsistent(sid))
        self.stance_panel.claimStanceChosen.connect(self._set_claim_stance)
        self.stance_panel.claimantChosen.connect(self._set_claimant)
        self.find_bar.edit.textChanged.connect(lambda _t: self.find(0))
        self.find_bar.edit.returnPressed.connect(lambda: self.find(1))
        self.find_bar.edit.installEventFilter(self)

    # ------------------------------------------------------------------ state
    def _restore_ui(self) -> None:
        s = ui_settings()
        geo = s.value("window/geometry")
        if geo is not None:
            self.restoreGeometry(geo)
        for sp in (self.splitter, self.right):
            st = s.value(f"splitter/{sp.objectName()}")
            if st is not None:
                sp.restoreState(st)

    def _save_ui(self) -> None:
        s = ui_settings()
        s.setValue("window/geometry", self.saveGeometry())
        for sp in (self.splitter, self.right):
            s.setValue(f"splitter/{sp.objectName()}", sp.saveState())
        s.sync()

    def _place_key(self) -> str:
        return f"ui.place.{self.annotator.name}"

    def _save_place(self) -> None:
        if self.current_document_id is None or self.project is None or self.project.read_only:
            return
        self.project.set_setting(self._place_key(), {
            "document": self.current_document_id,
            "scroll": self.text_view.verticalScrollBar().value(),
            "cursor": self.text_view.offset_map.from_utf16(self.text_view.textCursor().position()),
        })

    def open_initial(self) -> None:
        """Open the document this annotator was last on (or the first in the list)."""
        self._open_initial()

    def _open_initial(self) -> None:
        place = self.project.get_setting(self._place_key())
        remembered = place.get("document") if isinstance(place, dict) else None
        if isinstance(remembered, int) and self.project.summaries([remembered]):  # one row, not every id
            self._select_in_list(place["document"])
            if self.current_document_id != place["document"]:
                self.open_document(place["document"])
            self.text_view.scroll_to(min(place.get("cursor", 0), len(self.text_view.text())))
            self.text_view.verticalScrollBar().setValue(place.get("scroll", 0))
        elif self.doc_model.rowCount():
            self.doc_list.setCurrentIndex(self.doc_model.index(0, 0))

    def closeEvent(self, e: QCloseEvent) -> None:
        self._save_place()
        self._save_ui()
        super().closeEvent(e)

    # ------------------------------------------------------------------ documents
    def _search_now(self) -> None:
        self._search_timer.stop()
        self._apply_filter()

    def _apply_filter(self) -> None:
        self.doc_model.set_filter(status=self.status_filter.currentData(), search=self.search.text())
        if self.current_document_id is not None:
            self._select_in_list(self.current_document_id, open_=False)

    def _update_title(self) -> None:
        source = self._source
        who = f" — {self.annotator.name}" if self.annotator else ""
        ro = " [read-only]" if source.read_only else ""
        self.setWindowTitle(f"{source.path.stem}{ro}{who} — annotator {annotator.__version__}")

    def _update_count(self) -> None:
        total = self.doc_model.total()
        if self.project is None:  # the counts by status come with the project (attach)
            self.count_label.setText(f"{total:,} document{'s' if total != 1 else ''}  ·  counting…")
            return
        search = self.search.text() or None
        parts = [f"{self.project.count_documents(annotator_id=self.annotator.id, status=st, search=search):,} {name}"
                 for name, st in (("to do", Status.TODO), ("in progress", Status.IN_PROGRESS), ("done", Status.DONE))]
        self.count_label.setText(f"{total:,} document{'s' if total != 1 else ''}  ·  " + ", ".join(parts))
        self.count_label.setToolTip("Shown / your to do, in progress and done (with the search applied)")

    def _select_in_list(self, document_id: int, open_: bool = True) -> None:
        row = self.doc_model.row_of(document_id)
        while row < 0 and self.doc_model.canFetchMore():
            self.doc_model.fetchMore()
            row = self.doc_model.row_of(document_id)
        if row >= 0:
            sm = self.doc_list.selectionModel()
            if not open_:
                sm.blockSignals(True)
            self.doc_list.setCurrentIndex(self.doc_model.index(row, 0))
            if not open_:
                sm.blockSignals(False)
                self.doc_list.viewport().update()

    def step_document(self, delta: int) -> None:
        row = self.doc_list.currentIndex().row() + delta
        if row >= self.doc_model.rowCount() and self.doc_model.canFetchMore():
            self.doc_model.fetchMore()
        if 0 <= row < self.doc_model.rowCount():
            self.doc_list.setCurrentIndex(self.doc_model.index(row, 0))

    def next_unfinished(self) -> None:
        """The next document (after the current one, wrapping) that is not done for this annotator."""
        ids = self.project.document_ids()
        done = {d for (d, _a), st in self.project.statuses(self.annotator.id).items() if st == Status.DONE}
        cur = self.current_document_id
        start = ids.index(cur) + 1 if cur in ids else 0
        for d in ids[start:] + ids[:start]:
            if d not in done and d != cur:
                self.select_document(d)
                return
        self.statusBar().showMessage("Every document is done.", 5000)

    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        idx = self.doc_list.currentIndex()
        if not idx.isValid():
            return
        doc_id = idx.data(DocumentListModel.DocumentIdRole)
        if self.project is None:  # still loading: it opens as soon as the project is open (attach)
            self._pending_document = doc_id
            self.statusBar().showMessage("Loading… the document opens when the project is ready.")
            return
        if doc_id != self.current_document_id:
            self.open_document(doc_id)

    def open_document(self, document_id: int) -> None:
        self.current_document_id = document_id
        self.controller.open(document_id)
        self._save_place()
        self.documentChanged.emit(document_id)

    def _on_loaded(self, document_id: int) -> None:
        c = self.controller
        self.text_view.set_text(c.document.text, headline=c.headline())
        self.text_view.set_spans([c.render(s) for s in c.spans.values()])
        self.span_list.model_.reset(c.document.text, list(c.spans.values()), c.labels)
        self._refresh_side()
        if c.loading:
            self.span_count_label.setText("loading spans…")
        else:
            self.consistency.schedule()

    def jump_to_inconsistent(self, span_id: int | None = None) -> None:
        """Ctrl+J: open the next place where this span's text carries another label of yours."""
        sid = span_id if span_id is not None else self.text_view.current_span()
        if sid is None:
            hinted = [s.id for s in self.controller.sorted_spans() if s.id in self.consistency.hints]
            sid = hinted[0] if hinted else None

        def go(use) -> None:  # noqa: ANN001
            self.select_document(use.document_id)
            if self.controller.loading:
                self.controller.spansLoaded.connect(lambda _d: self.select_span(use.span_id, scroll=True),
                                                    Qt.ConnectionType.SingleShotConnection)
            else:
                self.select_span(use.span_id, scroll=True)

        if not self.consistency.jump(sid, go):
            self.statusBar().showMessage("No other label for this text: nothing to jump to.", 5000)

    def _on_spans_loaded(self, document_id: int) -> None:
        c = self.controller
        self.text_view.set_spans(c.rendered, c.rendered_index)
        self.span_list.model_.reset(c.document.text, list(c.spans.values()), c.labels)
        self._refresh_side()
        self.consistency.schedule()
        if self.find_bar.isVisible():
            self.find(0)

    def _refresh_side(self) -> None:
        self._update_edge_actions()
        c = self.controller
        self.stance_panel.show_stance(c.stance())
        self._show_claim()
        n = len(c.spans)
        self.span_count_label.setText(f"{n:,} span{'s' if n != 1 else ''}")
        st = c.status()
        self.done_action.setText("Mark &in progress" if st == Status.DONE else "Mark &done")
        self.span_box.setTitle(f"Spans ({n:,})")

    # ------------------------------------------------------------------ edits
    def precise(self) -> bool:
        return self.precise_action.isChecked()

    def tag(self, label_id: int, precise: bool = False) -> None:
        """A label key or button: tag the selection, or relabel the selected span."""
        if self.controller.document is None or self.project.read_only:
            return
        start, end = self.text_view.selected_range()
        if start == end:
            current = self.text_view.current_span()
            if current is not None:
                self.controller.relabel(current, label_id)
            else:
                self.statusBar().showMessage("Select some text (or click a span) first.", 5000)
            return
        span = self.controller.create_span(label_id, start, end, precise=precise or self.precise())
        if span is not None:
            cur = self.text_view.textCursor()
            cur.clearSelection()
            self.text_view.setTextCursor(cur)
            self.select_span(span.id)

    def delete_current_span(self) -> None:
        sid = self.text_view.current_span()
        if sid is None:
            self.statusBar().showMessage("Click a span first, then press Delete.", 5000)
            return
        self.controller.delete_span(sid)

    def clear_current_span(self) -> None:
        if self.find_bar.isVisible() and self.find_bar.edit.hasFocus():
            self.find_bar.hide()
            self.text_view.setFocus()
        self.select_span(None)

    def select_span(self, span_id: int | None, scroll: bool = False) -> None:
        self.text_view.set_current_span(span_id)
        self.span_list.select_span(span_id)
        self._update_edge_actions()
        if span_id is not None and scroll:
            s = self.controller.spans.get(span_id)
            if s is not None:
                self.text_view.scroll_to(s.start)
        self._show_claim()

    def step_span(self, delta: int) -> None:
        spans = self.controller.sorted_spans()
        if not spans:
            return
        ids = [s.id for s in spans]
        cur = self.text_view.current_span()
        i = ids.index(cur) + delta if cur in ids else (0 if delta > 0 else len(ids) - 1)
        self.select_span(ids[i % len(ids)], scroll=True)

    def _current_claim(self) -> SpanData | None:
        sid = self.text_view.current_span()
        claim = self.controller.claim(sid) if sid is not None else None
        return claim.span if claim is not None else None

    def _show_claim(self) -> None:
        c = self.controller
        sid = self.text_view.current_span()
        claim = c.claim(sid) if sid is not None else None
        ents = [s for s in c.sorted_spans() if c.labels[s.label_id].layer == Layer.ENTITY] if claim else []
        self.stance_panel.show_claim(claim, ents, c.document.text if c.document else "", c.claim_stances)

    def _set_claim_stance(self, stance: str | None) -> None:
        claim = self._current_claim()
        if claim is not None:
            self.controller.set_claim(claim.id, stance=stance)

    def toggle_claim_stance(self, stance: str) -> None:
        """A claim-stance key: set it on the selected claim (the same key again clears it)."""
        claim = self._current_claim()
        if claim is None:
            self.statusBar().showMessage("Click a claim first, then press its stance key.", 5000)
            return
        self.controller.set_claim(claim.id, stance=None if claim.attrs.get("stance") == stance else stance)

    def step_claimant(self, step: int) -> None:
        """W / Shift+W: the selected claim's claimant becomes the next / previous entity span,
        nearest to the claim first (inside it, then by distance); past the last: no claimant."""
        claim = self._current_claim()
        if claim is None:
            self.statusBar().showMessage("Click a claim first, then press W to pick its claimant.", 5000)
            return
        c = self.controller
        ents = [s for s in c.spans.values() if c.labels[s.label_id].layer == Layer.ENTITY]
        ents.sort(key=lambda s: (max(claim.start - s.end, s.start - claim.end, 0), s.start, s.id))
        order: list[int | None] = [s.id for s in ents] + [None]
        if len(order) == 1:
            self.statusBar().showMessage("Tag the claimant as an entity first.", 5000)
            return
        cur = c.claimant_of.get(claim.id)
        i = order.index(cur) if cur in order else len(order) - 1
        self._set_claimant(order[(i + step) % len(order)])

    def move_edge(self, edge: str, step: int, precise: bool = False) -> None:
        """An edge key: move the selected span's start or end by a token (a character if precise)."""
        sid = self.text_view.current_span()
        if sid is None:
            self.statusBar().showMessage("Click a span first, then move its edges.", 5000)
            return
        self.controller.move_edge(sid, edge, step, precise=precise or self.precise())

    def _on_edge_dragged(self, span_id, edge: str, pos: int, modifiers) -> None:  # noqa: ANN001
        precise = self.precise() or bool(modifiers & Qt.KeyboardModifier.AltModifier)
        if span_id in self.controller.spans:
            self.controller.drag_edge(span_id, edge, pos, precise=precise)

    def _set_claimant(self, span_id: int | None) -> None:
        claim = self._current_claim()
        if claim is not None:
            self.controller.set_claim(claim.id, claimant_span=span_id)

    def toggle_done(self) -> None:
        done = self.controller.status() == Status.DONE
        self.controller.set_status(Status.IN_PROGRESS if done else Status.DONE)

    def _follow_change(self, change: Change) -> None:
        """An undo or redo of this annotator's work in another document: show that document."""
        mine = {row.document_id for kind in ("spans", "document_labels", "statuses") for e in getattr(change, kind)
                for row in (e.before, e.after) if row is not None and row.annotator_id == self.annotator.id}
        if len(mine) == 1 and self.current_document_id not in mine:
            (document_id,) = mine
            self._select_in_list(document_id)
            if self.current_document_id != document_id:
                self.open_document(document_id)

    def _refresh_list_row(self, document_id: int) -> None:
        """Re-read a document's row (span count, status, stance) soon after the edit is painted."""
        self._rows_to_refresh.add(document_id)
        self._row_timer.start()

    def _flush_list_rows(self) -> None:
        for d in sorted(self._rows_to_refresh):
            self.doc_model.refresh_row(d)
        self._rows_to_refresh.clear()

    def _on_project_change(self, change: Change) -> None:
        """Any edit, undo or redo (this window's or a feature's): the document list and its counts follow."""
        self._saved_at = time.time()
        self.save_label.setText("Saved " + time.strftime("%H:%M:%S", time.localtime(self._saved_at)))
        if change.statuses or change.document_labels:  # what the row shows first: at once
            for d in change.documents():
                self.doc_model.refresh_row(d)
        else:  # span counts: just after the edit is painted
            for d in change.documents():
                self._refresh_list_row(d)
        if change.statuses:
            self._count_timer.start()

    def _on_document_change(self, change: Change) -> None:
        """A change to the open document: text view, span list and side panel follow it."""
        c = self.controller
        if c.document is None:
            return
        added, removed = change.span_edits(c.document.id, self.annotator.id)
        if change.relations:  # a claimant changed: the claims' tooltips name it
            heads = {row.head_span_id for e in change.relations for row in (e.before, e.after) if row is not None}
            added += [c.spans[h] for h in heads if h in c.spans and all(h != s.id for s in added)]
        if added or removed:
            self.text_view.update_spans([c.render(s) for s in added], removed)
            self.span_list.apply(added, removed)
            self.consistency.schedule()
        if self.text_view.current_span() in removed:
            self.select_span(None)
        self._refresh_side()

    def _show_position(self, pos: int) -> None:
        cur = self.text_view.textCursor()
        block = cur.block()
        col = pos - self.text_view.offset_map.from_utf16(block.position())
        self.pos_label.setText(f"Ln {block.blockNumber() + 1}, Col {col + 1} · offset {pos}")

    # ------------------------------------------------------------------ find
    def show_find(self) -> None:
        self.find_bar.show()
        self.find_bar.edit.setFocus()
        self.find_bar.edit.selectAll()

    def find(self, direction: int) -> None:
        """Select the next (1), previous (-1) or first-from-cursor (0) match; case-insensitive."""
        needle = self.find_bar.edit.text()
        text = self.text_view.text()
        if not needle:
            self.find_bar.status.setText("")
            return
        matches = [m.span() for m in re.finditer(re.escape(needle), text, re.IGNORECASE)]
        if not matches:
            self.find_bar.status.setText("no match")
            return
        s, e = self.text_view.selected_range()
        if direction >= 0:
            after = s if direction == 0 else s + 1
            hit = next((m for m in matches if m[0] >= after), matches[0])
        else:
            hit = next((m for m in reversed(matches) if m[0] < s), matches[-1])
        self.text_view.select_range(*hit)
        self.find_bar.status.setText(f"{matches.index(hit) + 1} of {len(matches)}")

    def eventFilter(self, obj, event) -> bool:  # noqa: ANN001
        from PySide6.QtCore import QEvent

        if obj is self.find_bar.edit and event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                    event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.find(-1)
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.find_bar.hide()
                self.text_view.setFocus()
                return True
        return super().eventFilter(obj, event)

    # ------------------------------------------------------------------ annotator
    def ask_annotator(self) -> None:
        from annotator.qt.identity import IdentityDialog

        dlg = IdentityDialog([a.name for a in self.project.annotators()], self.annotator.name, self)
        dlg.nameChosen.connect(self.switch_annotator)
        dlg.finished.connect(dlg.deleteLater)
        self.identity_dialog = dlg
        dlg.open()

    def switch_annotator(self, name: str) -> None:
        from annotator.qt.identity import remember_name

        self._save_place()
        remember_name(name)
        self.annotator = self.project.ensure_annotator(name)
        self.undo_stack.clear()  # the history belongs to the previous annotator
        self.controller.annotator = self.annotator
        self.doc_model.set_annotator(self.annotator.id)
        self._update_count()
        self._update_title()
        self.current_document_id = None
        self.annotatorChanged.emit()
        self._open_initial()

    # ------------------------------------------------------------------ help
    def _labels_text(self, labels: list[Label]) -> str:
        return "\n\n".join(f"{lab.name}  [{lab.layer.value}{', key ' + lab.hotkey if lab.hotkey else ''}]\n"
                           f"{lab.description}" for lab in labels)

    def _info_dialog(self, title: str, widget: QWidget, name: str) -> QDialog:
        dlg = QDialog(self, objectName=name)
        dlg.setWindowTitle(title)
        lay = QVBoxLayout(dlg)
        lay.addWidget(widget)
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        bb.rejected.connect(dlg.close)
        lay.addWidget(bb)
        dlg.resize(560, 520)
        dlg.show()
        return dlg

    def show_guidelines(self) -> None:
        view = QPlainTextEdit(readOnly=True)
        target = self.project.get_setting("stance_target", "")
        view.setPlainText((f"Stance target: {target}\n\n" if target else "")
                          + self._labels_text(list(self.controller.labels.values())))
        self.guidelines_dialog = self._info_dialog("Guidelines", view, "guidelinesDialog")

    GESTURES = (
        ("Alt + label key", "tag the selection with character precision (no snapping)", "text"),
        ("double click", "select a word (“Jong-un”, “O'Brien”; not a possessive ’s)", "text"),
        ("drag an edge", "move the selected span's start or end (Alt: by character)", "text"),
        ("Enter / Shift+Enter / Esc", "next / previous match, close (in the find bar)", "find bar"),
        ("letter", "in the claim's Stance or Claimant box: pick the entry starting with it", "panel"),
    )

    def shortcut_rows(self) -> list[tuple[str, str, str]]:
        """(keys, what, where) for every key and gesture of the workspace, in the F1 table."""
        from annotator.qt.keys import native, window_shortcuts

        rows = [(native(s.keys), s.what, s.where) for s in window_shortcuts(self)]
        rows += list(self.GESTURES)
        return rows

    def show_shortcuts(self) -> None:
        rows = self.shortcut_rows()
        table = QTableWidget(len(rows), 3)
        table.setObjectName("shortcutsTable")
        table.setHorizontalHeaderLabels(["Keys", "Does", "Where"])
        for i, row in enumerate(rows):
            for j, text in enumerate(row):
                table.setItem(i, j, QTableWidgetItem(text))
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        table.verticalHeader().hide()
        table.setSortingEnabled(True)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.shortcuts_dialog = self._info_dialog("Keyboard shortcuts", table, "shortcutsDialog")
        self.shortcuts_dialog.resize(720, 640)

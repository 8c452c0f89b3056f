"""Pre-annotation in the window: Annotate → Load patterns…, Run on document / project, accept or
reject suggestions with keys, Tag all matches… (recurring claims). See docs/preannotation.md.

Business logic lives in :mod:`annotator.services.preannotate`; here are the undo commands
(each redo/undo one call into that service), the Tag all matches dialog and the feature object
that wires actions to the main window. Running goes through ``run_task`` (off the GUI thread,
progress, Cancel); spaCy is imported and pipelines are loaded in the worker too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.model import Label, Layer, SpanData
from annotator.qt.workers import run_task
from annotator.services import preannotate as pa
from annotator.storage import Project

if TYPE_CHECKING:
    from annotator.qt.host import Host

# (added/changed spans, removed span ids); the feature decides what to redraw
Changed = Callable[[list[SpanData], list[int]], None]
FILTER = "Patterns and term lists (*.jsonl *.json *.txt);;All files (*)"


# ---------------------------------------------------------------------------- tag all matches
class TagAllDialog(QDialog):
    """Search the whole project for a phrase or token pattern; tag the ticked matches at once."""

    tagRequested = Signal(list, str, str)  # matches, label name, query
    searched = Signal(int)  # number of matches found

    def __init__(self, project: Project, labels: Sequence[Label], parent: QWidget | None = None,
                 query: str = "") -> None:
        super().__init__(parent, objectName="tagAllDialog")
        self.setWindowTitle("Tag all matches")
        self.project = project
        self.matches: list[pa.Match] = []
        self.task = None
        self.query = QLineEdit(query, objectName="tagAllQuery",
                               placeholderText='a phrase, or a token pattern: [{"LOWER": "troops"}]')
        self.label = QComboBox(objectName="tagAllLabel")
        for lab in labels:
            self.label.addItem(f"{lab.name} ({lab.layer.value})", lab.name)
        claims = [i for i, lab in enumerate(labels) if lab.layer == Layer.CLAIM]
        if claims:
            self.label.setCurrentIndex(claims[0])
        self.find_button = QPushButton("&Find", objectName="tagAllFind")
        self.find_button.clicked.connect(self.search)
        self.query.returnPressed.connect(self.search)
        self.results = QListWidget(objectName="tagAllResults")
        self.status = QLabel("Phrases match whole tokens, ignoring case.", objectName="tagAllStatus")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.tag_button = self.buttons.addButton("&Tag ticked matches", QDialogButtonBox.ButtonRole.AcceptRole)
        self.tag_button.setObjectName("tagAllTag")
        self.tag_button.setEnabled(False)
        self.buttons.accepted.connect(self._tag)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Search:", self.query)
        form.addRow("&Label:", self.label)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.find_button, 0, Qt.AlignmentFlag.AlignRight)
        lay.addWidget(self.results, 1)
        lay.addWidget(self.status)
        lay.addWidget(self.buttons)
        self.resize(640, 460)

    def search(self) -> None:
        q = self.query.text()
        try:
            pa.parse_query(q)
        except AnnotatorError as e:
            self.status.setText(str(e))
            return
        if self.task is not None and not self.task.done.is_set():
            return
        self.status.setText("Searching…")
        self.find_button.setEnabled(False)
        self.task = run_task(pa.find_matches, self.project, q, on_done=lambda m: self._found(q, m),
                             on_error=self._failed, on_cancel=self._cancelled, parent=self, title="Search")

    def _found(self, query: str, matches: list[pa.Match]) -> None:
        if not shiboken6.isValid(self):
            return
        self.find_button.setEnabled(True)
        self.matches = matches
        self._query = query
        self.results.clear()
        for m in matches:
            item = QListWidgetItem(f"…{m.left}[{m.text}]{m.right}…   ({m.title[:40]})")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            item.setToolTip(f"document {m.document_id}, characters {m.start}–{m.end}")
            self.results.addItem(item)
        docs = len({m.document_id for m in matches})
        self.status.setText(f"{len(matches):,} match{'es' if len(matches) != 1 else ''} in {docs:,} "
                            f"document{'s' if docs != 1 else ''}. Untick any you do not want; Space toggles.")
        self.tag_button.setEnabled(bool(matches))
        if matches:
            self.results.setCurrentRow(0)
        self.searched.emit(len(matches))

    def _failed(self, message: str, _tb: str) -> None:
        if shiboken6.isValid(self):
            self.find_button.setEnabled(True)
            self.status.setText(f"Search failed: {message}")

    def _cancelled(self) -> None:
        if shiboken6.isValid(self):
            self.find_button.setEnabled(True)
            self.status.setText("Search cancelled.")

    def ticked(self) -> list[pa.Match]:
        return [m for i, m in enumerate(self.matches)
                if self.results.item(i).checkState() == Qt.CheckState.Checked]

    def _tag(self) -> None:
        chosen = self.ticked()
        if chosen:
            self.tagRequested.emit(chosen, self.label.currentData(), self._query)
        self.accept()


# ---------------------------------------------------------------------------- the feature
class PreannotateFeature(QObject):
    """Annotate-menu actions for suggestions. ``finished(report)`` after a run is shown."""

    finished = Signal(object)
    rulesLoaded = Signal(int)

    KEYS = {"accept": "Y", "reject": "X", "accept_all": "Shift+Y", "reject_all": "Shift+X",
            "next": ".", "previous": ","}

    def __init__(self, window: Host) -> None:
        super().__init__(window)
        self.setObjectName("preannotateFeature")
        self.window = window
        self.rules: list[pa.Rule] = []
        self.files: list[str] = []
        self.model: str | None = None
        self.ignore_case = False
        self._suggester: tuple[tuple, pa.Suggester] | None = None
        self.task = None
        self.dialog: QDialog | None = None
        self.file_dialog: QFileDialog | None = None
        self.message: QMessageBox | None = None
        used = window.shortcuts_in_use()

        def act(text: str, slot, key: str | None = None, tip: str = "", name: str = "") -> QAction:
            a = QAction(text, window, objectName=name)
            if key and QKeySequence(key).toString() not in used:  # never steal a label's key
                a.setShortcut(QKeySequence(key))
            a.setStatusTip(tip)
            a.setToolTip(tip)
            a.triggered.connect(slot)
            window.addAction(a)
            return a

        K = self.KEYS
        self.load_action = act("&Load patterns or terms…", self.ask_files, None,
                               "Prodigy-style pattern files (JSONL) or term lists (one term per line)",
                               "loadPatterns")
        self.model_action = act("Use a spaCy &pipeline…", self.ask_model, None,
                                "Suggestions from an installed spaCy pipeline (package name or folder)",
                                "usePipeline")
        self.run_doc_action = act("&Run on document", self.run_document, "Ctrl+Shift+M",
                                  "Suggest spans in this document", "runOnDocument")
        self.run_all_action = act("Run on &project", self.run_project, None,
                                  "Suggest spans in every document (in the background; Cancel keeps whole "
                                  "batches)", "runOnProject")
        self.accept_action = act("&Accept suggestion", self.accept_current, K["accept"],
                                 "Keep the selected suggestion as your span", "acceptSuggestion")
        self.reject_action = act("Re&ject suggestion", self.reject_current, K["reject"],
                                 "Delete the selected suggestion", "rejectSuggestion")
        self.accept_doc_action = act("Accept all in document", lambda: self.accept_all(project=False),
                                     K["accept_all"], "", "acceptAllDocument")
        self.reject_doc_action = act("Reject all in document", lambda: self.reject_all(project=False),
                                     K["reject_all"], "", "rejectAllDocument")
        self.accept_project_action = act("Accept all in project", lambda: self.accept_all(project=True),
                                         None, "", "acceptAllProject")
        self.reject_project_action = act("Reject all in project", lambda: self.reject_all(project=True),
                                         None, "", "rejectAllProject")
        self.next_action = act("Next suggestion", lambda: self.step(1), K["next"], "", "nextSuggestion")
        self.prev_action = act("Previous suggestion", lambda: self.step(-1), K["previous"], "",
                               "previousSuggestion")
        self.tag_all_action = act("&Tag all matches…", self.ask_tag_all, "Ctrl+Shift+T",
                                  "Search the project for a phrase or pattern and tag every match at once",
                                  "tagAllMatches")
        menu = window.menu("&Annotate").addMenu("&Suggestions")
        menu.setObjectName("suggestionsMenu")
        menu.addActions([self.load_action, self.model_action, self.run_doc_action, self.run_all_action])
        menu.addSeparator()
        menu.addActions([self.accept_action, self.reject_action, self.next_action, self.prev_action])
        menu.addSeparator()
        menu.addActions([self.accept_doc_action, self.reject_doc_action, self.accept_project_action,
                         self.reject_project_action])
        self.menu = menu
        window.menu("&Annotate").addAction(self.tag_all_action)

    # ------------------------------------------------------------------ helpers
    @property
    def project(self) -> Project:
        return self.window.project

    def _say(self, text: str, ms: int = 6000) -> None:
        self.window.show_message(text, ms)

    def _show(self, icon: QMessageBox.Icon, text: str) -> None:
        box = QMessageBox(icon, "Suggestions", text, QMessageBox.StandardButton.Ok, self.window)
        box.setObjectName("preannotateMessage")
        self.message = box
        box.open()

    def _suggestions_here(self) -> list[SpanData]:
        c = self.window.controller
        return [s for s in c.sorted_spans() if pa.is_suggestion(s)]

    def _current_suggestion(self) -> SpanData | None:
        sid = self.window.current_span()
        s = self.window.controller.spans.get(sid) if sid is not None else None
        return s if s is not None and pa.is_suggestion(s) else None

    def _select_next_after(self, pos: int) -> None:
        rest = [s for s in self._suggestions_here() if s.start >= pos]
        nxt = rest[0] if rest else next(iter(self._suggestions_here()), None)
        self.window.select_span(nxt.id if nxt else None, scroll=nxt is not None)
        if nxt is None:
            self._say("No suggestions left in this document.")

    # ------------------------------------------------------------------ rules
    def ask_files(self) -> None:
        dlg = QFileDialog(self.window, "Load patterns or terms", str(self.project.path.parent), FILTER)
        dlg.setOption(QFileDialog.Option.DontUseNativeDialog)
        dlg.setObjectName("patternFileDialog")
        dlg.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dlg.filesSelected.connect(self.load_files)
        self.file_dialog = dlg
        dlg.open()

    def load_files(self, paths: Sequence[str]) -> None:
        """Replace the loaded rules with these files' (patterns: .jsonl/.json; else term lists)."""
        try:
            rules = [r for p in paths for r in pa.load_rules(p)]
            known = pa.span_labels(self.project)
            bad = sorted({r.label for r in rules} - set(known))
            if bad:
                raise AnnotatorError(f"unknown label{'s' if len(bad) > 1 else ''} {', '.join(bad)} (the "
                                     f"project's span labels: {', '.join(sorted(known))})")
        except AnnotatorError as e:
            self._show(QMessageBox.Icon.Warning, f"Could not load the patterns: {e}")
            return
        self.rules, self.files = rules, [Path(p).name for p in paths]
        self._suggester = None
        self._say(f"{len(rules):,} pattern{'s' if len(rules) != 1 else ''} from {', '.join(self.files)}. "
                  "Ctrl+Shift+M runs them on this document.")
        self.rulesLoaded.emit(len(rules))

    def ask_model(self) -> None:
        dlg = QInputDialog(self.window, objectName="pipelineDialog")
        dlg.setWindowTitle("Use a spaCy pipeline")
        dlg.setLabelText("Installed spaCy pipeline (package name such as en_core_web_sm, or a folder);\n"
                         "nothing is downloaded. Leave empty for patterns only.")
        dlg.setTextValue(self.model or "")
        dlg.textValueSelected.connect(self.set_model)
        self.dialog = dlg
        dlg.open()

    def set_model(self, name: str) -> None:
        self.model = name.strip() or None
        self._suggester = None
        self._say(f"Suggestions will also come from the spaCy pipeline {self.model}." if self.model
                  else "No spaCy pipeline: patterns only.")

    def _get_suggester(self) -> pa.Suggester:
        """Built on first use (in the worker: importing spaCy and loading a pipeline take time)."""
        key = (id(self.rules), self.model, self.ignore_case, self.project.language)
        if self._suggester is None or self._suggester[0] != key:
            self._suggester = (key, pa.make_suggester(self.project, self.rules, self.model, self.ignore_case))
        return self._suggester[1]

    # ------------------------------------------------------------------ running
    def run_document(self) -> None:
        d = self.window.current_document_id
        if d is None:
            self._say("Open a document first.")
            return
        self._run([d], title=None)

    def run_project(self) -> None:
        self._run(None, title="Suggesting spans")

    def _run(self, ids: list[int] | None, title: str | None) -> None:
        if not self.rules and not self.model:
            self._say("Load patterns or terms (or choose a spaCy pipeline) first.")
            self.ask_files()
            return
        if self.task is not None and not self.task.done.is_set():
            self._say("Suggestions are still being computed.")
            return
        aid = self.window.annotator.id

        def work(progress, cancelled):  # worker thread: no widgets
            return pa.run(self.project, self._get_suggester(), aid, ids, progress=progress, cancelled=cancelled)

        self._say("Suggesting spans…", 0)
        self.task = run_task(work, on_done=self._ran, on_error=self._failed, on_cancel=self._cancelled,
                             parent=self.window, title=title)

    def _refresh_current(self) -> None:
        self.window.controller.reload()  # a run stores suggestions in bulk: the open document re-reads them

    def _ran(self, report: pa.RunReport) -> None:
        self._refresh_current()
        if report.documents == 1 and self.window.current_document_id is not None:
            self.window.refresh_documents([self.window.current_document_id])
        else:
            self.window.refresh_documents()
        text = report.summary()
        if report.suggestions:
            text += ". Y accepts, X rejects the selected one; Shift+Y / Shift+X all in the document."
        self._say(text, 15000)
        if not self.window.current_span() and self._suggestions_here():
            self._select_next_after(0)
        self.finished.emit(report)

    def _failed(self, message: str, _tb: str) -> None:
        self._say("")
        self._show(QMessageBox.Icon.Warning, f"Suggesting failed: {message}")

    def _cancelled(self) -> None:
        self._refresh_current()
        self.window.refresh_documents()
        self._say("Cancelled: suggestions stored before you cancelled stay (Reject all removes them).", 10000)

    # ------------------------------------------------------------------ review
    def accept_current(self) -> None:
        s = self._current_suggestion()
        if s is None:
            self._hint()
            return
        text = f"Accept {self.window.controller.labels[s.label_id].name}"
        self.window.session.push(lambda: pa.accept(self.project, [s], self.window.annotator.name, text=text), text)
        self._select_next_after(s.end)

    def reject_current(self) -> None:
        s = self._current_suggestion()
        if s is None:
            self._hint()
            return
        text = f"Reject {self.window.controller.labels[s.label_id].name}"
        self.window.session.push(lambda: pa.reject(self.project, [s], text=text), text)
        self._select_next_after(s.start)

    def _hint(self) -> None:
        if self._suggestions_here():
            self._select_next_after(self.window.selection()[0])
            self._say("Selected the next suggestion: Y accepts it, X rejects it.")
        else:
            self._say("No suggestions in this document (Annotate → Suggestions → Run on document).")

    def _all(self, project: bool) -> list[SpanData]:
        if project:
            return pa.suggestions(self.project, self.window.annotator.id)
        return self._suggestions_here()

    def accept_all(self, project: bool = False) -> None:
        spans = self._all(project)
        if not spans:
            self._say("No suggestions to accept.")
            return
        where = "project" if project else "document"
        text = f"Accept {len(spans)} suggestions in the {where}"
        self.window.session.push(lambda: pa.accept(self.project, spans, self.window.annotator.name, text=text), text)
        self._say(f"Accepted {len(spans):,} suggestion{'s' if len(spans) != 1 else ''} (Ctrl+Z undoes).")

    def reject_all(self, project: bool = False) -> None:
        spans = self._all(project)
        if not spans:
            self._say("No suggestions to reject.")
            return
        where = "project" if project else "document"
        text = f"Reject {len(spans)} suggestions in the {where}"
        self.window.session.push(lambda: pa.reject(self.project, spans, text=text), text)
        self._say(f"Rejected {len(spans):,} suggestion{'s' if len(spans) != 1 else ''} (Ctrl+Z undoes).")

    def step(self, delta: int) -> None:
        spans = self._suggestions_here()
        if not spans:
            self._say("No suggestions in this document.")
            return
        ids = [s.id for s in spans]
        cur = self.window.current_span()
        if cur in ids:
            i = ids.index(cur) + delta
        else:
            pos = self.window.selection()[0]
            after = [i for i, s in enumerate(spans) if s.start >= pos]
            i = (after[0] if after else 0) if delta > 0 else ((after[0] - 1) if after else len(ids) - 1)
        self.window.select_span(ids[i % len(ids)], scroll=True)

    # ------------------------------------------------------------------ tag all matches
    def ask_tag_all(self) -> None:
        start, end = self.window.selection()
        doc = self.window.controller.document
        query = doc.text[start:end].strip() if end > start and doc is not None else ""
        labels = [lab for lab in self.window.controller.span_labels()]
        dlg = TagAllDialog(self.project, labels, self.window, query=query)
        dlg.tagRequested.connect(self.tag_all)
        dlg.finished.connect(dlg.deleteLater)
        self.dialog = dlg
        dlg.open()
        if query:
            dlg.search()

    def tag_all(self, matches: list[Any], label: str, query: str) -> None:
        ch = self.window.session.push(
            lambda: pa.tag_matches(self.project, matches, label, self.window.annotator.id, query),
            f"Tag all matches of {query!r} as {label}")
        n = sum(e.added for e in ch.spans) if ch is not None else 0
        skipped = len(matches) - n
        self._say(f"Tagged {n:,} match{'es' if n != 1 else ''} as {label}"
                  + (f"; {skipped:,} already tagged" if skipped else "") + " (Ctrl+Z undoes).", 10000)

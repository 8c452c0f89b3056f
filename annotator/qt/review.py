"""Review mode (View → Review mode, Ctrl+Shift+R, for leads): adjudicate annotators' work into gold.

Left: the review queue (documents most unresolved disagreements first, flagged when fewer than
N annotators finished, progress). Centre: the text with every annotator's versions (dashed, a
red wave where they disagree) and the gold set (filled / underlined). Right: the current
disagreement's versions, numbered, with who said what.

Keys: J/N next disagreement, K/P previous, 1–9 accept that version, A accept all agreed,
X reject, E edit in place (the selection, with the label of the highlighted version),
Enter mark reviewed and open the next document, Alt+Down/Alt+Up next/previous document,
Ctrl+Z/Ctrl+Shift+Z undo/redo, Esc close. Every edit is a :class:`ReviewCommand` on the
window's undo stack calling :mod:`annotator.services.review`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import GOLD_ANNOTATOR, Annotator, Layer
from annotator.core.tokens import TokenIndex
from annotator.qt.undo import EditSession
from annotator.qt.text_view import RenderSpan, SpanTextView, Style
from annotator.services import review as rv
from annotator.storage import Project

THRESHOLDS = (("Majority agrees", "majority"), ("All agree", "all"), ("At least 2", "2"), ("At least 3", "3"))
_REJECTED = "#adb5bd"


class ReviewWindow(QMainWindow):
    queueLoaded = Signal()
    documentShown = Signal(int)

    def __init__(self, project: Project, lead: Annotator, session: EditSession | None = None,
                 parent: QWidget | None = None, *, min_annotators: int = 2) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("reviewWindow")
        self.setWindowTitle(f"Review — {project.path.stem} — {lead.name}")
        self.resize(1280, 760)
        self.project, self.lead, self.min_annotators = project, lead, min_annotators
        self.session = session if session is not None else EditSession(project, self)
        self.undo_stack = self.session.undo_stack
        self.session.changed.connect(self._on_change)
        self.session.stepped.connect(self._on_step)
        self.session.refused.connect(lambda msg: self.statusBar().showMessage(msg, 6000))
        self.labels = {lab.id: lab for lab in project.labels()}
        self.queue: rv.Queue | None = None
        self.review: rv.DocumentReview | None = None
        self.document_id: int | None = None
        self.current: int | None = None  # index into self.review.regions
        self.task = None
        self._tokens: TokenIndex | None = None

        # ---- left: queue
        self.threshold = QComboBox(objectName="reviewThreshold")
        for text, value in THRESHOLDS:
            self.threshold.addItem(text, value)
        self.threshold.setToolTip("How many annotators must agree for a version to be pre-accepted")
        self.threshold.currentIndexChanged.connect(lambda _i: self.reload())
        self.queue_table = QTableWidget(0, 3, objectName="reviewQueue")
        self.queue_table.setHorizontalHeaderLabels(["Document", "Open", "Annotators"])
        header = self.queue_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.queue_table.setWordWrap(False)
        self.queue_table.verticalHeader().hide()
        self.queue_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.queue_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue_table.itemSelectionChanged.connect(self._on_queue_selection)
        self.progress = QProgressBar(objectName="reviewProgress")
        self.progress.setFormat("%v of %m reviewed")
        self.progress_label = QLabel(objectName="reviewProgressLabel", wordWrap=True)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(4, 4, 4, 4)
        ll.addWidget(QLabel("Pre-accept when:"))
        ll.addWidget(self.threshold)
        ll.addWidget(self.queue_table, 1)
        ll.addWidget(self.progress)
        ll.addWidget(self.progress_label)

        # ---- centre: text
        self.text_view = SpanTextView()
        self.text_view.setObjectName("reviewText")
        self.text_view.token_at = lambda pos: self.tokens().word_at(pos) if self.review else None
        self.text_view.edge_editing = True  # drag an edge of the highlighted version: that becomes gold
        self.text_view.spanClicked.connect(self._on_span_clicked)
        self.text_view.spanEdgeDragged.connect(self._on_edge_dragged)
        self.position_label = QLabel(objectName="reviewPosition")
        centre = QWidget()
        cl = QVBoxLayout(centre)
        cl.setContentsMargins(0, 4, 0, 0)
        cl.addWidget(self.position_label)
        cl.addWidget(self.text_view, 1)

        # ---- right: the current disagreement
        self.region_label = QLabel(objectName="reviewRegion", wordWrap=True)
        self.region_label.setTextFormat(Qt.TextFormat.PlainText)
        self.candidates = QListWidget(objectName="reviewCandidates")
        self.candidates.setWordWrap(True)
        self.who_label = QLabel(objectName="reviewWho", wordWrap=True)
        self.who_label.setTextFormat(Qt.TextFormat.PlainText)
        self.gold_label = QLabel(objectName="reviewGold", wordWrap=True)
        self.gold_label.setTextFormat(Qt.TextFormat.PlainText)
        keys = QLabel("J/K next/previous · 1–9 accept · A accept agreed · X reject · E edit selection · "
                      "Shift+←/→ end edge, Ctrl+Shift+←/→ start edge (Alt: a character) or drag an edge · "
                      "Enter reviewed, next document · Ctrl+Z undo", wordWrap=True, objectName="reviewKeys")
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(4, 4, 4, 4)
        rl.addWidget(self.region_label)
        rl.addWidget(self.candidates, 1)
        rl.addWidget(self.who_label)
        rl.addWidget(self.gold_label)
        rl.addWidget(keys)

        split = QSplitter(objectName="reviewSplitter")
        for w in (left, centre, right):
            split.addWidget(w)
        split.setStretchFactor(1, 3)
        split.setSizes([400, 640, 360])
        self.setCentralWidget(split)
        self._build_actions()

    # ------------------------------------------------------------------ actions
    def _act(self, text: str, slot, keys: list[str], name: str) -> QAction:
        a = QAction(text, self, objectName=name)
        a.setShortcuts([QKeySequence(k) for k in keys])
        a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        a.triggered.connect(slot)
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        A = self._act
        self.next_action = A("Next disagreement", lambda: self.step(1), ["J", "N"], "reviewNext")
        self.prev_action = A("Previous disagreement", lambda: self.step(-1), ["K", "P"], "reviewPrevious")
        self.accept_actions = [A(f"Accept version {i}", lambda _c=False, i=i: self.accept(i - 1), [str(i)],
                                 f"reviewAccept{i}") for i in range(1, 10)]
        self.accept_agreed_action = A("Accept all agreed", self.accept_agreed, ["A"], "reviewAcceptAgreed")
        self.reject_action = A("Reject", self.reject, ["X"], "reviewReject")
        self.edit_action = A("Edit: gold from the selection", self.edit, ["E"], "reviewEdit")
        self.done_action = A("Mark reviewed, next document", self.mark_reviewed, ["Return", "Enter", "Ctrl+Return"],
                             "reviewDone")
        self.next_doc_action = A("Next document", lambda: self.step_document(1), ["Alt+Down"], "reviewNextDoc")
        self.prev_doc_action = A("Previous document", lambda: self.step_document(-1), ["Alt+Up"], "reviewPrevDoc")
        self.edge_actions = []
        rows = (("end", 1, "Shift+Right", "End edge one {} right"), ("end", -1, "Shift+Left", "End edge one {} left"),
                ("start", -1, "Ctrl+Shift+Left", "Start edge one {} left"),
                ("start", 1, "Ctrl+Shift+Right", "Start edge one {} right"))
        for precise in (False, True):
            for edge, step, keys, text in rows:
                keys = keys.replace("Shift+", "Alt+Shift+") if precise else keys
                self.edge_actions.append(A(text.format("character" if precise else "token") + " (edit as gold)",
                                           lambda _c=False, e=edge, d=step, p=precise: self.move_edge(e, d, p),
                                           [keys], f"reviewEdge-{edge}-{step}-{int(precise)}"))
        undo, redo = self.session.actions(self)
        self.addActions([undo, redo])
        self.undo_action, self.redo_action = undo, redo
        self.close_action = A("Close review mode", self.close, ["Escape"], "reviewClose")
        tb = self.addToolBar("Review")
        tb.setObjectName("reviewToolBar")
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        # the toolbar says "Undo"/"Redo" (the stack's own actions say "Undo Accept version 1 …", which a
        # toolbar button cuts to "Un…e)"); what would be undone is the button's tooltip
        self.undo_button_action = _TwinAction(self.session, True, self, "reviewUndoButton")
        self.redo_button_action = _TwinAction(self.session, False, self, "reviewRedoButton")
        tb.addActions([self.prev_action, self.next_action, self.accept_agreed_action, self.reject_action,
                       self.edit_action, self.done_action, self.undo_button_action, self.redo_button_action])

    # ------------------------------------------------------------------ queue
    def threshold_value(self) -> str:
        return self.threshold.currentData()

    def reload(self) -> None:
        """Recompute the queue off the GUI thread; the current document stays open."""
        from annotator.qt.workers import run_task

        threshold, n, project = self.threshold_value(), self.min_annotators, self.project
        self.progress_label.setText("Loading the review queue…")

        def work(progress, cancelled):
            return rv.review_queue(project, threshold=threshold, min_annotators=n, cancelled=cancelled)

        def done(queue: rv.Queue) -> None:
            self.task = None
            self._show_queue(queue)
            if self.document_id is None and queue.items:
                self.open_document(queue.items[0].document_id)
            elif self.document_id is not None:
                self.open_document(self.document_id, keep_place=True)
            self.queueLoaded.emit()

        def failed(msg: str, _tb: str) -> None:
            self.task = None
            self.progress_label.setText(f"Could not load the queue: {msg}")

        self.task = run_task(work, on_done=done, on_error=failed)

    def _show_queue(self, queue: rv.Queue) -> None:
        self.queue = queue
        t = self.queue_table
        t.blockSignals(True)
        t.setRowCount(len(queue.items))
        for row, it in enumerate(queue.items):
            title = QTableWidgetItem(("✓ " if it.reviewed else "⚑ " if it.flagged else "") + it.title)
            title.setData(Qt.ItemDataRole.UserRole, it.document_id)
            tip = f"{it.disagreements} disagreements, {it.unresolved} not decided"
            if it.flagged:
                tip += f"; finished by fewer than {queue.min_annotators} annotators"
            title.setToolTip(tip)
            t.setItem(row, 0, title)
            t.setItem(row, 1, QTableWidgetItem(str(it.unresolved)))
            t.setItem(row, 2, QTableWidgetItem(", ".join(it.annotators)))
        t.blockSignals(False)
        self.progress.setMaximum(max(len(queue.items), 1))
        self.progress.setValue(queue.reviewed)
        self.progress_label.setText(queue.progress())
        self._select_row(self.document_id)

    def _row_of(self, document_id: int | None) -> int:
        for row in range(self.queue_table.rowCount()):
            if self.queue_table.item(row, 0).data(Qt.ItemDataRole.UserRole) == document_id:
                return row
        return -1

    def _select_row(self, document_id: int | None) -> None:
        row = self._row_of(document_id)
        if row >= 0:
            self.queue_table.blockSignals(True)
            self.queue_table.selectRow(row)
            self.queue_table.blockSignals(False)

    def _on_queue_selection(self) -> None:
        items = self.queue_table.selectedItems()
        if items:
            doc_id = self.queue_table.item(items[0].row(), 0).data(Qt.ItemDataRole.UserRole)
            if doc_id != self.document_id:
                self.open_document(doc_id)

    def step_document(self, delta: int) -> None:
        row = self._row_of(self.document_id) + delta
        if 0 <= row < self.queue_table.rowCount():
            self.open_document(self.queue_table.item(row, 0).data(Qt.ItemDataRole.UserRole))

    # ------------------------------------------------------------------ document
    def open_document(self, document_id: int, *, keep_place: bool = False) -> None:
        place = self.current if keep_place and document_id == self.document_id else None
        if document_id != self.document_id:
            self._tokens = None
        self.document_id = document_id
        self.review = rv.review_document(self.project, document_id, threshold=self.threshold_value())
        if self.text_view.text() != self.review.text:
            self.text_view.set_text(self.review.text)
        self._draw()
        self._select_row(document_id)
        if place is not None and place < len(self.review.regions):
            self.go_to(place, scroll=False)
        else:
            first = self._next_index(-1, 1, unresolved=True)
            self.go_to(first if first is not None else self._next_index(-1, 1))
        self.documentShown.emit(document_id)

    def _gold_change(self, change) -> set[int]:
        gold = self.project.annotator(GOLD_ANNOTATOR)
        gid = gold.id if gold is not None else None
        docs = {row.document_id for kind in ("spans", "document_labels", "statuses") for e in getattr(change, kind)
                for row in (e.before, e.after) if row is not None and row.annotator_id == gid}
        return docs | {(e.before or e.after).document_id for e in change.reviews}

    def _on_change(self, change) -> None:
        """Any edit, undo or redo: the document on show follows it."""
        if self.document_id is not None and self.document_id in self._gold_change(change):
            self.statusBar().showMessage("Saved", 2000)
            self._refresh(self.document_id)

    def _on_step(self, change) -> None:
        """An undo or redo of a review decision in another document: show that document."""
        docs = self._gold_change(change)
        if len(docs) == 1 and self.document_id not in docs and self.isVisible():
            self._refresh(next(iter(docs)))

    def _refresh(self, document_id: int) -> None:
        """After an edit or its undo: show that document again, and keep the queue row current."""
        if document_id != self.document_id:
            self.open_document(document_id)
        else:
            self.open_document(document_id, keep_place=True)
        if self.queue is not None:
            rev = self.review
            items = [rv.QueueItem(i.document_id, i.title, i.annotators, len(rev.disagreements),
                                  sum(1 for r in rev.disagreements if not r.resolved), len(rev.regions),
                                  rev.reviewed, i.flagged) if i.document_id == document_id else i
                     for i in self.queue.items]
            self._show_queue(rv.Queue(items, self.queue.min_annotators))

    def _render(self) -> list[RenderSpan]:
        rev = self.review
        out = []
        for ri, r in enumerate(rev.regions):
            if r.layer == Layer.DOCUMENT:
                continue
            for ci, c in enumerate(r.candidates):
                if r.gold and not r.rejected:
                    continue  # decided: the gold version is drawn instead
                style = Style.DASHED | (Style.DISAGREEMENT if r.is_disagreement and not r.resolved else Style.NONE)
                color = _REJECTED if r.rejected else self.labels[c.label_id].color
                out.append(RenderSpan(("cand", ri, ci), c.start, c.end, color, style,
                                      f"{ci + 1}. {c.describe(rev.text)}", 0))
        for s in rev.gold:
            lab = self.labels[s.label_id]
            prov = s.attrs.get("provenance", {})
            who = ", ".join(prov.get("agreed", [])) or "the adjudicator"
            tip = f"gold {lab.name} — {prov.get('decision', 'gold')} by {prov.get('adjudicator', '?')}; agreed: {who}"
            out.append(RenderSpan(("gold", s.id), s.start, s.end, lab.color,
                                  Style.UNDERLINE if lab.layer == Layer.CLAIM else Style.FILL, tip, 10))
        return out

    def _draw(self) -> None:
        self.text_view.set_spans(self._render())

    # ------------------------------------------------------------------ navigation
    def _next_index(self, start: int, delta: int, *, unresolved: bool = False) -> int | None:
        regions = self.review.regions if self.review else []
        n = len(regions)
        for k in range(1, n + 1):
            i = (start + delta * k) % n
            r = regions[i]
            if r.is_disagreement and (not unresolved or not r.resolved):
                return i
        return None

    def step(self, delta: int) -> None:
        if self.review is None:
            return
        i = self._next_index(self.current if self.current is not None else (-1 if delta > 0 else 0), delta)
        if i is None:
            self.statusBar().showMessage("No disagreements in this document.", 4000)
        self.go_to(i)

    def go_to(self, index: int | None, scroll: bool = True) -> None:
        self.current = index
        self.candidates.clear()
        rev = self.review
        dis = rev.disagreements if rev else []
        left = sum(1 for r in dis if not r.resolved)
        gold_stance = f" · gold stance: {rev.gold_stance}" if rev and rev.gold_stance else ""
        if index is None or rev is None:
            self.region_label.setText("No disagreement selected.")
            self.who_label.clear()
            self.gold_label.clear()
            self.position_label.setText(f"{len(dis)} disagreements, {left} to decide{gold_stance}" if rev else "")
            self.text_view.set_current_span(None)
            return
        r = rev.regions[index]
        pos = dis.index(r) + 1 if r in dis else 0
        self.position_label.setText(f"Disagreement {pos} of {len(dis)} · {left} to decide"
                                    f" · {', '.join(rev.annotators)}{gold_stance}")
        where = "document stance" if r.layer == Layer.DOCUMENT else f"{r.layer.value} [{r.start}, {r.end})"
        state = "rejected" if r.rejected else "decided" if r.resolved else "to decide"
        self.region_label.setText(f"{(r.kind or 'agreed').capitalize()} — {where} — {state}")
        for ci, c in enumerate(r.candidates):
            mark = "  ✓ meets the threshold" if c is r.agreed else ""
            item = QListWidgetItem(f"{ci + 1}. {c.describe(rev.text)}{mark}")
            item.setData(Qt.ItemDataRole.UserRole, ci)
            self.candidates.addItem(item)
        if r.candidates:
            self.candidates.setCurrentRow(0)
        said = r.who_said_what()
        self.who_label.setText("Who said what: " + "; ".join(
            f"{a}: {', '.join(said[a]) if a in said else 'nothing'}" for a in rev.annotators))
        if r.layer == Layer.DOCUMENT:
            self.gold_label.setText(f"Gold: {rev.gold_stance or '—'}")
        else:
            self.gold_label.setText("Gold: " + ("; ".join(
                f"{self.labels[s.label_id].name} “{rev.text[s.start:s.end]}”" for s in r.gold) or "—"))
        if r.layer != Layer.DOCUMENT:
            target = ("gold", r.gold[0].id) if r.gold else ("cand", index, 0)
            self.text_view.set_current_span(target)
            if scroll:
                self.text_view.scroll_to(r.start)
        else:
            self.text_view.set_current_span(None)

    def _on_span_clicked(self, span_id) -> None:
        if isinstance(span_id, tuple) and span_id[0] == "cand":
            self.go_to(span_id[1], scroll=False)
        elif isinstance(span_id, tuple) and span_id[0] == "gold" and self.review:
            for i, r in enumerate(self.review.regions):
                if any(s.id == span_id[1] for s in r.gold):
                    self.go_to(i, scroll=False)

    def region(self) -> rv.Region | None:
        if self.review is None or self.current is None:
            return None
        return self.review.regions[self.current]

    # ------------------------------------------------------------------ edits
    def _push(self, operation, text: str, advance: bool = True) -> None:
        self.session.push(operation, text)
        if advance and self.review is not None:
            nxt = self._next_index(self.current if self.current is not None else -1, 1, unresolved=True)
            if nxt is not None:
                self.go_to(nxt)
            else:
                self.statusBar().showMessage("Every disagreement is decided: Enter marks the document reviewed.",
                                             6000)

    def accept(self, index: int) -> None:
        r = self.region()
        if r is None or index >= len(r.candidates):
            self.statusBar().showMessage(f"No version {index + 1} here.", 4000)
            return
        c = r.candidates[index]
        self._push(lambda: rv.accept(self.project, self.document_id, r, c, self.lead.name),
                   f"Accept {c.label} ({', '.join(c.annotators)})")

    def accept_agreed(self) -> None:
        if self.review is None:
            return
        rev = self.review
        self._push(lambda: rv.accept_agreed(self.project, rev, self.lead.name), "Accept all agreed")

    def reject(self) -> None:
        r = self.region()
        if r is None:
            return
        self._push(lambda: rv.reject(self.project, self.document_id, r, self.lead.name), "Reject")

    def edit(self) -> None:
        """Edit in place: the text selection (snapped to tokens) becomes the gold version of the
        current region, with the label of the highlighted version."""
        r = self.region()
        start, end = self.text_view.selected_range()
        if r is None or r.layer == Layer.DOCUMENT or start == end:
            self.statusBar().showMessage("Select the text of the gold version first, then press E.", 5000)
            return
        from annotator.core.boundaries import snap_selection

        got = snap_selection(self.review.text, self.tokens(), start, end) or (start, end)
        row = max(self.candidates.currentRow(), 0)
        c = r.candidates[row]
        self._push(lambda: rv.edit(self.project, self.document_id, r, got[0], got[1], c.label_id, self.lead.name),
                   f"Edit {c.label}")
        cur = self.text_view.textCursor()
        cur.clearSelection()
        self.text_view.setTextCursor(cur)

    # ------------------------------------------------------------------ boundaries (edit mode)
    def tokens(self) -> TokenIndex:
        if self._tokens is None:
            self._tokens = TokenIndex(self.review.text, self.project.language)
        return self._tokens

    def _edited_version(self) -> tuple[rv.Region, int, int, int] | None:
        """The version whose edges move: the region's gold span, else its highlighted candidate;
        as (region, start, end, label id)."""
        r = self.region()
        if r is None or r.layer == Layer.DOCUMENT:
            return None
        if r.gold and not r.rejected:
            g = r.gold[0]
            return r, g.start, g.end, g.label_id
        if not r.candidates:
            return None
        c = r.candidates[max(self.candidates.currentRow(), 0)]
        return r, c.start, c.end, c.label_id

    def move_edge(self, edge: str, step: int, precise: bool = False) -> None:
        """Shift+←/→ (end), Ctrl+Shift+←/→ (start), with Alt by a character: the current version
        with that edge moved becomes the gold version (an edit, undoable)."""
        from annotator.core.boundaries import move_edge

        got = self._edited_version()
        if got is None:
            self.statusBar().showMessage("Go to a span disagreement first (J/K).", 4000)
            return
        r, start, end, label_id = got
        moved = move_edge(self.review.text, self.tokens(), start, end, edge, step,  # type: ignore[arg-type]
                          "character" if precise else "token")
        if moved is None:
            self.statusBar().showMessage("That edge cannot move further.", 4000)
            return
        self._edit_to(r, moved, label_id)

    def _on_edge_dragged(self, span_id, edge: str, pos: int, modifiers) -> None:  # noqa: ANN001
        from annotator.core.boundaries import resize

        got = self._edited_version()
        if got is None:
            return
        r, start, end, label_id = got
        precise = bool(modifiers & Qt.KeyboardModifier.AltModifier)
        moved = resize(self.review.text, self.tokens(), start, end, edge, pos, precise)  # type: ignore[arg-type]
        if moved is None:
            self.statusBar().showMessage("A span cannot be empty: drag the edge back over some text.", 4000)
            return
        self._edit_to(r, moved, label_id)

    def _edit_to(self, r: rv.Region, got: tuple[int, int], label_id: int) -> None:
        index = self.current
        label = self.labels[label_id].name
        self._push(lambda: rv.edit(self.project, self.document_id, r, got[0], got[1], label_id, self.lead.name),
                   f"Resize {label} (gold)", advance=False)
        if index is not None and self.review is not None and index < len(self.review.regions):
            self.go_to(index, scroll=False)

    def mark_reviewed(self) -> None:
        if self.review is None:
            return
        left = len(self.review.unresolved)
        self._push(lambda: rv.set_reviewed(self.project, self.document_id), "Mark reviewed", advance=False)
        if left:
            self.statusBar().showMessage(f"Marked reviewed with {left} undecided (not in gold).", 6000)
        row = self._row_of(self.document_id)
        for r in list(range(row + 1, self.queue_table.rowCount())) + list(range(0, row)):
            it = self.queue.items[r] if self.queue else None
            if it is not None and not it.reviewed:
                self.open_document(it.document_id)
                return

    def closeEvent(self, e: QCloseEvent) -> None:
        if self.task is not None:
            self.task.cancel()
        super().closeEvent(e)


class _TwinAction(QAction):
    """"Undo" or "Redo" for a toolbar: the undo stack's own actions name the command ("Undo Accept
    version 1 …"), which a toolbar button cuts to "Un…e)". The command's text is the tooltip."""

    def __init__(self, session: EditSession, undo: bool, parent: QObject, name: str) -> None:
        super().__init__("Undo" if undo else "Redo", parent, objectName=name)
        self._keys = "Ctrl+Z" if undo else "Ctrl+Shift+Z"
        stack = session.undo_stack
        self.triggered.connect(session.undo if undo else session.redo)  # checked: never another writer's row
        (stack.canUndoChanged if undo else stack.canRedoChanged).connect(self.setEnabled)
        (stack.undoTextChanged if undo else stack.redoTextChanged).connect(self.describe)
        self.setEnabled(stack.canUndo() if undo else stack.canRedo())
        self.describe(stack.undoText() if undo else stack.redoText())

    def describe(self, command: str) -> None:
        self.setToolTip(f"{self.text()} {command} ({self._keys})".replace("  ", " "))

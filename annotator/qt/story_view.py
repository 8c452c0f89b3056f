"""The story view: a story's articles side by side, their claims, links between claims in
different articles, and conflicting figures flagged for the annotator to confirm.

Keyboard first. In an article's claim list:

- Up/Down pick a claim; Left/Right (or Tab) move to the neighbouring article;
- Space marks the current claim as the one to link *from* (Esc clears the mark);
- S, P, X (or 1, 2, 3) link the marked claim to the current one as same / supports /
  contradicts (pressing another kind changes the link); Delete removes the link;
- Enter (or C) confirms conflicting figures between the marked and the current claim (or the
  current claim's first unconfirmed conflict);
- in the hints list below, Enter confirms a flagged conflict or accepts a suggested link.

Every edit is a typed change pushed on the window's edit session (one undo command); the view only
redraws from ``story_board`` after each change.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QKeyEvent,
    QKeySequence,
    QPalette,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.core.claim_matching import Claim, LinkKind, LinkOrigin, StoryData, Suggestion
from annotator.core.offsets import OffsetMap
from annotator.services import stories as svc
from annotator.storage import Project
from annotator.qt.undo import EditSession
from annotator.services import story_changes as sc
from annotator.storage.claims import ClaimStore

KIND_MARK = {LinkKind.SAME: "=", LinkKind.SUPPORTS: "→", LinkKind.CONTRADICTS: "≠"}
KEYS = {
    Qt.Key.Key_S: "same", Qt.Key.Key_1: "same",
    Qt.Key.Key_P: "supports", Qt.Key.Key_2: "supports",
    Qt.Key.Key_X: "contradicts", Qt.Key.Key_3: "contradicts",
    Qt.Key.Key_Space: "mark", Qt.Key.Key_Escape: "clear",
    Qt.Key.Key_Delete: "unlink", Qt.Key.Key_Backspace: "unlink",
    Qt.Key.Key_Return: "confirm", Qt.Key.Key_Enter: "confirm", Qt.Key.Key_C: "confirm",
    Qt.Key.Key_Left: "prev", Qt.Key.Key_Right: "next",
}
CONFLICT_BG = QColor("#ffd8a8")
CONFIRMED_BG = QColor("#e9ecef")
MARK_BG = QColor("#c5f6fa")
CLAIM_BG = QColor("#fff3bf")
CURRENT_BG = QColor("#ffe066")
SpanRole = Qt.ItemDataRole.UserRole + 1


# ---------------------------------------------------------------------------- widgets
class ClaimList(QListWidget):
    """One article's claims. Turns the view's keys into ``command`` signals."""

    command = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        name = KEYS.get(Qt.Key(event.key())) if mods == Qt.KeyboardModifier.NoModifier else None
        if name is None:
            super().keyPressEvent(event)
            return
        event.accept()
        self.command.emit(name)

    def keyboardSearch(self, search: str) -> None:  # noqa: N802  (letters are commands here)
        pass


class ArticleColumn(QWidget):
    def __init__(self, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = index
        self.setObjectName(f"storyArticle{index}")
        self.header = QLabel(objectName="articleHeader", wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.claims = ClaimList(objectName=f"claimList{index}")
        self.claims.setWordWrap(True)
        self.claims.setAlternatingRowColors(False)
        # a light selection colour: the text stays readable and the other claims' colours visible
        pal = self.claims.palette()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            pal.setColor(group, QPalette.ColorRole.Highlight, QColor("#a5d8ff"))
            pal.setColor(group, QPalette.ColorRole.HighlightedText, QColor("black"))
        self.claims.setPalette(pal)
        self.claims.setSpacing(2)
        self.text = QPlainTextEdit(objectName=f"articleText{index}", readOnly=True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                          | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.claims)
        split.addWidget(self.text)
        split.setSizes([260, 300])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self.header)
        lay.addWidget(split, 1)
        self.document_id: int | None = None
        self.offsets: OffsetMap | None = None


class StoryView(QWidget):
    """Tools → Stories. ``project``, the annotator's id (a callable, so switching annotator in
    the main window is followed) and the undo stack shared with the main window."""

    changed = Signal()

    def __init__(self, project: Project, annotator_id: Callable[[], int], session: EditSession | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("storyView")
        self.setWindowTitle("Stories — claims across articles")
        self.project = project
        self.annotator_id = annotator_id
        self.session = session if session is not None else EditSession(project, self)
        self.undo_stack = self.session.undo_stack
        self.session.changed.connect(self._on_change)
        self.board: svc.StoryBoard | None = None
        self.marked: int | None = None  # span id of the claim to link from
        self.summary = ""
        self.hint_items: list[tuple[str, object]] = []
        self.columns: list[ArticleColumn] = []

        self.story_box = QComboBox(objectName="storyBox")
        self.story_box.currentIndexChanged.connect(lambda _i: self.show_story(self.story_box.currentData()))
        self.group_button = QPushButton("&Group articles", objectName="groupButton")
        self.group_button.setToolTip("Group articles about the same event automatically "
                                     "(stories edited by hand are kept)")
        self.group_button.clicked.connect(self.regroup)
        self.remove_button = QPushButton("&Remove article", objectName="removeArticleButton")
        self.remove_button.setToolTip("Take the focused article out of this story (Ctrl+Shift+Delete)")
        self.remove_button.clicked.connect(self.remove_current_article)
        top = QHBoxLayout()
        top.addWidget(QLabel("&Story:", buddy=self.story_box))
        top.addWidget(self.story_box, 1)
        top.addWidget(self.group_button)
        top.addWidget(self.remove_button)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, objectName="articlesSplitter")
        self.hints = QListWidget(objectName="storyHints")
        self.hints.setMaximumHeight(150)
        self.hints.setWordWrap(True)
        self.hints.itemActivated.connect(self._hint_activated)
        self.status = QLabel(objectName="storyStatus", wordWrap=True)
        self.help = QLabel("Space mark · ←/→ article · S same · P supports · X contradicts · Del unlink · "
                           "Enter confirm conflict · Ctrl+Z undo", objectName="storyHelp")
        self.help.setStyleSheet("color: #555")
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.splitter, 1)
        lay.addWidget(QLabel("Conflicting figures and suggested links (Enter to confirm or accept):"))
        lay.addWidget(self.hints)
        lay.addWidget(self.status)
        lay.addWidget(self.help)

        undo, redo = self.session.actions(self)
        self.session.refused.connect(self.status.setText)
        remove = QAction("Remove article", self, shortcut=QKeySequence("Ctrl+Shift+Delete"))
        remove.triggered.connect(self.remove_current_article)
        for a in (undo, redo, remove):
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(a)
        self.resize(1400, 820)
        QApplication.instance().focusChanged.connect(self._focus_moved)
        self.reload_stories()

    # ------------------------------------------------------------------ stories
    def reload_stories(self, select: int | None = None) -> None:
        current = select if select is not None else self.story_box.currentData()
        stories = ClaimStore(self.project).stories()
        self.story_box.blockSignals(True)
        self.story_box.clear()
        for s in stories:
            origin = "" if s.origin == "auto" else " · edited"
            self.story_box.addItem(f"{s.title} ({len(s.document_ids)} articles{origin})", s.id)
        idx = self.story_box.findData(current) if current is not None else -1
        self.story_box.setCurrentIndex(idx if idx >= 0 else (0 if stories else -1))
        self.story_box.blockSignals(False)
        self.show_story(self.story_box.currentData())

    def regroup(self) -> None:
        from annotator.qt.workers import run_task

        self.group_button.setEnabled(False)

        def done(made: list[StoryData]) -> None:
            self.group_button.setEnabled(True)
            self.status.setText(f"{len(made)} automatic stor{'y' if len(made) == 1 else 'ies'} found")
            self.reload_stories(made[0].id if made and self.story_box.currentData() is None else None)
            self.activateWindow()
            if self.columns:
                self.columns[0].claims.setFocus()

        def failed(message: str, _tb: str) -> None:
            self.group_button.setEnabled(True)
            self.status.setText(f"Grouping failed: {message}")

        self.grouping = run_task(svc.group_stories, self.project, on_done=done, on_error=failed,
                                 parent=self, title="Grouping articles into stories")

    def remove_current_article(self) -> None:
        col = self._focused_column()
        if self.board is None or col is None or col.document_id is None:
            return
        docs = [d for d in self.board.story.document_ids if d != col.document_id]
        sid, text = self.board.story.id, "Remove article from story"
        self.session.push(lambda: sc.set_story_documents(self.project, sid, docs, text=text), text)

    def add_document(self, document_id: int) -> None:
        if self.board is None or document_id in self.board.story.document_ids:
            return
        docs = [*self.board.story.document_ids, document_id]
        sid, text = self.board.story.id, "Add article to story"
        self.session.push(lambda: sc.set_story_documents(self.project, sid, docs, text=text), text)

    def _changed_stories(self) -> None:
        self.reload_stories()
        self.changed.emit()

    # ------------------------------------------------------------------ drawing
    def show_story(self, story_id: int | None) -> None:
        focus = self._focused_column()
        keep_col = focus.index if focus else 0
        keep_rows = [c.claims.currentRow() for c in self.columns]
        if story_id is None:
            self.board = None
            self._build_columns([])
            self._fill_hints()
            return
        self.board = svc.story_board(self.project, story_id, self.annotator_id())
        if self.marked is not None:
            try:
                self.board.claim(self.marked)
            except KeyError:
                self.marked = None
        if [c.document_id for c in self.columns] != [a.id for a in self.board.articles]:
            self._build_columns(self.board.articles)
        for i, col in enumerate(self.columns):
            self._fill_claims(col, keep_rows[i] if i < len(keep_rows) else 0)
        self._fill_hints()
        if self.columns and focus is not None:
            self.columns[min(keep_col, len(self.columns) - 1)].claims.setFocus()

    def _build_columns(self, articles) -> None:
        for col in self.columns:
            col.setParent(None)
            col.deleteLater()
        self.columns = []
        for i, doc in enumerate(articles):
            col = ArticleColumn(i)
            col.document_id = doc.id
            col.offsets = OffsetMap(doc.text)
            meta = " · ".join(x for x in (doc.source, doc.published) if x)
            col.header.setText(f"<b>{_esc(doc.title)}</b><br><span style='color:#666'>{_esc(meta)}</span>")
            col.text.setPlainText(doc.text)
            col.claims.command.connect(lambda name, c=col: self.on_command(c, name))
            col.claims.currentRowChanged.connect(lambda _r, c=col: self._highlight(c))
            self.splitter.addWidget(col)
            self.columns.append(col)
        for a, b in zip(self.columns, self.columns[1:]):
            QWidget.setTabOrder(a.claims, b.claims)
        if self.columns:
            QWidget.setTabOrder(self.columns[-1].claims, self.hints)

    def _short(self, document_id: int) -> str:
        assert self.board is not None
        for a in self.board.articles:
            if a.id == document_id:
                return (a.source or a.title)[:24]
        return str(document_id)

    def _fill_claims(self, col: ArticleColumn, row: int) -> None:
        assert self.board is not None
        lw = col.claims
        lw.blockSignals(True)
        lw.clear()
        for c in self.board.claims.get(col.document_id, []):
            lines = [("◆ " if c.span_id == self.marked else "") + c.text]
            for ln in self.board.links_of(c.span_id):
                other = ln.target_span_id if ln.source_span_id == c.span_id else ln.source_span_id
                try:
                    oc = self.board.claim(other)
                except KeyError:
                    continue
                arrow = KIND_MARK[ln.kind]
                if ln.kind == LinkKind.SUPPORTS and ln.target_span_id == c.span_id:
                    arrow = "←"
                lines.append(f"   {arrow} {ln.kind} · {self._short(oc.document_id)}: {oc.text[:40]}…")
            flags = self.board.flags_of(c.span_id)
            for f in flags:
                state = "confirmed" if f.confirmed else "to confirm"
                lines.append(f"   ⚠ conflicting figures ({state}): {f.describe()}")
            item = QListWidgetItem("\n".join(lines))
            item.setData(SpanRole, c.span_id)
            if any(not f.confirmed for f in flags):
                item.setBackground(CONFLICT_BG)
            elif flags:
                item.setBackground(CONFIRMED_BG)
            if c.span_id == self.marked:
                item.setBackground(MARK_BG)
            item.setToolTip(f"claimant: {c.attrs.get('claimant') or '—'} · stance: {c.attrs.get('stance') or '—'}")
            lw.addItem(item)
        if not self.board.claims.get(col.document_id):
            empty = QListWidgetItem("(no claims marked by you in this article)")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            lw.addItem(empty)
        lw.setCurrentRow(max(0, min(row, lw.count() - 1)) if lw.count() else -1)
        lw.blockSignals(False)
        self._highlight(col)

    def _highlight(self, col: ArticleColumn) -> None:
        if self.board is None or col.offsets is None:
            return
        current = self._claim_at(col)
        sels = []
        for c in self.board.claims.get(col.document_id, []):
            sel = QTextEdit.ExtraSelection()
            cur = QTextCursor(col.text.document())
            cur.setPosition(col.offsets.to_utf16(c.start))
            cur.setPosition(col.offsets.to_utf16(c.end), QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cur
            fmt = QTextCharFormat()
            fmt.setBackground(CURRENT_BG if current and current.span_id == c.span_id else CLAIM_BG)
            sel.format = fmt
            sels.append(sel)
        col.text.setExtraSelections(sels)
        if current is not None:
            cur = QTextCursor(col.text.document())
            cur.setPosition(col.offsets.to_utf16(current.start))
            col.text.setTextCursor(cur)
            col.text.centerCursor()

    def _fill_hints(self) -> None:
        self.hints.clear()
        self.hint_items = []
        if self.board is None:
            self.status.setText("No stories yet: press Group articles (or run 'annotator stories group').")
            return
        for f in self.board.flags:
            if f.confirmed:
                continue
            text = (f"⚠ Conflicting figures — {f.describe()}\n   {self._short(f.a.document_id)}: {f.a.text}\n"
                    f"   {self._short(f.b.document_id)}: {f.b.text}")
            item = QListWidgetItem(text)
            item.setBackground(CONFLICT_BG)
            self.hints.addItem(item)
            self.hint_items.append(("flag", f))
        claims = [c for cs in self.board.claims.values() for c in cs]
        for s in svc.board_suggestions(self.board)[:10]:
            self.hints.addItem(QListWidgetItem(
                f"Suggested: {s.kind} ({s.score:.2f}) — {self._short(s.a.document_id)}: {s.a.text[:60]} ↔ "
                f"{self._short(s.b.document_id)}: {s.b.text[:60]}"))
            self.hint_items.append(("suggestion", s))
        n_flags = sum(1 for f in self.board.flags if not f.confirmed)
        self.summary = (f"{len(self.board.articles)} articles · {len(claims)} claims · "
                        f"{len(self.board.links)} links · {n_flags} conflicting figure"
                        f"{'s' if n_flags != 1 else ''} to confirm")
        self.status.setText(self.summary)

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        """The article with the keyboard focus has a coloured header."""
        for col in self.columns:
            on = new is not None and (new is col.claims or col.isAncestorOf(new))
            col.header.setStyleSheet("background: #d0ebff; padding: 2px" if on else "padding: 2px")

    # ------------------------------------------------------------------ keys
    def _focused_column(self) -> ArticleColumn | None:
        for col in self.columns:
            if col.claims.hasFocus() or col.isAncestorOf(self.focusWidget() or self):
                return col
        return None

    def _claim_at(self, col: ArticleColumn) -> Claim | None:
        item = col.claims.currentItem()
        if item is None or item.data(SpanRole) is None or self.board is None:
            return None
        return self.board.claim(int(item.data(SpanRole)))

    def on_command(self, col: ArticleColumn, name: str) -> None:
        if name in ("prev", "next"):
            j = col.index + (1 if name == "next" else -1)
            if 0 <= j < len(self.columns):
                self.columns[j].claims.setFocus()
            return
        current = self._claim_at(col)
        if name == "clear":
            self.marked = None
            self._redraw("Mark cleared.")
            return
        if current is None:
            self.status.setText("No claim here.")
            return
        if name == "mark":
            self.marked = None if self.marked == current.span_id else current.span_id
            self._redraw("Marked: move to a claim in another article and press S, P or X." if self.marked
                         else "Mark cleared.")
            return
        if name == "confirm":
            self._confirm(current)
            return
        if self.marked is None:
            self.status.setText("Mark a claim with Space first, then move to the claim to link it to.")
            return
        source = self.board.claim(self.marked)
        if source.document_id == current.document_id:
            self.status.setText("Link claims in different articles.")
            return
        if name == "unlink":
            if ClaimStore(self.project).link_between(self.annotator_id(), source.span_id, current.span_id) is None:
                self.status.setText("These claims are not linked.")
                return
            self.push_link(lambda: svc.unlink_claims(self.project, self.annotator_id(), source.span_id,
                                                     current.span_id), "Remove claim link")
            return
        kind = LinkKind(name)
        self.push_link(lambda: svc.link_claims(self.project, self.annotator_id(), source.span_id, current.span_id,
                                               kind), f"Link claims: {kind}")

    def _confirm(self, current: Claim) -> None:
        assert self.board is not None
        flags = self.board.flags_of(current.span_id)
        if self.marked is not None and self.marked != current.span_id:
            flags = [f for f in flags if self.marked in (f.a.span_id, f.b.span_id)]
        flags = [f for f in flags if not f.confirmed]
        if not flags:
            self.status.setText("No conflicting figures to confirm here.")
            return
        self.confirm_flag(flags[0])

    def confirm_flag(self, flag: svc.Flag) -> None:
        a, b = flag.a.span_id, flag.b.span_id
        self.push_link(lambda: svc.confirm_conflict(self.project, self.annotator_id(), a, b),
                       "Confirm conflicting figures")

    def accept_suggestion(self, s: Suggestion) -> None:
        a, b = s.a.span_id, s.b.span_id
        self.push_link(lambda: svc.link_claims(self.project, self.annotator_id(), a, b, s.kind,
                                               origin=LinkOrigin.SUGGESTION), f"Accept suggested link: {s.kind}")

    def _hint_activated(self, item: QListWidgetItem) -> None:
        row = self.hints.row(item)
        if 0 <= row < len(self.hint_items):
            kind, obj = self.hint_items[row]
            if kind == "flag":
                self.confirm_flag(obj)  # type: ignore[arg-type]
            else:
                self.accept_suggestion(obj)  # type: ignore[arg-type]

    def push_link(self, apply: Callable[[], svc.LinkEdit | None], text: str) -> None:
        self.session.push(lambda: sc.link_change(apply(), text), text)

    def _on_change(self, change) -> None:
        """Any edit, undo or redo of links or stories: redraw (the story list too if a story changed)."""
        if change.stories:
            self._changed_stories()
        elif change.links:
            self._changed_links(change.text or "Saved")

    def _changed_links(self, message: str) -> None:
        self._redraw(message)
        self.changed.emit()

    def _redraw(self, message: str | None = None) -> None:
        if self.board is not None:
            self.show_story(self.board.story.id)
        if message:
            self.status.setText(f"{message} — {self.summary}" if self.summary else message)


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

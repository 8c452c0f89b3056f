"""The one undo command, and the edit session that owns the undo stack.

Every edit in the window (workspace, review, suggestions, stories) is pushed as a
:class:`ChangeCommand`: its first ``redo`` runs an operation that returns a typed
:class:`~annotator.core.changes.Change`; ``undo`` applies the change's inverse and a later
``redo`` the change again, each in one transaction. Storage refuses a step whose rows another
writer has changed since; the step is then reported and the history does not move.
:class:`EditSession` tells every view what changed through one signal, ``changed(Change)``.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack

from annotator.core.changes import Change
from annotator.core.errors import AnnotatorError
from annotator.storage import Project

Operation = Callable[[], Change]


class ChangeCommand(QUndoCommand):
    MERGE_ID = 7301  # QUndoCommand.id() of commands that may merge with the one before

    def __init__(self, session: EditSession, operation: Operation, text: str, merge_key: object = None) -> None:
        super().__init__(text)
        self.session, self.operation, self.merge_key = session, operation, merge_key
        self.change: Change | None = None
        self.error: str | None = None
        self._skip = False

    def redo(self) -> None:
        if self._skip:  # the history is being put back after a refused undo: nothing to write
            self._skip = False
            return
        try:
            if self.change is None:
                self.change = self.operation()
                if self.change.empty:
                    self.setObsolete(True)  # nothing happened: nothing to undo
                    return
            else:
                self.change = self.session.project.apply(self.change)
        except AnnotatorError as e:
            self.error = str(e)
            if self.change is None:
                self.setObsolete(True)
            return
        self.session.changed.emit(self.change)

    def id(self) -> int:
        return self.MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        """Consecutive edits of one thing (a claim's stance and claimant) are one undo step."""
        if not isinstance(other, ChangeCommand) or other.merge_key != self.merge_key or other.change is None \
                or self.change is None:
            return False
        self.change = self.change.then(other.change)
        return True

    def undo(self) -> None:
        if self._skip:
            self._skip = False
            return
        assert self.change is not None
        try:
            inverse = self.session.project.apply(self.change.inverse())
        except AnnotatorError as e:
            self.error = str(e)
            return
        self.session.changed.emit(inverse)


class EditSession(QObject):
    """The project open in a window, its undo history, and the one ``changed(Change)`` signal."""

    changed = Signal(object)  # Change
    stepped = Signal(object)  # the Change an undo or redo applied (after ``changed``)
    refused = Signal(str)  # an edit, undo or redo that was not made: say why

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.undo_stack = QUndoStack(self)

    def push(self, operation: Operation, text: str, merge_key: object = None) -> Change | None:
        """Run an edit; returns its change (None if it was refused or changed nothing). Edits
        pushed one after the other with the same ``merge_key`` are undone as one step."""
        cmd = ChangeCommand(self, operation, text, merge_key)
        self.undo_stack.push(cmd)
        if cmd.error is not None:
            self.refused.emit(cmd.error)
            return None
        return cmd.change if cmd.change is not None and not cmd.change.empty else None

    def _command(self, index: int) -> ChangeCommand | None:
        cmd = self.undo_stack.command(index) if 0 <= index < self.undo_stack.count() else None
        return cmd if isinstance(cmd, ChangeCommand) else None

    def undo(self) -> bool:
        cmd = self._command(self.undo_stack.index() - 1)
        if cmd is None:
            return False
        cmd.error = None
        self.undo_stack.undo()
        if cmd.error is not None:  # refused: put the history back where it was
            cmd._skip = True
            self.undo_stack.redo()
            self.refused.emit(f"Cannot undo “{cmd.text()}”: {cmd.error}")
            return False
        if cmd.change is not None:
            self.stepped.emit(cmd.change.inverse())
        return True

    def redo(self) -> bool:
        cmd = self._command(self.undo_stack.index())
        if cmd is None:
            return False
        cmd.error = None
        self.undo_stack.redo()
        if cmd.error is not None:
            cmd._skip = True
            self.undo_stack.undo()
            self.refused.emit(f"Cannot redo “{cmd.text()}”: {cmd.error}")
            return False
        if cmd.change is not None:
            self.stepped.emit(cmd.change)
        return True

    def actions(self, parent: QObject) -> tuple[QAction, QAction]:
        """Undo and Redo actions for menus and toolbars (Ctrl+Z; Ctrl+Shift+Z and Ctrl+Y)."""
        undo = QAction("&Undo", parent, objectName="undoAction")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = QAction("&Redo", parent, objectName="redoAction")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        undo.triggered.connect(self.undo)
        redo.triggered.connect(self.redo)
        stack = self.undo_stack

        def refresh() -> None:
            if not (shiboken6.isValid(stack) and shiboken6.isValid(undo) and shiboken6.isValid(redo)):
                return  # the window is closing
            undo.setEnabled(stack.canUndo())
            redo.setEnabled(stack.canRedo())
            undo.setText(f"&Undo {stack.undoText()}".rstrip())
            redo.setText(f"&Redo {stack.redoText()}".rstrip())
            undo.setIconText("Undo")
            redo.setIconText("Redo")
            undo.setToolTip(f"Undo {stack.undoText()} (Ctrl+Z)".replace("  ", " "))
            redo.setToolTip(f"Redo {stack.redoText()} (Ctrl+Shift+Z)".replace("  ", " "))

        stack.indexChanged.connect(lambda _i: refresh())
        stack.cleanChanged.connect(lambda _c: refresh())
        refresh()
        return undo, redo

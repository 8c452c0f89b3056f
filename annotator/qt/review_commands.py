"""Undo commands of review mode: each is one call into :mod:`annotator.services.review`.

The first ``redo`` runs the operation and keeps the :class:`~annotator.services.review.Change`
it returns; ``undo`` reverts that change and a later ``redo`` re-applies it (spans come back
under their ids), so the gold set after undo/redo is exactly what it was.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from annotator.services import review as rv
from annotator.storage import Project


class ReviewCommand(QUndoCommand):
    def __init__(self, project: Project, document_id: int, operation: Callable[[], rv.Change],
                 notify: Callable[[int], None], text: str) -> None:
        super().__init__(text)
        self.project, self.document_id = project, document_id
        self.operation, self.notify = operation, notify
        self.change: rv.Change | None = None

    def redo(self) -> None:
        if self.change is None:
            self.change = self.operation()
            if self.change.empty:
                self.setObsolete(True)  # nothing happened: do not clutter the undo history
        else:
            rv.reapply(self.project, self.change)
        self.notify(self.document_id)

    def undo(self) -> None:
        if self.change is not None:
            rv.revert(self.project, self.change)
        self.notify(self.document_id)

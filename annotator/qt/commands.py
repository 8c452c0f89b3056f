"""Undo commands: each ``redo``/``undo`` is one call into ``Project`` plus a notification.

The controller owns the ``QUndoStack``; views listen to the controller's signals.
Every write is committed by ``Project`` before the call returns (autosave).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from annotator.core.model import RelationData, SpanData, Status
from annotator.storage import Project

# notify(what changed: "spans" | "stance" | "status", document id, added/changed span, removed span id)
Notify = Callable[..., None]


class AddSpan(QUndoCommand):
    def __init__(self, project: Project, notify: Notify, document_id: int, annotator_id: int, label_id: int,
                 start: int, end: int, attrs: dict[str, Any] | None = None, text: str = "Add span") -> None:
        super().__init__(text)
        self.project, self.notify = project, notify
        self.args = (document_id, annotator_id, label_id, start, end, attrs or {})
        self.span: SpanData | None = None

    def redo(self) -> None:
        self.span = self.project.add_span(*self.args, span_id=self.span.id if self.span else None)
        self.notify("spans", self.args[0], self.span)

    def undo(self) -> None:
        self.project.delete_span(self.span.id)
        self.notify("spans", self.args[0], None, self.span.id)


class DeleteSpan(QUndoCommand):
    def __init__(self, project: Project, notify: Notify, span: SpanData, text: str = "Delete span") -> None:
        super().__init__(text)
        self.project, self.notify, self.span = project, notify, span
        self.relations: list[RelationData] = []

    def redo(self) -> None:
        self.span, self.relations = self.project.delete_span(self.span.id)
        self.notify("spans", self.span.document_id, None, self.span.id)

    def undo(self) -> None:
        self.notify("spans", self.span.document_id, self.project.restore_span(self.span, self.relations))


class UpdateSpan(QUndoCommand):
    """Relabel a span or change its attributes (a claim's stance and claimant)."""

    def __init__(self, project: Project, notify: Notify, before: SpanData, *, label_id: int | None = None,
                 attrs: dict[str, Any] | None = None, text: str = "Change span") -> None:
        super().__init__(text)
        self.project, self.notify, self.before = project, notify, before
        self.label_id, self.attrs = label_id, attrs

    def id(self) -> int:
        return 1 if self.label_id is None else -1  # consecutive attribute edits merge into one undo step

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, UpdateSpan) or other.before.id != self.before.id or other.label_id is not None:
            return False
        self.attrs = other.attrs
        return True

    def redo(self) -> None:
        self.notify("spans", self.before.document_id,
                    self.project.update_span(self.before.id, label_id=self.label_id, attrs=self.attrs)[1])

    def undo(self) -> None:
        self.notify("spans", self.before.document_id,
                    self.project.update_span(self.before.id, label_id=self.before.label_id,
                                             attrs=self.before.attrs)[1])


class SetDocumentLabel(QUndoCommand):
    def __init__(self, project: Project, notify: Notify, document_id: int, annotator_id: int, group: str,
                 label_id: int | None, text: str = "Set document stance") -> None:
        super().__init__(text)
        self.project, self.notify = project, notify
        self.document_id, self.annotator_id, self.group, self.label_id = document_id, annotator_id, group, label_id
        self.previous: int | None = None

    def redo(self) -> None:
        self.previous = self.project.set_document_label(self.document_id, self.annotator_id, self.group,
                                                        self.label_id)
        self.notify("stance", self.document_id)

    def undo(self) -> None:
        self.project.set_document_label(self.document_id, self.annotator_id, self.group, self.previous)
        self.notify("stance", self.document_id)


class SetStatus(QUndoCommand):
    def __init__(self, project: Project, notify: Notify, document_id: int, annotator_id: int, status: Status,
                 text: str = "Mark document") -> None:
        super().__init__(text)
        self.project, self.notify = project, notify
        self.document_id, self.annotator_id, self.status = document_id, annotator_id, status
        self.previous = Status.TODO

    def redo(self) -> None:
        self.previous = self.project.set_status(self.document_id, self.annotator_id, self.status)
        self.notify("status", self.document_id)

    def undo(self) -> None:
        self.project.set_status(self.document_id, self.annotator_id, self.previous)
        self.notify("status", self.document_id)

"""View → Review mode (Ctrl+Shift+R, for leads) and Go → My queue (Ctrl+Shift+Q, for everyone).

Review mode opens :class:`annotator.qt.review.ReviewWindow`; its edits share the main window's
undo stack. My queue opens the next document assigned to the current annotator that is not
done (``annotator assign`` or the service's ``assign``), and says how much of the queue is done.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from annotator.core.model import Role, Status
from annotator.services import review as rv

if TYPE_CHECKING:
    from annotator.qt.host import Host
    from annotator.qt.review import ReviewWindow


class ReviewFeature(QObject):
    def __init__(self, window: Host) -> None:
        super().__init__(window)
        self.setObjectName("reviewFeature")
        self.window = window
        self.review: ReviewWindow | None = None
        self.action = QAction("&Review mode", window, objectName="reviewModeAction", checkable=True)
        self.action.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.action.toggled.connect(self._toggled)
        window.menu("&View").addAction(self.action)
        window.addAction(self.action)
        self.queue_action = QAction("My &queue: next assigned document", window, objectName="myQueueAction")
        self.queue_action.setShortcut(QKeySequence("Ctrl+Shift+Q"))
        self.queue_action.setStatusTip("Open the next document assigned to you that is not done")
        self.queue_action.triggered.connect(self.next_in_queue)
        window.menu("&Go").addAction(self.queue_action)
        window.addAction(self.queue_action)
        window.annotatorChanged.connect(self._update_enabled)
        self._update_enabled()

    def _update_enabled(self) -> None:
        who = self.window.annotator
        lead = who is None or who.role == Role.LEAD
        self.action.setEnabled(lead)
        self.action.setStatusTip("Adjudicate: every annotator's work side by side, decide the gold set"
                                 if lead else "For project leads (Project → Annotators: a lead makes you one)")

    def _toggled(self, on: bool) -> None:
        if on:
            self.open()
        elif self.review is not None and self.review.isVisible():
            self.review.close()

    def open(self) -> ReviewWindow:
        from annotator.qt.review import ReviewWindow

        if self.review is None:
            self.review = ReviewWindow(self.window.project, self.window.annotator, self.window.session,
                                       self.window)
            self.review.destroyed.connect(lambda *_: setattr(self, "review", None))
            self.review.installEventFilter(self)
        if not self.action.isChecked():
            self.action.setChecked(True)  # comes back here through toggled
            return self.review
        self.review.show()
        self.review.activateWindow()
        self.review.reload()
        return self.review

    def eventFilter(self, obj: QObject, event) -> bool:  # noqa: ANN001
        from PySide6.QtCore import QEvent

        if obj is self.review and event.type() == QEvent.Type.Close:
            self.action.blockSignals(True)
            self.action.setChecked(False)
            self.action.blockSignals(False)
        return False

    def next_in_queue(self) -> int | None:
        w = self.window
        queue = rv.my_queue(w.project, w.annotator.id)
        if not queue:
            w.show_message("Nothing is assigned to you (a lead assigns with 'annotator assign').", 6000)
            return None
        done = sum(1 for _d, st in queue if st == Status.DONE)
        ids = [d for d, _st in queue]
        cur = w.current_document_id
        start = ids.index(cur) + 1 if cur in ids else 0
        for d, st in queue[start:] + queue[:start]:
            if st != Status.DONE and d != cur:
                w.select_document(d)
                w.show_message(f"Your queue: {done} of {len(queue)} done", 6000)
                return d
        w.show_message(f"Your queue: {done} of {len(queue)} done — nothing else to do.", 6000)
        return None


def install(window: Host) -> None:
    window.register_feature("review", ReviewFeature(window))

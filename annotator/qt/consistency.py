"""Label consistency hints in the span list: a string of the open document that this annotator
labelled differently elsewhere ("Pyongyang": GPE here, ORG in 2 other places) is marked in the
span list; its context menu, or Ctrl+J on the selected span, jumps to those places in turn.

The places are read by :func:`annotator.storage.consistency.label_uses` off the GUI thread after
a document opens and shortly after each edit.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from annotator.core.model import is_suggestion_origin
from annotator.storage.consistency import Use, label_uses


class ConsistencyHints(QObject):
    ready = Signal()  # hints for the open document are current

    def __init__(self, window, parent: QObject | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.window = window
        self.hints: dict[int, list[tuple[int, list[Use]]]] = {}  # span id -> [(other label id, places)]
        self._generation = 0
        self._cursor: dict[int, int] = {}  # span id -> index of the next place Ctrl+J goes to
        self._timer = QTimer(self, singleShot=True, interval=300)
        self._timer.timeout.connect(self.refresh)

    def schedule(self) -> None:
        self._timer.start()

    def refresh(self) -> None:
        from annotator.qt.workers import run_task

        c = self.window.controller
        if c.document is None or c.loading:
            return
        self._generation += 1
        generation, text, labels = self._generation, c.document.text, c.labels
        spans = [s for s in c.spans.values() if not is_suggestion_origin(s.origin)]
        project, me = c.project, c.annotator.id

        def work(progress, cancelled):
            return label_uses(project, me, {text[s.start:s.end] for s in spans})

        def done(uses) -> None:
            if not shiboken6.isValid(self) or generation != self._generation:
                return
            hints: dict[int, list[tuple[int, list[Use]]]] = {}
            for s in spans:
                layer = labels[s.label_id].layer
                other = [(lab, places) for lab, places in uses.get(text[s.start:s.end], {}).items()
                         if lab != s.label_id and lab in labels and labels[lab].layer == layer]
                if other:
                    hints[s.id] = sorted(other, key=lambda x: -len(x[1]))
            self.hints = hints
            self._cursor = {k: v for k, v in self._cursor.items() if k in hints}
            self.window.span_list.model_.set_hints({sid: self.describe(sid) for sid in hints})
            self.ready.emit()

        self._task = run_task(work, on_done=done)

    def describe(self, span_id: int) -> str:
        labels = self.window.controller.labels
        return "; ".join(f"also {labels[lab].name} ×{len(places)}" for lab, places in self.hints.get(span_id, []))

    def places(self, span_id: int) -> list[tuple[str, Use]]:
        labels = self.window.controller.labels
        return [(labels[lab].name, u) for lab, places in self.hints.get(span_id, []) for u in places]

    def jump(self, span_id: int | None, go: Callable[[Use], None]) -> bool:
        """The next place where this span's text has another label (in turn on each call)."""
        places = self.places(span_id) if span_id is not None else []
        if not places:
            return False
        i = self._cursor.get(span_id, 0) % len(places)
        self._cursor[span_id] = i + 1
        go(places[i][1])
        return True

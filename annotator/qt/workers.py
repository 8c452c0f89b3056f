"""Run long work (import, export, agreement, pre-annotation) off the GUI thread.

``run_task`` runs ``fn(progress, cancelled)`` in a thread pool. ``progress(done, total, message)``
may be called from the worker; it reaches the GUI through a queued signal. ``cancelled()``
tells the worker the user pressed Cancel; the worker should stop and leave no partial result.
Results and errors come back through signals on the GUI thread: widgets are never touched
from the worker.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget


class TaskSignals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str, str)  # message, traceback
    cancelled = Signal()


class Task(QRunnable):
    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.signals = TaskSignals()
        self._cancel = threading.Event()
        self.done = threading.Event()
        self.setAutoDelete(False)

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:  # worker thread
        try:
            result = self.fn(*self.args, progress=self._progress, cancelled=self.is_cancelled, **self.kwargs)
        except Exception as e:  # noqa: BLE001  (reported to the user, not swallowed)
            if self.is_cancelled():
                self._emit(self.signals.cancelled)
            else:
                self._emit(self.signals.failed, str(e) or type(e).__name__, traceback.format_exc())
        else:
            if self.is_cancelled():
                self._emit(self.signals.cancelled)
            else:
                self._emit(self.signals.finished, result)
        finally:
            self.done.set()

    def _emit(self, signal, *args: Any) -> None:  # noqa: ANN001
        try:
            signal.emit(*args)
        except RuntimeError:  # the application is shutting down: nobody is left to tell
            if shiboken6.isValid(self.signals):
                raise

    def _progress(self, done: int, total: int, message: str = "") -> None:
        self.signals.progress.emit(int(done), int(total), message)


_live: set[Task] = set()


def run_task(fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None] | None = None,
             on_error: Callable[[str, str], None] | None = None, on_cancel: Callable[[], None] | None = None,
             parent: QWidget | None = None, title: str | None = None, **kwargs: Any) -> Task:
    """Start ``fn`` in the global thread pool (on the next event-loop turn); with ``title``, show a
    cancellable progress dialog."""
    task = Task(fn, *args, **kwargs)
    _live.add(task)
    dialog: QProgressDialog | None = None
    if title is not None:
        dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(task.cancel)

        def show_progress(done: int, total: int, message: str) -> None:
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(done, total) if total > 0 else 0)
            if message:
                dialog.setLabelText(f"{title}\n{message}")

        task.signals.progress.connect(show_progress)

    def cleanup(*_: Any) -> None:
        _live.discard(task)
        if dialog is not None:
            dialog.reset()
            dialog.hide()
            dialog.deleteLater()

    task.signals.finished.connect(cleanup)
    task.signals.failed.connect(cleanup)
    task.signals.cancelled.connect(cleanup)
    if on_done:
        task.signals.finished.connect(on_done)
    if on_error:
        task.signals.failed.connect(on_error)
    if on_cancel:
        task.signals.cancelled.connect(on_cancel)
    # Start on the next turn of the event loop, not now: a caller that connects more slots to
    # ``task.signals`` right after this returns must not miss a task that finishes at once.
    QTimer.singleShot(0, lambda: QThreadPool.globalInstance().start(task))
    return task

"""Helpers for driving the real window with keys and the mouse."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor


@pytest.fixture
def open_window(qtbot):
    """``open_window(project, annotator_name)``: the real main window, shown and active."""
    from annotator.qt.main_window import MainWindow

    def make(project, name: str):
        w = MainWindow(project, project.ensure_annotator(name))
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        w.activateWindow()
        qtbot.waitUntil(lambda: w.isActiveWindow())
        return w

    return make


def point_of(view, cp: int) -> QPoint:
    """Viewport point of the code-point position ``cp`` (its left edge, mid-line)."""
    c = QTextCursor(view.document())
    c.setPosition(view.offset_map.to_utf16(cp))
    r = view.cursorRect(c)
    return QPoint(r.left() + 1, r.center().y())


def mouse_select(qtbot, view, start: int, end: int) -> None:
    """Click at ``start``, Shift+click at ``end`` (as a user extends a selection)."""
    view.ensureCursorVisible()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, start))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     pos=point_of(view, end))


def qt_selected_text(view) -> str:
    """What Qt highlights, as Qt reports it (paragraph separators back to newlines)."""
    return view.textCursor().selectedText().replace("\u2029", "\n")


@pytest.fixture(autouse=True)
def _no_task_outlives_its_test(qtbot):
    """A worker still running after a test would touch the next test's objects: cancel and wait."""
    yield
    from PySide6.QtCore import QThreadPool

    from annotator.qt import workers

    for task in list(workers._live):
        task.cancel()
    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0, timeout=30000)
    QThreadPool.globalInstance().waitForDone(30000)

"""The review toolbar's Undo and Redo read in full, whatever the command's text is."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolBar, QToolButton

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def test_undo_and_redo_buttons_are_not_cut(qtbot, open_window, sample_project, tmp_path):
    w = open_window(sample_project, "lead")
    qtbot.keyClick(w, Qt.Key.Key_R, CTRL | SHIFT)
    rw = w.feature("review").review
    qtbot.waitExposed(rw)
    qtbot.waitUntil(lambda: rw.queue is not None and rw.task is None, timeout=20000)
    rw.resize(1280, 700)
    tb = rw.findChild(QToolBar, "reviewToolBar")
    undo_btn = tb.widgetForAction(rw.undo_button_action)
    assert isinstance(undo_btn, QToolButton) and not rw.undo_button_action.isEnabled()
    rw.text_view.setFocus()
    qtbot.keyClick(rw.text_view, Qt.Key.Key_1)  # accept version 1: a command with a long text
    assert rw.undo_action.text().startswith("&Undo ") and len(rw.undo_action.text()) > 12
    assert rw.undo_button_action.isEnabled()
    for action in (rw.undo_button_action, rw.redo_button_action):
        btn = tb.widgetForAction(action)
        assert btn.isVisible() and btn.text() == action.text() in ("Undo", "Redo")
        assert btn.fontMetrics().horizontalAdvance(btn.text()) < btn.width(), "the whole word fits"
    assert rw.undo_button_action.toolTip().startswith("Undo ") and "Ctrl+Z" in rw.undo_button_action.toolTip()
    gold_before = len(sample_project.spans(rw.document_id, sample_project.gold().id))
    qtbot.mouseClick(undo_btn, Qt.MouseButton.LeftButton)
    assert len(sample_project.spans(rw.document_id, sample_project.gold().id)) < gold_before
    assert rw.redo_button_action.isEnabled() and rw.redo_button_action.toolTip().startswith("Redo ")
    tb.grab().save(str(tmp_path / "review-toolbar.png"))

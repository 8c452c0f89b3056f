"""File → Export…: a user picks options with the keyboard, exports, and confirms a replace."""

from __future__ import annotations

import spacy
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from spacy.tokens import DocBin


def _dialog(qtbot, open_window, project):
    w = open_window(project, "alice")
    qtbot.keyClick(w, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dlg = w.feature("export").dialog
    assert dlg is not None
    qtbot.waitExposed(dlg)
    return w, dlg


def test_export_from_the_file_menu(qtbot, open_window, sample_project, tmp_path):
    w, dlg = _dialog(qtbot, open_window, sample_project)
    assert w.feature("export").action in w.menu("&File").actions()
    assert dlg.annotator.currentText() == "alice"  # the person at the keyboard
    out = tmp_path / "merged"
    dlg.merged.click()
    dlg.path.selectAll()
    qtbot.keyClicks(dlg.path, str(out))
    dlg.split.click()
    dlg.fractions.selectAll()
    qtbot.keyClicks(dlg.fractions, "0.5,0.5")
    dlg.stratify.click()
    dlg.grab().save(str(tmp_path / "export-dialog.png"))
    qtbot.mouseClick(dlg.export_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dlg.exported, timeout=20000) as sig:
        pass
    report = sig.args[0]
    assert set(report.per_split) == {"train", "dev"} and "exported to" in dlg.result.text()
    n = sum(len(DocBin().from_disk(out / f"{s}.spacy")) for s in ("train", "dev"))
    assert n == report.documents > 0
    assert "exported to" in w.statusBar().currentMessage()


def test_replacing_asks_first(qtbot, open_window, sample_project, tmp_path):
    out = tmp_path / "alice.spacy"
    out.write_bytes(b"keep me")
    w, dlg = _dialog(qtbot, open_window, sample_project)
    dlg.path.setText(str(out))
    qtbot.keyClick(dlg.path, Qt.Key.Key_Return)  # Enter in the path field exports
    qtbot.waitUntil(lambda: dlg.confirm is not None and dlg.confirm.isVisible())
    dlg.confirm.button(QMessageBox.StandardButton.No).click()
    assert out.read_bytes() == b"keep me" and "Not replaced" in dlg.result.text()
    qtbot.mouseClick(dlg.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.confirm.isVisible())
    with qtbot.waitSignal(dlg.exported, timeout=20000):
        dlg.confirm.button(QMessageBox.StandardButton.Yes).click()
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    assert docs and all(d.user_data["annotator"]["annotator"] == "alice" for d in docs)


def test_bad_fractions_are_explained(qtbot, open_window, sample_project, tmp_path):
    w, dlg = _dialog(qtbot, open_window, sample_project)
    dlg.path.setText(str(tmp_path / "x"))
    dlg.split.click()
    dlg.fractions.setText("0.9, 0.5")
    qtbot.mouseClick(dlg.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Export failed" in dlg.result.text(), timeout=10000)
    assert "add up to 1" in dlg.result.text() and not (tmp_path / "x").exists()

"""File → Import articles…: files or a folder in, documents in the list; Cancel keeps whole batches only."""

from __future__ import annotations

import orjson
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QPushButton

from annotator.services.importing import BATCH


def _pick(qtbot, w, path):
    feature = w.feature("import")
    qtbot.waitUntil(lambda: feature.dialog is not None and feature.dialog.isVisible())
    dlg = feature.dialog
    assert isinstance(dlg, QFileDialog)
    dlg.selectFile(str(path))
    dlg.accept()
    # the preview (titles found, boilerplate to leave out), then Import
    qtbot.waitUntil(lambda: feature.preview is not None and feature.preview.isVisible(), timeout=20000)
    feature.preview.findChild(QPushButton, "importButton").click()


def _message(qtbot, w, timeout=20000):
    feature = w.feature("import")
    qtbot.waitUntil(lambda: feature.message is not None and feature.message.isVisible(), timeout=timeout)
    box = feature.message
    text = box.text()
    return box, text


def test_import_a_folder_from_the_file_menu(qtbot, tmp_path, project, open_window):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("Karsk port reopens\r\n\r\nKARSK, March 4, 2025 (Northwire) — The port reopened.\r\n",
                                  encoding="utf-8", newline="")
    (folder / "b.jsonl").write_bytes(b"\n".join(orjson.dumps({"text": t}) for t in (
        "Cafe\u0301 owners protest \U0001F600\n\nThey met on Monday.", "東京で会議\n\n緊張が続く。")) + b"\n{not json\n")
    w = open_window(project, "alice")
    assert w.doc_model.total() == 0
    file_menu = [a.text() for a in w.menu("&File").actions()]
    i = file_menu.index("Import &articles…")  # after New/Open project and a separator
    assert file_menu[i:i + 2] == ["Import &articles…", "Import articles from &folder…"]
    qtbot.keyClick(w, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert w.feature("import").dialog.fileMode() == QFileDialog.FileMode.Directory
    _pick(qtbot, w, folder)
    box, text = _message(qtbot, w)
    box.grab().save(str(tmp_path / "import_message.png"))
    assert text.startswith("3 documents imported, 1 error")
    assert box.icon() == QMessageBox.Icon.Warning
    assert "b.jsonl:3" in box.detailedText() and "not valid JSON" in box.detailedText()
    box.accept()
    # the list shows them, the stored text is the documented normalisation (LF, NFC)
    assert w.doc_model.total() == 3 and "3 documents" in w.count_label.text()
    titles = [w.doc_model.index(i, 0).data(w.doc_model.SummaryRole).title for i in range(3)]
    assert titles == ["Karsk port reopens", "Caf\u00e9 owners protest \U0001F600", "東京で会議"]
    first = project.document(w.doc_model.index(0, 0).data(w.doc_model.DocumentIdRole))
    assert "\r" not in first.text and first.published == "2025-03-04" and first.source == "Northwire"
    # the same files again: nothing new
    w.feature("import").import_paths([str(folder / "b.jsonl")])
    box, text = _message(qtbot, w)
    assert text.startswith("0 documents imported, 2 already in the project")
    box.accept()


def test_cancel_keeps_only_whole_batches(qtbot, tmp_path, project, open_window):
    n = BATCH * 12
    big = tmp_path / "big.jsonl"
    texts = [f"Article {i}\n\nThe council met about item {i} on Tuesday." for i in range(n)]
    big.write_bytes(b"\n".join(orjson.dumps({"text": t}) for t in texts))
    w = open_window(project, "alice")
    seen: list[int] = []
    w.feature("import").import_paths([str(big)])
    task = w.feature("import").task
    task.signals.progress.connect(lambda done, total, msg: seen.append(done))
    # the user waits for the progress dialog and presses Escape once the first batch is in
    qtbot.waitUntil(lambda: project.count_documents() >= BATCH, timeout=30000)

    def visible_dialog():
        return next((d for d in w.findChildren(QProgressDialog) if d.isVisible()), None)

    qtbot.waitUntil(lambda: visible_dialog() is not None, timeout=30000)  # shown after 400 ms
    dialog = visible_dialog()
    assert dialog.labelText().startswith("Import articles") and dialog.maximum() > 0
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    box, text = _message(qtbot, w)
    assert task.done.is_set() and task.is_cancelled()
    stored = project.count_documents()
    assert BATCH <= stored < n and stored % BATCH == 0  # whole batches, never part of one
    assert text.startswith("Import cancelled.") and f"{stored:,} documents imported" in text
    assert seen and seen == sorted(seen)
    # every stored document is whole and in file order
    for i, doc in enumerate(project.documents()):
        assert doc.text == texts[i]
    assert w.doc_model.total() == stored
    box.accept()

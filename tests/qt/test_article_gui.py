"""Issue 17 in the window: the import preview lists the boilerplate to leave out (and can keep it),
the workspace header shows the article's outlet, date and byline and its original text, and a new
project asks for its own stance target."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QInputDialog, QPlainTextEdit, QPushButton

from annotator.storage import Project

ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"


def _preview(qtbot, w, paths):
    feature = w.feature("import")
    feature.preview_paths([str(p) for p in paths])
    qtbot.waitUntil(lambda: feature.preview is not None and feature.preview.isVisible(), timeout=20000)
    return feature.preview


def _finish(qtbot, w):
    feature = w.feature("import")
    qtbot.waitUntil(lambda: feature.message is not None and feature.message.isVisible(), timeout=20000)
    box = feature.message
    text, details = box.text(), box.detailedText()
    box.accept()
    return text, details


def test_preview_then_import_and_header(qtbot, tmp_path, project, open_window):
    w = open_window(project, "alice")
    dlg = _preview(qtbot, w, [ARTICLES / "text" / "02-scraper-herald.txt", ARTICLES / "html" / "02-newsroom-jsonld.html"])
    shown = dlg.findChild(QPlainTextEdit, "importPreviewText").toPlainText()
    dlg.grab().save(str(tmp_path / "preview.png"))
    assert "Harbour workers extend strike into second week" in shown
    assert "outlet: Ostrava Daily Herald · published: 2026-03-04 · byline: Marta Ilić" in shown
    assert "line 18 (comment form): Leave a Reply" in shown
    assert "outlet: Northwire · published: 2026-03-12 · byline: Tomas Weil · dateline: Karsk" in shown
    assert project.count_documents() == 0  # a preview stores nothing
    dlg.findChild(QPushButton, "importButton").click()
    text, details = _finish(qtbot, w)
    assert text.startswith("2 documents imported") and "boilerplate lines left out" in text
    assert "02-scraper-herald.txt:18: comment form: Leave a Reply" in details
    # the header of the open article
    herald = next(d for d in project.documents() if d.meta["file"] == "02-scraper-herald.txt")
    w.open_document(herald.id)
    header = w.feature("article_header")
    assert header.isVisible() and "Harbour workers extend strike" in header.title.text()
    assert header.facts.text() == "Ostrava Daily Herald · 2026-03-04 · by Marta Ilić"
    assert header.original_button.text() == "10 lines left out: show original…"
    assert "Leave a Reply" not in w.text_view.toPlainText()
    w.grab().save(str(tmp_path / "window.png"))
    header.original_button.click()
    qtbot.waitUntil(lambda: header.dialog is not None and header.dialog.isVisible())
    orig = header.dialog.findChild(QPlainTextEdit, "originalText").toPlainText()
    assert orig.startswith("date 2026-03-04 Harbour workers") and "Leave a Reply" in orig
    header.dialog.reject()


def test_keep_boilerplate_in_the_preview(qtbot, project, open_window):
    w = open_window(project, "alice")
    dlg = _preview(qtbot, w, [ARTICLES / "text" / "03-datebar-gazette.txt"])
    dlg.findChild(QCheckBox, "keepBoilerplate").setChecked(True)
    dlg.findChild(QPushButton, "importButton").click()
    text, _ = _finish(qtbot, w)
    assert text.startswith("1 document imported") and "boilerplate" not in text
    (d,) = project.documents()
    assert d.text == (ARTICLES / "text" / "03-datebar-gazette.txt").read_text(encoding="utf-8")
    w.open_document(d.id)
    assert not w.feature("article_header").original_button.isVisible()


def test_new_project_asks_for_its_stance_target(qtbot, tmp_path, project, open_window):
    w = open_window(project, "alice")
    feature = w.feature("projects")
    target = tmp_path / "mine.annotator"
    feature.ask_stance(target)
    qtbot.waitUntil(lambda: feature.stance_dialog is not None and feature.stance_dialog.isVisible())
    dlg: QInputDialog = feature.stance_dialog
    assert dlg.textValue() == ""  # never the sample's target
    dlg.setTextValue("the harbour strike")
    dlg.accept()
    qtbot.waitUntil(lambda: feature.opened is not None, timeout=20000)
    opened = feature.opened
    assert opened.project.schema().stance_target == "the harbour strike"
    assert "the harbour strike" in opened.stance_panel.target.text()
    opened.close()
    with Project.open(target) as p:
        assert p.schema().stance_target == "the harbour strike"

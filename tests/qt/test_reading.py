"""Reading comfort is display only: paragraph spacing and a set-apart headline change neither the
stored text nor any offset; a mouse selection in spaced text tags exactly what was selected.
The dark palette follows the desktop (or ANNOTATOR_COLOR_SCHEME)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from annotator.core.model import NewDocument
from annotator.services.importing import import_documents

from .conftest import mouse_select, qt_selected_text

HEAD = "Troops 😀 move to the 東京 border"
TEXT = HEAD + "\nFirst paragraph, dense, no blank line.\nSecond paragraph names Kim Jong-un.\nThird one."


def test_spacing_and_headline_are_display_only(qtbot, project, open_window):
    import_documents(project, [NewDocument(TEXT, title=HEAD)])
    doc = next(project.documents())
    assert doc.text == TEXT and doc.title == HEAD
    w = open_window(project, "ana")
    view = w.text_view
    assert view.text() == TEXT and view.document().toPlainText() == TEXT
    assert w.controller.headline() == (0, len(HEAD)) and view.headline() == (0, len(HEAD))
    first = view.document().firstBlock()
    fmt = first.layout().formats()  # the headline is set in the document's own formats, not layout ones
    c = view.textCursor()
    c.setPosition(2)
    assert c.charFormat().fontWeight() == QFont.Weight.Bold
    c.setPosition(view.offset_map.to_utf16(len(HEAD) + 3))
    assert c.charFormat().fontWeight() != QFont.Weight.Bold
    # a dense paragraph followed by another gets room below its lines; the last one does not
    second, last = first.next(), view.document().lastBlock()
    spaced = (view.blockBoundingRect(second).height(), view.blockBoundingRect(last).height())
    view.set_paragraph_layout(0)
    plain = (view.blockBoundingRect(second).height(), view.blockBoundingRect(last).height())
    view.set_paragraph_layout()
    gap = round(view.fontMetrics().lineSpacing() * 0.6)
    assert gap >= 4 and spaced == (plain[0] + gap, plain[1])
    del fmt
    # select with the mouse in the third paragraph (below two spaced ones) and tag precisely
    s = TEXT.index("Kim")
    mouse_select(qtbot, view, s, s + len("Kim Jong-un"))
    assert qt_selected_text(view) == "Kim Jong-un"
    qtbot.keyClick(view, Qt.Key.Key_1)
    [span] = project.spans(doc.id)
    assert TEXT[span.start:span.end] == "Kim Jong-un"
    # and in the headline (larger font): the emoji and CJK offsets stay exact
    h = HEAD.index("東京")
    mouse_select(qtbot, view, h, h + 2)
    qtbot.keyClick(view, Qt.Key.Key_3)
    assert sorted(TEXT[x.start:x.end] for x in project.spans(doc.id)) == ["Kim Jong-un", "東京"]


def test_dark_scheme_gives_a_dark_palette(qtbot, monkeypatch):
    from PySide6.QtWidgets import QApplication

    from annotator.qt import theme

    app = QApplication.instance()
    saved = app.palette()
    try:
        monkeypatch.setenv("ANNOTATOR_COLOR_SCHEME", "dark")
        theme._apply(app)
        assert theme.is_dark(app.palette())
        monkeypatch.setenv("ANNOTATOR_COLOR_SCHEME", "light")
        theme._apply(app)
        assert not theme.is_dark(app.palette())
    finally:
        app.setPalette(saved)

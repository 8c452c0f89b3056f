"""First start asks the annotator's name once; the text view's render-span API."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from annotator.qt.text_view import RenderSpan, SpanTextView, Style, readable_text_color


def test_first_start_asks_name_once(qtbot, sample_project):
    from annotator.qt.app import start_workspace
    from annotator.qt.identity import remembered_name

    assert remembered_name() is None
    holder = start_workspace(sample_project)
    dlg = holder["dialog"]
    qtbot.addWidget(dlg)
    assert dlg.isVisible() and "window" not in holder
    ok = dlg.buttons.button(dlg.buttons.StandardButton.Ok)
    dlg.name.lineEdit().clear()
    assert not ok.isEnabled()  # a name is required
    qtbot.keyClicks(dlg.name.lineEdit(), "Zofia")
    qtbot.keyClick(dlg.name.lineEdit(), Qt.Key.Key_Return)
    w = holder["window"]
    qtbot.addWidget(w)
    assert w.annotator.name == "Zofia" and "Zofia" in w.windowTitle()
    assert sample_project.annotator("Zofia") is not None
    assert remembered_name() == "Zofia"
    again = start_workspace(sample_project)  # second start: no question
    qtbot.addWidget(again["window"])
    assert "dialog" not in again and again["window"].annotator.name == "Zofia"


def _formats(view, block_no=0):
    return view.document().findBlockByNumber(block_no).layout().formats()


def test_render_spans_styles_and_incremental_updates(qtbot):
    view = SpanTextView()
    qtbot.addWidget(view)
    view.resize(500, 300)
    view.show()
    qtbot.waitExposed(view)
    text = "Ab 😀 cd\nsecond line here\nthird"
    view.set_text(text)
    view.set_spans([
        RenderSpan("outer", 0, 7, "#a6c8f4", Style.FILL, "ORG"),
        RenderSpan("inner", 3, 4, "#f4a6a6", Style.FILL, "PERSON <b>"),
        RenderSpan("claim", 0, 12, "#d9480f", Style.UNDERLINE, "CLAIM"),
        RenderSpan(("sugg", 1), 8, 14, "#888888", Style.DASHED, "suggestion"),
        RenderSpan("dis", 15, 19, "#888888", Style.DISAGREEMENT, "disagree"),
    ])
    fmts = _formats(view, 0)
    # the inner fill wins over the outer one on the emoji, which is two UTF-16 units
    emoji = [f for f in fmts if f.start == 3]
    assert emoji and emoji[0].length == 2 and emoji[0].format.background().color() == QColor("#f4a6a6")
    assert [s.id for s in view.spans_at(3)] == ["inner", "outer", "claim"]
    second = _formats(view, 1)
    assert any(f.format.underlineStyle() == f.format.UnderlineStyle.WaveUnderline for f in second)
    # remove and change: only the touched block is re-formatted
    view.update_spans(add=[RenderSpan("outer", 0, 2, "#a6e3b3", Style.FILL)], remove=["inner"])
    fmts = _formats(view, 0)
    assert [(f.start, f.length) for f in fmts] == [(0, 2)]
    assert fmts[0].format.background().color() == QColor("#a6e3b3")
    assert [s.id for s in view.spans_at(3)] == ["claim"]
    view.grab()  # paints outlines and underlines without errors


def test_text_colour_contrasts_with_fill():
    assert readable_text_color(QColor("#f4dfa6")) == QColor("#000000")
    assert readable_text_color(QColor("#1e3a5f")) == QColor("#ffffff")

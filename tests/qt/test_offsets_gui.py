"""The offsets proof: a span made in the real widget over emoji, CJK, combining marks and text
that had CRLF line breaks slices back, in Python, to exactly the characters Qt highlighted."""

from __future__ import annotations

import unicodedata

import pytest
from PySide6.QtCore import Qt

from annotator.core.model import NewDocument
from annotator.core.tokens import TokenIndex
from annotator.services.importing import import_documents

from .conftest import mouse_select, point_of, qt_selected_text

# CRLF line breaks, a ZWJ family emoji, a flag, CJK, a combining sequence with no precomposed form
RAW = ("Briefing 👩‍👩‍👧 from 東京都 officials\r\n"
       "Mayor Ą́dam 🇨🇿 Nováková said 😀 twice\r\n"
       "\r\n"
       "q̇uoted 𠀋 last line\r\n")


@pytest.fixture
def doc(project):
    import_documents(project, [NewDocument(RAW, title="unicode")])
    d = project.documents().__next__()
    assert "\r" not in d.text and "\n\n" in d.text  # stored with LF line breaks
    return d


def _stored(project, doc_id):
    return project.spans(doc_id)


def test_mouse_selection_precise_over_astral_cjk_combining_and_former_crlf(qtbot, project, doc, open_window):
    w = open_window(project, "ana")
    view = w.text_view
    text = doc.text
    start = text.index("👩")  # inside line 1, before an emoji made of surrogate pairs
    end = text.index("Nováková") + 4  # into line 2, past a line that ended with CRLF
    mouse_select(qtbot, view, start, end)
    highlighted = qt_selected_text(view)
    assert highlighted  # Qt really selected something
    qtbot.keyClick(view, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)  # Alt: character precision
    [span] = _stored(project, doc.id)
    assert text[span.start:span.end] == highlighted
    assert "東京都" in highlighted and "\n" in highlighted and "Ą́" in highlighted
    assert project.label(span.label_id).name == "DATE"
    # the view draws exactly the stored range
    assert (view.span(span.id).start, view.span(span.id).end) == (span.start, span.end)


def test_keyboard_selection_precise_ends_after_an_astral_character(qtbot, project, doc, open_window):
    w = open_window(project, "ana")
    view = w.text_view
    text = doc.text
    target_start = text.index("q̇uoted")
    target_end = text.index("𠀋") + 1  # a CJK extension B character: two UTF-16 units
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, target_start))
    for _ in range(40):
        if view.selected_range()[1] >= target_end:
            break
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    highlighted = qt_selected_text(view)
    assert highlighted.endswith("𠀋") and highlighted.startswith("q̇")
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    [span] = _stored(project, doc.id)
    assert text[span.start:span.end] == highlighted
    assert unicodedata.normalize("NFC", highlighted) == highlighted


def test_snapped_selection_covers_whole_tokens(qtbot, project, doc, open_window):
    w = open_window(project, "ana")
    view = w.text_view
    text = doc.text
    s = text.index("Nováková") + 2  # mid-token
    e = text.index("said") + 2
    mouse_select(qtbot, view, s, e)
    qtbot.keyClick(view, Qt.Key.Key_1)  # PERSON, snapped to spaCy tokens
    [span] = _stored(project, doc.id)
    assert text[span.start:span.end] == "Nováková said"
    tokens = TokenIndex(text)
    assert tokens.is_aligned(span.start, span.end)
    # and what the view highlights now is that range
    view.select_range(span.start, span.end)
    assert qt_selected_text(view) == text[span.start:span.end]


def test_double_click_selects_a_token_with_an_emoji_neighbour(qtbot, project, doc, open_window):
    w = open_window(project, "ana")
    view = w.text_view
    text = doc.text
    pos = text.index("東京都") + 1
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, pos))
    qtbot.keyClick(view, Qt.Key.Key_3)
    [span] = _stored(project, doc.id)
    tok = TokenIndex(text).token_at(pos)
    assert (span.start, span.end) == tok
    assert text[span.start:span.end] == "東京都"


def test_whitespace_and_empty_selections_are_refused(qtbot, project, doc, open_window):
    w = open_window(project, "ana")
    view = w.text_view
    text = doc.text
    blank = text.index("\n\n")
    mouse_select(qtbot, view, blank, blank + 2)
    qtbot.keyClick(view, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, 3))
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert _stored(project, doc.id) == []
    assert w.undo_stack.count() == 0

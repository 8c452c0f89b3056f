"""Span boundaries edited with the real mouse and keys, over emoji, CJK and combining marks; the
stored span is checked after every step, and undo/redo put it back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from annotator.core.model import Layer, NewDocument
from annotator.core.tokens import TokenIndex
from annotator.services.importing import import_documents

from .conftest import mouse_select, point_of

TEXT = ("Briefing 👩‍👩‍👧 from 東京都 officials said Kim Jong-un 😀 twice, and Ą́dam q̇uoted "
        "O'Brien's aide in Pyongyang's state-run media.")
SHIFT, CTRL, ALT = (Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier,
                    Qt.KeyboardModifier.AltModifier)


@pytest.fixture
def doc(project):
    import_documents(project, [NewDocument(TEXT, title="boundaries")])
    d = next(project.documents())
    assert d.text == TEXT
    return d


def _tag(qtbot, w, start: int, end: int, key=Qt.Key.Key_3, mods=Qt.KeyboardModifier.NoModifier):
    view = w.text_view
    mouse_select(qtbot, view, start, end)
    qtbot.keyClick(view, key, mods)
    sid = view.current_span()
    assert sid is not None
    return sid


def _stored(project, sid) -> str:
    s = project.span(sid)
    return TEXT[s.start:s.end]


def edge_point(view, cp: int) -> QPoint:
    """The viewport point of the edge at code point ``cp`` (where its handle is drawn)."""
    c = QTextCursor(view.document())
    c.setPosition(view.offset_map.to_utf16(cp))
    r = view.cursorRect(c)
    return QPoint(r.left(), r.center().y())


def drag(qtbot, view, a: QPoint, b: QPoint, mods=Qt.KeyboardModifier.NoModifier) -> None:
    vp = view.viewport()
    qtbot.mouseMove(vp, a)
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    mid = QPoint((a.x() + b.x()) // 2, (a.y() + b.y()) // 2)
    qtbot.mouseMove(vp, mid)
    qtbot.mouseMove(vp, b)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, mods, b)


def test_drag_end_and_start_edges_over_cjk_and_emoji(qtbot, project, doc, open_window):
    w = open_window(project, "ana")
    view = w.text_view
    s = TEXT.index("東京都")
    sid = _tag(qtbot, w, s, s + 3)  # GPE 東京都
    assert _stored(project, sid) == "東京都"
    # hovering the end edge shows the resize cursor
    qtbot.mouseMove(view.viewport(), edge_point(view, s + 3))
    assert view.viewport().cursor().shape() == Qt.CursorShape.SizeHorCursor
    qtbot.mouseMove(view.viewport(), point_of(view, TEXT.index("twice")))
    assert view.viewport().cursor().shape() == Qt.CursorShape.IBeamCursor

    # drag the end edge into "officials": snapped to the whole token
    drag(qtbot, view, edge_point(view, s + 3), point_of(view, TEXT.index("officials") + 4))
    assert _stored(project, sid) == "東京都 officials"
    assert view.current_span() == sid and view.span(sid)[1:3] == (s, TEXT.index(" said"))
    # drag the start edge left to the ZWJ family emoji (five code points, surrogate pairs)
    drag(qtbot, view, edge_point(view, s), point_of(view, TEXT.index("👩")))
    assert _stored(project, sid) == "👩‍👩‍👧 from 東京都 officials"
    # the same span: id, label; one undo step per drag
    assert project.label(project.span(sid).label_id).name == "GPE"
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert _stored(project, sid) == "東京都 officials"
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert _stored(project, sid) == "東京都"
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL | SHIFT)
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert _stored(project, sid) == "👩‍👩‍👧 from 東京都 officials"
    assert view.span(sid)[1:3] == (TEXT.index("👩"), TEXT.index(" said"))  # the view follows undo/redo


def test_drag_with_alt_is_character_precise_and_keeps_clusters_whole(qtbot, project, doc, open_window):
    w = open_window(project, "ana")
    view = w.text_view
    s = TEXT.index("Ą́dam")
    sid = _tag(qtbot, w, s, s + 4, Qt.Key.Key_1)  # PERSON Ą́dam
    assert _stored(project, sid) == "Ą́dam"
    # Alt: character precision; dropping between the letter and its combining mark keeps them together
    drag(qtbot, view, edge_point(view, s + len("Ą́dam")), point_of(view, s + len("Ą́dam q̇u")), ALT)
    assert _stored(project, sid) == "Ą́dam q̇u"
    drag(qtbot, view, edge_point(view, s), point_of(view, s + 1), ALT)  # into the middle of Ą́
    assert _stored(project, sid) in ("Ą́dam q̇u", "dam q̇u")
    assert not _stored(project, sid).startswith("\u0301")  # never a bare combining mark


def test_a_click_on_an_edge_is_a_click_and_shift_click_still_selects(qtbot, project, doc, open_window):
    w = open_window(project, "ana")
    view = w.text_view
    s = TEXT.index("東京都")
    sid = _tag(qtbot, w, s, s + 3)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=edge_point(view, s + 3))
    assert _stored(project, sid) == "東京都"  # nothing moved
    assert len(project.spans(doc.id)) == 1


def test_keys_grow_and_shrink_by_token_and_character(qtbot, project, doc, open_window):
    w = open_window(project, "ana")
    view = w.text_view
    s = TEXT.index("Kim")
    sid = _tag(qtbot, w, s, s + 3, Qt.Key.Key_1)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Right, SHIFT)  # end one token right: "Kim Jong"
    assert _stored(project, sid) == "Kim Jong"
    qtbot.keyClick(view, Qt.Key.Key_Right, SHIFT)
    qtbot.keyClick(view, Qt.Key.Key_Right, SHIFT)
    assert _stored(project, sid) == "Kim Jong-un"
    qtbot.keyClick(view, Qt.Key.Key_Right, SHIFT)  # the emoji: one token, two UTF-16 units
    assert _stored(project, sid) == "Kim Jong-un 😀"
    qtbot.keyClick(view, Qt.Key.Key_Left, SHIFT | ALT)  # one character back: the whole emoji
    assert _stored(project, sid) == "Kim Jong-un "
    qtbot.keyClick(view, Qt.Key.Key_Left, SHIFT | ALT)
    assert _stored(project, sid) == "Kim Jong-un"
    qtbot.keyClick(view, Qt.Key.Key_Left, CTRL | SHIFT)  # start one token left: "said Kim Jong-un"
    assert _stored(project, sid) == "said Kim Jong-un"
    qtbot.keyClick(view, Qt.Key.Key_Right, CTRL | SHIFT)  # and back
    assert _stored(project, sid) == "Kim Jong-un"
    qtbot.keyClick(view, Qt.Key.Key_Right, CTRL | SHIFT | ALT)  # start one character right
    assert _stored(project, sid) == "im Jong-un"
    qtbot.keyClick(view, Qt.Key.Key_Left, SHIFT)  # end one token left
    assert _stored(project, sid) == "im Jong-"
    # six steps back with undo, then all again with redo
    history = ["im Jong-un", "Kim Jong-un", "said Kim Jong-un", "Kim Jong-un", "Kim Jong-un ", "Kim Jong-un 😀"]
    for want in history:
        qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
        assert _stored(project, sid) == want
    for _ in history:
        qtbot.keyClick(view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert _stored(project, sid) == "im Jong-"
    # exported spans stay on spaCy tokens after token moves
    qtbot.keyClick(view, Qt.Key.Key_Right, SHIFT)
    qtbot.keyClick(view, Qt.Key.Key_Left, CTRL | SHIFT)
    sp = project.span(sid)
    assert TokenIndex(TEXT).is_aligned(sp.start, sp.end)


def test_edge_keys_leave_text_selection_alone_without_a_selected_span(qtbot, project, doc, open_window):
    w = open_window(project, "ana")
    view = w.text_view
    assert view.current_span() is None
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, 0))
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_Right, SHIFT)
    assert view.selected_range() == (0, 3)  # Shift+→ selects text as usual
    assert project.spans(doc.id) == []


def test_an_edge_cannot_cross_the_other_or_leave_the_text(qtbot, project, doc, open_window):
    w = open_window(project, "ana")
    view = w.text_view
    sid = _tag(qtbot, w, 0, len("Briefing"), Qt.Key.Key_5)
    qtbot.keyClick(view, Qt.Key.Key_Left, CTRL | SHIFT)  # no token before the first
    qtbot.keyClick(view, Qt.Key.Key_Left, SHIFT)  # the end cannot pass the start
    assert _stored(project, sid) == "Briefing"
    assert "cannot" in w.statusBar().currentMessage()


def test_claim_edges_keep_stance_and_claimant(qtbot, project, doc, open_window):
    w = open_window(project, "ana")
    view = w.text_view
    k = TEXT.index("Kim")
    ent = _tag(qtbot, w, k, k + len("Kim Jong-un"), Qt.Key.Key_1)
    c0 = TEXT.index("officials")
    claim = _tag(qtbot, w, c0, TEXT.index(" twice"), Qt.Key.Key_C)
    assert project.label(project.span(claim).label_id).layer == Layer.CLAIM
    qtbot.keyClick(view, Qt.Key.Key_S, SHIFT)  # supports
    qtbot.keyClick(view, Qt.Key.Key_W)  # claimant: the nearest entity
    assert project.span(claim).attrs["stance"] == "supports"
    assert project.claims(doc.id, project.annotator("ana").id)[claim].claimant.id == ent
    qtbot.keyClick(view, Qt.Key.Key_Right, SHIFT)
    qtbot.keyClick(view, Qt.Key.Key_Right, SHIFT)
    assert _stored(project, claim) == "officials said Kim Jong-un 😀 twice,"
    drag(qtbot, view, edge_point(view, c0), point_of(view, TEXT.index("東京都") + 1))
    assert _stored(project, claim) == "東京都 officials said Kim Jong-un 😀 twice,"
    data = project.claims(doc.id, project.annotator("ana").id)[claim]
    assert data.stance == "supports" and data.claimant.id == ent


def test_double_click_selects_a_whole_word_and_drag_snaps_to_the_whole_name(qtbot, project, doc, open_window):
    w = open_window(project, "ana")
    view = w.text_view
    j = TEXT.index("Jong")
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, j + 1))
    assert view.selected_range() == (j, j + len("Jong-un"))
    o = TEXT.index("O'Brien")
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, o + 3))
    assert TEXT[slice(*view.selected_range())] == "O'Brien"  # not the possessive 's
    p = TEXT.index("Pyongyang")
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, p + 2))
    assert TEXT[slice(*view.selected_range())] == "Pyongyang"
    q = TEXT.index("q̇uoted")
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, q + 3))
    assert TEXT[slice(*view.selected_range())] == "q̇uoted"
    # a drag over "Kim Jong-" (ending just after the hyphen) tags the whole name
    k = TEXT.index("Kim")
    sid = _tag(qtbot, w, k, TEXT.index("-un") + 1, Qt.Key.Key_1)
    assert _stored(project, sid) == "Kim Jong-un"
    sp = project.span(sid)
    assert TokenIndex(TEXT).is_aligned(sp.start, sp.end)  # exports stay token-aligned

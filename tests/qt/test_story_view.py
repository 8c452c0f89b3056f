"""Tools → Stories driven with keys: group the border articles, link claims across them,
see and confirm a conflicting-figure flag, undo, and find the links in the export."""

from __future__ import annotations

import orjson
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from annotator.core.claim_matching import LinkKind
from annotator.core.model import Layer
from annotator.formats.claim_pairs import read_pairs
from annotator.services import stories as svc
from annotator.storage.claims import ClaimStore

CTRL = Qt.KeyboardModifier.ControlModifier


def _bulletin_claim(p, who):
    doc = p.document(3)
    quote = "18,000 soldiers are deployed"
    start = doc.text.index(quote)
    return p.add_span(3, p.annotator(who).id, p.label_by_name("CLAIM", Layer.CLAIM).id, start, start + len(quote))


def _open_stories(qtbot, w):
    w.findChild(QAction, "storiesAction").trigger()
    view = w.feature("stories").view
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    return view


def test_group_link_flag_export(qtbot, sample_project, open_window, tmp_path):
    p = sample_project
    bulletin = _bulletin_claim(p, "alice")  # alice marked the bulletin's troop figure as a claim
    w = open_window(p, "alice")
    alice = w.annotator
    view = _open_stories(qtbot, w)
    assert view.story_box.count() == 0 and "No stories" in view.status.text()

    qtbot.mouseClick(view.group_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.story_box.count() == 1, timeout=20000)
    qtbot.waitUntil(view.isActiveWindow)  # back from the progress dialog
    assert [c.document_id for c in view.columns] == [1, 2, 3, 6], "the three reports and the social piece"
    wire, herald, bulletin_col = view.columns[0], view.columns[1], view.columns[2]
    assert "10,000" in wire.claims.item(0).text() and "15,000" in herald.claims.item(0).text()

    # wire ↔ herald: the same claim. Space marks, → moves to the next article, S links.
    wire.claims.setFocus()
    qtbot.keyClick(wire.claims, Qt.Key.Key_Space)
    qtbot.keyClick(wire.claims, Qt.Key.Key_Right)
    assert herald.claims.hasFocus()
    qtbot.keyClick(herald.claims, Qt.Key.Key_S)
    store = ClaimStore(p)
    (link,) = store.links(annotator_id=alice.id)
    wire_claim, herald_claim = view.board.claims[1][0], view.board.claims[2][0]
    assert link.kind == LinkKind.SAME
    assert {link.source_span_id, link.target_span_id} == {wire_claim.span_id, herald_claim.span_id}
    assert "= same" in herald.claims.item(0).text()

    # the herald's "roughly 15,000" and the bulletin's "18,000" are flagged
    flag_rows = [view.hints.item(i).text() for i in range(view.hints.count())]
    assert any(t.startswith("⚠ Conflicting figures") and "15,000" in t and "18,000" in t for t in flag_rows)
    assert "to confirm" in herald.claims.item(0).text()
    assert "1 conflicting figure to confirm" in view.status.text()

    # herald → bulletin: mark, move right, down to the 18,000 claim, X = contradicts, Enter confirms
    qtbot.keyClick(herald.claims, Qt.Key.Key_Space)
    qtbot.keyClick(herald.claims, Qt.Key.Key_Right)
    assert bulletin_col.claims.hasFocus()
    qtbot.keyClick(bulletin_col.claims, Qt.Key.Key_Down)
    assert view._claim_at(bulletin_col).span_id == bulletin.id
    assert bulletin_col.claims.currentItem().background().color() == view_conflict_color()
    qtbot.keyClick(bulletin_col.claims, Qt.Key.Key_X)
    qtbot.keyClick(bulletin_col.claims, Qt.Key.Key_Return)
    con = store.link_between(alice.id, herald_claim.span_id, bulletin.id)
    assert con.kind == LinkKind.CONTRADICTS and con.confirmed
    assert con.attrs["conflicts"][0]["quantity"] == "troops deployed"
    assert "confirmed" in bulletin_col.claims.currentItem().text()
    assert "0 conflicting figures to confirm" in view.status.text()

    # undo the confirmation and the link with Ctrl+Z, redo with Ctrl+Shift+Z
    qtbot.keyClick(bulletin_col.claims, Qt.Key.Key_Z, CTRL)
    assert not store.link_between(alice.id, herald_claim.span_id, bulletin.id).confirmed
    qtbot.keyClick(bulletin_col.claims, Qt.Key.Key_Z, CTRL)
    assert store.link_between(alice.id, herald_claim.span_id, bulletin.id) is None
    qtbot.keyClick(bulletin_col.claims, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(bulletin_col.claims, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert store.link_between(alice.id, herald_claim.span_id, bulletin.id) == con

    # the links are in the claim-pairs export
    out = tmp_path / "pairs.jsonl"
    svc.export_pairs(p, out, annotators=["alice"], negatives=False)
    rows = list(read_pairs(out))
    assert sorted((r["label"], r["confirmed"]) for r in rows) == [("contradicts", True), ("same", False)]
    assert {r["a"]["text"] for r in rows} | {r["b"]["text"] for r in rows} >= {
        "18,000 soldiers are deployed", herald_claim.text, wire_claim.text}
    assert orjson.loads(out.read_bytes().splitlines()[0])["annotator"] == "alice"


def view_conflict_color():
    from annotator.qt.story_view import CONFLICT_BG

    return CONFLICT_BG


def test_hints_accept_suggestion_and_remove_article(qtbot, sample_project, open_window):
    p = sample_project
    svc.group_stories(p)
    w = open_window(p, "alice")
    view = _open_stories(qtbot, w)
    assert len(view.columns) == 4
    # the best suggestion links the two troop claims; Enter accepts it
    view.hints.setFocus()
    row = next(i for i, (k, _o) in enumerate(view.hint_items) if k == "suggestion")
    view.hints.setCurrentRow(row)
    qtbot.keyClick(view.hints, Qt.Key.Key_Return)
    (link,) = ClaimStore(p).links()
    assert link.origin == "suggestion" and link.kind == LinkKind.SAME
    # take the social-media piece out by hand: the story is kept on regrouping
    view.columns[3].claims.setFocus()
    qtbot.keyClick(view.columns[3].claims, Qt.Key.Key_Delete, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert [c.document_id for c in view.columns] == [1, 2, 3]
    assert ClaimStore(p).stories()[0].origin == "manual"
    qtbot.keyClick(view.columns[0].claims, Qt.Key.Key_Z, CTRL)
    assert [c.document_id for c in view.columns] == [1, 2, 3, 6]


def test_claim_highlights_land_on_the_claim_in_any_script(qtbot, project):
    """Emoji, CJK, combining marks and former CRLF text: the highlighted text is the claim."""
    from annotator.core.model import NewDocument
    from annotator.qt.story_view import StoryView
    from annotator.services.importing import import_documents

    texts = ["Héllo 😀😀\r\nKarsk: 緊張 — “more than 10,000 troops” moved 👍",
             "Zoe\u0301 🇴🇸 said\r\nroughly 15,000 soldiers 😱 are there"]
    ids = import_documents(project, [NewDocument(t) for t in texts]).document_ids
    a = project.ensure_annotator("alice")
    claim = project.label_by_name("CLAIM", Layer.CLAIM)
    quotes = ["more than 10,000 troops", "roughly 15,000 soldiers 😱"]
    for d, q in zip(ids, quotes):
        text = project.document(d).text
        project.add_span(d, a.id, claim.id, text.index(q), text.index(q) + len(q))
    ClaimStore(project).create_story("test", ids)
    view = StoryView(project, lambda: a.id)
    qtbot.addWidget(view)
    for col, q in zip(view.columns, quotes):
        (sel,) = col.text.extraSelections()
        assert sel.cursor.selectedText() == q
    assert view.hints.count() == 1 and view.hint_items[0][0] == "suggestion", "same quantity, no conflict"

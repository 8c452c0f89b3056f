"""One key scheme: every shortcut of a window enumerated, no key claimed twice in one window;
claim stance, claimant and document stance keys work from the text view and are shown on the
panel, in tooltips and in F1."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget

from annotator.core.model import Layer
from annotator.qt.keys import duplicates, window_shortcuts

SHIFT = Qt.KeyboardModifier.ShiftModifier


def _claim(w):
    c = w.controller
    return next(s for s in c.sorted_spans() if c.labels[s.label_id].layer == Layer.CLAIM)


def test_no_key_is_claimed_twice_in_the_workspace(sample_project, open_window):
    w = open_window(sample_project, "alice")
    shortcuts = window_shortcuts(w)
    keys = {s.keys for s in shortcuts}
    # what the enumeration must see: menu actions, window-only actions, submenus, panel mnemonics
    for k in ("Ctrl+Z", "1", "C", "F", "Shift+S", "Shift+R", "Shift+N", "W", "Shift+W", "Alt+1", "Shift+Right",
              "Ctrl+Shift+Left", "Alt+Shift+Right", "Alt+S", "Alt+L", "Alt+F", "Y", "Esc", "F1"):
        assert k in keys, k
    assert duplicates(shortcuts) == {}


def test_no_key_is_claimed_twice_in_review_mode(qtbot, sample_project):
    from annotator.qt.review import ReviewWindow

    lead = sample_project.ensure_annotator("lead")
    rw = ReviewWindow(sample_project, lead)
    qtbot.addWidget(rw)
    shortcuts = window_shortcuts(rw)
    assert {"J", "K", "1", "9", "X", "E", "Shift+Right", "Ctrl+Shift+Left"} <= {s.keys for s in shortcuts}
    assert duplicates(shortcuts) == {}


def test_duplicates_are_found():
    from annotator.qt.keys import Shortcut

    dup = duplicates([Shortcut("N", "Stance: NONE", "Annotate"), Shortcut("n", "Claim stance: neutral", "")])
    assert list(dup) == ["n"]


def test_claim_and_document_stance_keys_from_the_text_view(qtbot, sample_project, open_window):
    p = sample_project
    w = open_window(p, "alice")
    view = w.text_view
    claim = _claim(w)
    w.select_span(claim.id)
    view.setFocus()
    assert view.hasFocus()
    for key, want in ((Qt.Key.Key_R, "refutes"), (Qt.Key.Key_N, "neutral"), (Qt.Key.Key_S, "supports")):
        qtbot.keyClick(view, key, SHIFT)
        assert p.span(claim.id).attrs["stance"] == want
        assert w.stance_panel.claim_stance.currentData() == want  # the panel follows
    qtbot.keyClick(view, Qt.Key.Key_S, SHIFT)  # again: clear
    assert p.span(claim.id).attrs["stance"] is None
    stance_before = w.controller.stance()
    # the claim keys never touch the document stance; n does, and only it
    qtbot.keyClick(view, Qt.Key.Key_N, SHIFT)
    assert w.controller.stance() == stance_before
    qtbot.keyClick(view, Qt.Key.Key_A)
    assert w.controller.stance().name == "AGAINST"
    qtbot.keyClick(view, Qt.Key.Key_N)
    assert w.controller.stance().name == "NONE"
    qtbot.keyClick(view, Qt.Key.Key_F)
    assert w.controller.stance().name == "FAVOR"
    assert p.span(claim.id).attrs["stance"] == "neutral"  # unchanged by document keys
    assert view.hasFocus()  # no key moved the focus


def test_claimant_keys_step_through_entities_nearest_first(qtbot, sample_project, open_window):
    p = sample_project
    w = open_window(p, "alice")
    view = w.text_view
    claim = _claim(w)
    c = w.controller
    w.select_span(claim.id)
    view.setFocus()
    ents = sorted((s for s in c.spans.values() if c.labels[s.label_id].layer == Layer.ENTITY),
                  key=lambda s: (max(claim.start - s.end, s.start - claim.end, 0), s.start, s.id))
    me = p.annotator("alice").id
    seen = []
    for _ in range(len(ents) + 1):
        qtbot.keyClick(view, Qt.Key.Key_W)
        got = p.claims(w.current_document_id, me)[claim.id].claimant
        seen.append(got.id if got else None)
    assert seen == [e.id for e in ents] + [None]  # then none, and round again
    qtbot.keyClick(view, Qt.Key.Key_W, SHIFT)
    assert p.claims(w.current_document_id, me)[claim.id].claimant.id == ents[-1].id
    assert w.stance_panel.claimant.currentData() == ents[-1].id


def test_a_letter_in_the_claim_stance_box_picks_from_the_box(qtbot, sample_project, open_window):
    """The reported bug: focus in the claim's stance box, "n" set the document stance to NONE."""
    p = sample_project
    w = open_window(p, "alice")
    claim = _claim(w)
    w.select_span(claim.id)
    stance_before = w.controller.stance()
    box = w.stance_panel.claim_stance
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_N)
    assert p.span(claim.id).attrs["stance"] == "neutral"
    assert w.controller.stance() == stance_before
    assert box.hasFocus()


def test_keys_are_shown_on_buttons_tooltips_panel_and_f1(qtbot, sample_project, open_window):
    w = open_window(sample_project, "alice")
    for lab_id, b in w.label_palette.buttons.items():
        lab = w.controller.labels[lab_id]
        assert b.text().startswith(f"{lab.hotkey} ") and f"({lab.hotkey.upper()})" in b.toolTip()
    for lab_id, b in w.stance_panel.buttons.items():
        lab = w.controller.labels[lab_id]
        assert b.text() == f"{lab.hotkey} {lab.name}" and f"({lab.hotkey.upper()})" in b.toolTip()
    box = w.stance_panel.claim_stance
    w.select_span(_claim(w).id)
    assert [box.itemText(i) for i in range(1, box.count())] == ["supports   Shift+S", "refutes   Shift+R",
                                                                "neutral   Shift+N"]
    assert "Shift+S" in box.toolTip() and "W" in w.stance_panel.claimant.toolTip()
    assert "(W)" in w.stance_panel.claimant_label.text()
    assert "(Shift+Right)" in w.edge_actions[("end", 1, False)].toolTip()
    w.view_shortcuts = None
    qtbot.keyClick(w.text_view, Qt.Key.Key_F1)
    table = w.shortcuts_dialog.findChild(QTableWidget, "shortcutsTable")
    rows = {(table.item(i, 0).text(), table.item(i, 1).text()) for i in range(table.rowCount())}
    for keys, what in (("Shift+S", "Claim stance: supports"), ("W", "Claimant: next entity"),
                       ("Shift+Right", "End edge one token right (grow)"), ("Alt+S", "focus “Stance”"),
                       ("Alt+L", "focus “Claimant (W)”"), ("N", "Stance: NONE  (n)")):
        assert (keys, what) in rows, (keys, what)
    assert any(k == "double click" for k, _ in rows) and any(k == "drag an edge" for k, _ in rows)
    w.shortcuts_dialog.close()

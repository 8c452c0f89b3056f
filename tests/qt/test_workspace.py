"""The annotation workspace driven with keys and the mouse; the database is checked after each step."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from annotator.core.model import Layer, NewDocument, Status
from annotator.services.importing import import_documents

from .conftest import mouse_select, point_of, qt_selected_text


def _names(project, spans):
    return sorted((project.label(s.label_id).name, s.start, s.end) for s in spans)


def test_tag_relabel_delete_undo_redo(qtbot, sample_project, open_window):
    p = sample_project
    alice = p.annotator("alice")
    w = open_window(p, "alice")
    doc = p.document(w.current_document_id)
    before = p.spans(doc.id, alice.id)
    view = w.text_view
    s = doc.text.index("Defence Minister")
    mouse_select(qtbot, view, s, s + len("Defence Minister"))
    qtbot.keyClick(view, Qt.Key.Key_4)  # NORP
    after = p.spans(doc.id, alice.id)
    [new] = [x for x in after if x not in before]
    assert doc.text[new.start:new.end] == "Defence Minister"
    assert p.label(new.label_id).name == "NORP"
    assert view.current_span() == new.id  # the new span is selected for relabel/delete
    assert "Saved" in w.save_label.text()

    # relabel: click the span, press another label key
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, new.start + 2))
    assert view.current_span() == new.id
    qtbot.keyClick(view, Qt.Key.Key_2)  # ORG
    assert p.label(p.span(new.id).label_id).name == "ORG"

    # delete with the Delete key
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert p.spans(doc.id, alice.id) == before

    # undo the delete: the span comes back with its id and label
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert p.label(p.span(new.id).label_id).name == "ORG"
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo relabel
    assert p.label(p.span(new.id).label_id).name == "NORP"
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo create
    assert p.spans(doc.id, alice.id) == before  # exactly what it created is gone
    assert new.id not in {r.id for r in view.spans()}
    # redo all three
    mods = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(view, Qt.Key.Key_Z, mods)
    assert p.span(new.id).start == new.start and p.label(p.span(new.id).label_id).name == "NORP"
    qtbot.keyClick(view, Qt.Key.Key_Z, mods)
    qtbot.keyClick(view, Qt.Key.Key_Z, mods)
    assert p.spans(doc.id, alice.id) == before
    assert w.span_list.model().rowCount() == len(before)


def test_overlapping_entity_and_claim_with_claim_attributes(qtbot, sample_project, open_window):
    p = sample_project
    w = open_window(p, "alice")
    view = w.text_view
    doc = p.document(w.current_document_id)
    sentence = '"These are defensive measures and nothing more," Defence Minister Anika Sorel told reporters'
    s = doc.text.index(sentence)
    mouse_select(qtbot, view, s, s + len(sentence))
    qtbot.keyClick(view, Qt.Key.Key_C)
    claim = max(p.spans(doc.id, p.annotator("alice").id), key=lambda x: x.id)
    assert p.label(claim.label_id).layer == Layer.CLAIM
    assert doc.text[claim.start:claim.end] == sentence
    # the entity inside it ("Anika Sorel", from the sample) and the claim are both drawn
    person = [r for r in view.spans_at(doc.text.index("Anika Sorel")) if r.id != claim.id]
    assert person and view.span(claim.id) is not None
    # set stance and claimant from the panel with the keyboard
    panel = w.stance_panel
    assert panel.claim_box.isEnabled()
    panel.claim_stance.setFocus()
    qtbot.keyClick(panel.claim_stance, Qt.Key.Key_Down)
    assert p.span(claim.id).attrs["stance"] == "supports"
    idx = panel.claimant.findText("Anika Sorel")
    panel.claimant.setFocus()
    for _ in range(idx):
        qtbot.keyClick(panel.claimant, Qt.Key.Key_Down)
    # the claimant is a relation from the claim to the entity span, and only that: no copy (and no
    # row id) in the claim's attributes
    assert p.span(claim.id).attrs == {"stance": "supports"}
    [rel] = p.relations(doc.id, claim.annotator_id)
    assert (rel.head_span_id, rel.kind) == (claim.id, "claimant")
    assert p.span(rel.tail_span_id).start == doc.text.index("Anika Sorel")
    assert p.claims(doc.id, claim.annotator_id)[claim.id].claimant_name(doc.text) == "Anika Sorel"
    # the stance and claimant edits are one undo step
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert p.span(claim.id).attrs == claim.attrs
    assert p.relations(doc.id, claim.annotator_id) == []
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert claim.id not in {x.id for x in p.spans(doc.id)}


def test_stance_done_next_document_and_list(qtbot, sample_project, open_window):
    p = sample_project
    w = open_window(p, "bo")
    bo = p.annotator("bo")
    w.status_filter.setCurrentIndex(0)
    w.text_view.setFocus()
    first = w.current_document_id
    qtbot.keyClick(w.text_view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)  # next document
    doc_id = w.current_document_id
    assert doc_id != first and w.text_view.text() == p.document(doc_id).text
    qtbot.keyClick(w.text_view, Qt.Key.Key_F)  # stance FAVOR (bo had AGAINST here)
    [dl] = [d for d in p.document_labels(doc_id, bo.id) if p.label(d.label_id).group == "stance"]
    assert p.label(dl.label_id).name == "FAVOR"
    assert "[FAVOR]" in w.doc_model.data(w.doc_model.index(w.doc_model.row_of(doc_id), 0))
    assert w.stance_actions[dl.label_id].isChecked()
    qtbot.keyClick(w.text_view, Qt.Key.Key_F)  # again: clears
    assert not [d for d in p.document_labels(doc_id, bo.id) if p.label(d.label_id).group == "stance"]
    if p.status(doc_id, bo.id) == Status.DONE:  # Ctrl+Return toggles
        qtbot.keyClick(w.text_view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert p.status(doc_id, bo.id) == Status.IN_PROGRESS
    qtbot.keyClick(w.text_view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # mark done
    assert p.status(doc_id, bo.id) == Status.DONE
    assert w.doc_model.data(w.doc_model.index(w.doc_model.row_of(doc_id), 0)).startswith("●")
    n_done = p.count_documents(annotator_id=bo.id, status=Status.DONE)
    qtbot.waitUntil(lambda: f"{n_done} done" in w.count_label.text())  # just after the edit is painted
    # filter: done only
    w.status_filter.setCurrentIndex(3)
    done_ids = {d.id for d in p.list_documents(annotator_id=bo.id, status=Status.DONE)}
    assert w.doc_model.rowCount() == len(done_ids) and doc_id in done_ids
    w.status_filter.setCurrentIndex(0)
    qtbot.keyClick(w.text_view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    assert p.status(w.current_document_id, bo.id) != Status.DONE


def test_undo_follows_its_document(qtbot, sample_project, open_window):
    p = sample_project
    w = open_window(p, "chen")
    view = w.text_view
    doc_id = w.current_document_id
    text = view.text()
    before = p.spans(doc_id, p.annotator("chen").id)
    mouse_select(qtbot, view, 0, 8)
    qtbot.keyClick(view, Qt.Key.Key_7)  # EVENT on "Veldoria": new for chen
    assert w.undo_stack.count() == 1 and text[:8] == "Veldoria"
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert w.current_document_id != doc_id
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.current_document_id == doc_id  # the undo shows where it happened
    assert p.spans(doc_id, p.annotator("chen").id) == before
    assert {r.id for r in view.spans()} == {s.id for s in before}


def test_blind_annotation_and_switching_annotator(qtbot, sample_project, open_window):
    p = sample_project
    w = open_window(p, "alice")
    doc_id = w.current_document_id
    alice, bo = p.annotator("alice"), p.annotator("bo")
    assert {r.id for r in w.text_view.spans()} == {s.id for s in p.spans(doc_id, alice.id)}
    assert "alice" in w.windowTitle()
    qtbot.keyClick(w.text_view, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dlg = w.identity_dialog
    assert dlg.isVisible()
    dlg.name.setFocus()
    dlg.name.lineEdit().selectAll()
    qtbot.keyClicks(dlg.name.lineEdit(), "bo")
    qtbot.keyClick(dlg.name.lineEdit(), Qt.Key.Key_Return)
    assert w.annotator.id == bo.id and "bo" in w.windowTitle()
    shown = {r.id for r in w.text_view.spans()}
    assert shown == {s.id for s in p.spans(w.current_document_id, bo.id)}
    assert not shown & {s.id for s in p.spans(w.current_document_id, alice.id)}
    # a new annotator starts with nothing
    w.switch_annotator("dana")
    assert w.text_view.spans() == [] and p.annotator("dana") is not None
    assert w.undo_stack.count() == 0


def test_reopening_restores_document_and_position(qtbot, project, open_window):
    long = "\n\n".join(f"Paragraph {i}: Veldoria and Ostrava traded statements again." for i in range(400))
    import_documents(project, [NewDocument("short one", title="a"), NewDocument(long, title="b")])
    w = open_window(project, "ana")
    w.step_document(1)
    target = long.index("Paragraph 250")
    w.text_view.scroll_to(target)
    scroll = w.text_view.verticalScrollBar().value()
    assert scroll > 0
    w.close()
    w2 = open_window(project, "ana")
    assert w2.text_view.text() == long
    assert w2.text_view.verticalScrollBar().value() == scroll
    assert w2.text_view.offset_map.from_utf16(w2.text_view.textCursor().position()) == target


def test_hostile_html_shows_as_literal_text(qtbot, project, open_window):
    evil = '<b>bold</b> <img src="x" onerror="alert(1)"> <script>alert(2)</script> &amp; <a href="y">link</a>'
    import_documents(project, [NewDocument(evil, title="<i>title</i>")])
    w = open_window(project, "ana")
    assert w.text_view.toPlainText() == evil
    fmt = w.text_view.document().firstBlock().begin().fragment().charFormat()
    assert not fmt.isAnchor() and fmt.fontWeight() <= 400
    mouse_select(qtbot, w.text_view, 0, 3)
    assert qt_selected_text(w.text_view) == "<b>"


def test_find_then_tag(qtbot, sample_project, open_window):
    p = sample_project
    w = open_window(p, "lead")
    view = w.text_view
    qtbot.keyClick(view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert w.find_bar.isVisible()
    qtbot.keyClicks(w.find_bar.edit, "brezno")
    s, e = view.selected_range()
    assert view.text()[s:e] == "Brezno"
    qtbot.keyClick(w.find_bar.edit, Qt.Key.Key_Return)
    s2, _ = view.selected_range()
    assert s2 > s
    qtbot.keyClick(w.find_bar.edit, Qt.Key.Key_Escape)
    assert not w.find_bar.isVisible() and view.hasFocus()
    qtbot.keyClick(view, Qt.Key.Key_3)
    spans = p.spans(w.current_document_id, p.annotator("lead").id)
    assert any(view.text()[x.start:x.end] == "Brezno" and x.start == s2 for x in spans)


def test_cheat_sheet_and_guidelines(qtbot, sample_project, open_window):
    w = open_window(sample_project, "alice")
    qtbot.keyClick(w.text_view, Qt.Key.Key_F1)
    table = w.shortcuts_dialog.findChild(type(w.shortcuts_dialog.layout().itemAt(0).widget()))
    rows = {table.item(i, 1).text(): table.item(i, 0).text() for i in range(table.rowCount())}  # does: keys
    assert rows["Undo"] == "Ctrl+Z" and rows["Next document"] == "Alt+Down"
    assert any(k == "1" and "PERSON" in a for a, k in rows.items())
    w.shortcuts_dialog.close()
    qtbot.keyClick(w.text_view, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert isinstance(w.guidelines_dialog, QDialog)
    text = w.guidelines_dialog.findChild(type(w.text_view).__mro__[1]).toPlainText()
    assert "Companies, agencies" in text and "Stance target" in text


def test_span_list_jumps_and_brackets_step(qtbot, sample_project, open_window):
    p = sample_project
    w = open_window(p, "alice")
    spans = sorted(p.spans(w.current_document_id, p.annotator("alice").id), key=lambda s: (s.start, -s.end))
    qtbot.keyClick(w.text_view, Qt.Key.Key_BracketRight)
    assert w.text_view.current_span() == spans[0].id
    qtbot.keyClick(w.text_view, Qt.Key.Key_BracketRight)
    assert w.text_view.current_span() == spans[1].id
    assert w.span_list.currentIndex().row() == 1
    w.span_list.setFocus()
    qtbot.keyClick(w.span_list, Qt.Key.Key_Down)
    assert w.text_view.current_span() == spans[2].id
    qtbot.keyClick(w.span_list, Qt.Key.Key_Delete)
    assert spans[2].id not in {s.id for s in p.spans(w.current_document_id)}


def test_span_list_model(qtmodeltester, sample_project):
    from annotator.qt.span_list import SpanListModel

    m = SpanListModel()
    doc = sample_project.document(1)
    m.reset(doc.text, sample_project.spans(1), {lab.id: lab for lab in sample_project.labels()})
    qtmodeltester.check(m)


def test_large_document_loads_spans_in_background(qtbot, project, open_window):
    text = " ".join(f"w{i}" for i in range(30_000))  # > 100,000 characters
    import_documents(project, [NewDocument("small", title="a"), NewDocument(text, title="big")])
    ana = project.ensure_annotator("ana")
    lab = project.label_by_name("GPE")
    big_id = project.document_ids()[1]
    starts = [text.index(f" w{i} ") + 1 for i in range(3, 3000, 3)]
    project.add_spans([(big_id, ana.id, lab.id, s, text.index(" ", s), {}, "manual") for s in starts])
    w = open_window(project, "ana")
    with qtbot.waitSignal(w.controller.spansLoaded, timeout=10_000):
        qtbot.keyClick(w.text_view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
        assert w.text_view.text() == text  # the text shows before the spans arrive
        mouse_select(qtbot, w.text_view, 0, 2)
        qtbot.keyClick(w.text_view, Qt.Key.Key_1)  # refused while loading: nothing half-known is stored
        assert project.spans(big_id, ana.id)[0].start == starts[0] and w.undo_stack.count() == 0
    assert {r.id for r in w.text_view.spans()} == {s.id for s in project.spans(big_id, ana.id)}
    assert w.span_list.model().rowCount() == len(starts)
    mouse_select(qtbot, w.text_view, 0, 2)
    qtbot.keyClick(w.text_view, Qt.Key.Key_1)
    assert len(project.spans(big_id, ana.id)) == len(starts) + 1


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # the offscreen platform, for the tooltip
def test_hover_shows_every_label_under_the_mouse(qtbot, sample_project, open_window):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    w = open_window(sample_project, "alice")
    view = w.text_view
    pos = view.text().index("Ostrava,")  # GPE inside alice's CLAIM
    vp = point_of(view, pos + 2)
    at = view.viewport().mapTo(view, vp)
    QApplication.sendEvent(view, QHelpEvent(QEvent.Type.ToolTip, at, view.mapToGlobal(at)))
    tip = QToolTip.text()
    assert "GPE" in tip and "CLAIM" in tip and "supports" in tip
    QToolTip.hideText()


def test_same_text_same_label_twice_is_refused(qtbot, sample_project, open_window):
    p = sample_project
    w = open_window(p, "alice")
    view = w.text_view
    s = view.text().index("Karsk.")
    n = len(p.spans(w.current_document_id))
    mouse_select(qtbot, view, s, s + 5)
    qtbot.keyClick(view, Qt.Key.Key_3)  # alice already has GPE "Karsk" here
    assert len(p.spans(w.current_document_id)) == n
    assert "already tagged" in w.statusBar().currentMessage()


def test_claimant_box_shows_long_names_elided_with_the_whole_name_as_tooltip(qtbot):
    from annotator.core.model import ClaimData, SpanData
    from annotator.qt.stance_panel import StancePanel

    text = ("Said the Deputy Director-General of the International Atomic Energy Agency's Safeguards "
            "Department, Mr. 李\u200b明 Ferreira-Løkkeberg 🙂, on Tuesday.")
    name = text[9:text.index(", on")]
    panel = StancePanel()
    qtbot.addWidget(panel)
    claim = ClaimData(SpanData(1, 1, 1, 1, 0, len(text)), "FAVOR")
    short = SpanData(3, 1, 1, 2, text.index("Mr."), text.index(" 🙂"))
    panel.show_claim(claim, [SpanData(2, 1, 1, 2, 9, len(name) + 9), short], text, ("FAVOR", "AGAINST"))
    i = panel.claimant.findData(2)
    assert len(name) > 40
    assert panel.claimant.itemText(i) == name[:39] + "…"  # cut where the box shows it, and said so
    assert panel.claimant.itemData(i, Qt.ItemDataRole.ToolTipRole) == name  # the whole name on hover
    j = panel.claimant.findData(3)
    assert panel.claimant.itemText(j) == text[short.start:short.end]  # short names as they are

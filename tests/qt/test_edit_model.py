"""One edit model, driven through the real window: typed changes, one undo command, views that
follow one model of the open document, claims whose claimant is a link (not a copied id)."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.model import Layer, NewDocument, Status
from annotator.services.importing import import_documents
from tests.qt.conftest import mouse_select

TEXT = ("Defence minister Hale said on Tuesday that 15,000 soldiers are at the border.\n\n"
        "Observers could not confirm the figure.")
CLAIM = "15,000 soldiers are at the border"


def _count(w, what: str) -> int:
    """The number before ``what`` in the count line under the document list ("3 to do, …")."""
    QApplication.processEvents()  # the counts follow an edit just after it is painted
    text = w.count_label.text().split("·")[-1]
    for part in text.split(","):
        part = part.strip()
        if part.endswith(what):
            return int(part[: -len(what)].strip().replace(",", ""))
    raise AssertionError(f"{what!r} not in {w.count_label.text()!r}")


def _tag(qtbot, w, start: int, end: int, key) -> None:
    mouse_select(qtbot, w.text_view, start, end)
    qtbot.keyClick(w.text_view, key)


def test_three_annotators_claim_and_claimant_merged_by_separate_votes(qtbot, project, open_window, tmp_path):
    """Three annotators mark the same claim and claimant; two say "supports", one "refutes". The
    merged export says "supports" (the stance has its own vote), keeps the claimant link, and
    carries no database ids."""
    from annotator.services.exporting import ExportOptions, export

    [doc_id] = import_documents(project, [NewDocument(TEXT, title="Hale")]).document_ids
    hale = (TEXT.index("Hale"), TEXT.index("Hale") + 4)
    claim = (TEXT.index(CLAIM), TEXT.index(CLAIM) + len(CLAIM))
    for name, stance in (("alice", "supports"), ("bo", "supports"), ("cy", "refutes")):
        w = open_window(project, name)
        assert w.current_document_id == doc_id
        _tag(qtbot, w, *hale, Qt.Key.Key_1)  # PERSON
        _tag(qtbot, w, *claim, Qt.Key.Key_C)  # CLAIM; the new span is selected
        panel = w.stance_panel
        assert panel.claim_box.isEnabled()
        panel.claim_stance.setCurrentIndex(panel.claim_stance.findData(stance))
        panel.claim_stance.activated.emit(panel.claim_stance.currentIndex())
        panel.claimant.setCurrentIndex(panel.claimant.findText("Hale"))
        panel.claimant.activated.emit(panel.claimant.currentIndex())
        me = project.annotator(name)
        [c] = [s for s in project.spans(doc_id, me.id) if project.label(s.label_id).layer == Layer.CLAIM]
        assert c.attrs == {"stance": stance}  # one fact, one place: the claimant is the relation
        assert w.controller.claim(c.id).claimant_name(TEXT) == "Hale"
        qtbot.keyClick(w.text_view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # done
        assert project.status(doc_id, me.id) == Status.DONE
        w.close()

    out = tmp_path / "merged.jsonl"
    export(project, ExportOptions("native", out, merged=True))
    [rec] = [json.loads(x) for x in out.read_text("utf-8").splitlines() if '"text"' in x]
    spans = rec["spans"]
    [ci] = [i for i, s in enumerate(spans) if s["label"] == "CLAIM"]
    [pi] = [i for i, s in enumerate(spans) if s["label"] == "PERSON"]
    assert spans[ci]["attrs"] == {"stance": "supports"}
    assert {"head": ci, "kind": "claimant", "tail": pi} in rec["relations"]
    raw = out.read_text("utf-8")
    assert "claimant_span" not in raw and "span_id" not in raw


def test_document_counts_follow_the_first_span_and_done_at_once(qtbot, project, open_window):
    import_documents(project, [NewDocument(f"Report {i}: Karsk sent troops.", title=f"r{i}") for i in range(3)])
    w = open_window(project, "alice")
    assert (_count(w, "to do"), _count(w, "in progress"), _count(w, "done")) == (3, 0, 0)
    doc = project.document(w.current_document_id)
    _tag(qtbot, w, doc.text.index("Karsk"), doc.text.index("Karsk") + 5, Qt.Key.Key_3)
    # no waiting: the count line follows the change that moved the document to in progress
    assert (_count(w, "to do"), _count(w, "in progress"), _count(w, "done")) == (2, 1, 0)
    qtbot.keyClick(w.text_view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert (_count(w, "to do"), _count(w, "in progress"), _count(w, "done")) == (2, 0, 1)
    qtbot.keyClick(w.text_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo done
    assert (_count(w, "to do"), _count(w, "in progress"), _count(w, "done")) == (2, 1, 0)
    qtbot.keyClick(w.text_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the span
    assert (_count(w, "to do"), _count(w, "in progress"), _count(w, "done")) == (3, 0, 0)
    assert project.status(doc.id, project.annotator("alice").id) == Status.TODO


def test_undo_never_touches_another_writers_row(qtbot, project, open_window):
    """Window A tags a span; another writer (a second process on the same file) relabels it.
    A's undo is refused with a message, B's edit stays, and A's history does not move. A span
    A created and undid is never given to someone else (ids are not reused), so A's redo comes
    back under its own id."""
    from annotator.storage import Project

    [doc_id] = import_documents(project, [NewDocument("Karsk and Brezno traded blame.")]).document_ids
    w = open_window(project, "alice")
    _tag(qtbot, w, 0, 5, Qt.Key.Key_3)  # GPE Karsk
    [s] = project.spans(doc_id)
    other = Project.open(project.path)
    try:
        bo = other.ensure_annotator("bo")
        other.update_span(s.id, label_id=other.label_by_name("ORG").id)  # B changes A's row
        index = w.undo_stack.index()
        qtbot.keyClick(w.text_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert w.undo_stack.index() == index  # the history did not move
        assert "changed elsewhere" in w.statusBar().currentMessage()
        assert project.span(s.id).label_id == other.label_by_name("ORG").id
        # put it back as A left it: now undo and redo work, and the redo keeps its id even after
        # another writer added spans in between
        other.update_span(s.id, label_id=other.label_by_name("GPE").id)
        qtbot.keyClick(w.text_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert project.spans(doc_id) == []
        b_span = other.add_span(doc_id, bo.id, other.label_by_name("GPE").id, 10, 16)
        assert b_span.id != s.id  # a freed id is never handed out again
        qtbot.keyClick(w.text_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        assert project.span(s.id).start == 0 and project.span(b_span.id).annotator_id == bo.id
    finally:
        other.close()

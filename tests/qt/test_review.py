"""Review mode driven with keys only: a lead adjudicates a three-annotator document; the gold set
is checked in the database and in an export (annotator.services.exporting)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from annotator.core.model import Layer, Status
from annotator.services import review as rv
from annotator.services.exporting import ExportOptions, export

CTRL, SHIFT, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.AltModifier


def _open_review(qtbot, w):
    qtbot.keyClick(w, Qt.Key.Key_R, CTRL | SHIFT)
    rw = w.feature("review").review
    assert rw is not None and w.feature("review").action.isChecked()
    qtbot.waitExposed(rw)
    rw.activateWindow()
    qtbot.waitUntil(lambda: rw.isActiveWindow())
    qtbot.waitUntil(lambda: rw.queue is not None and rw.task is None, timeout=20000)
    rw.text_view.setFocus()
    return rw


def _gold(p, doc):
    g = p.gold()
    return {(doc.text[s.start:s.end], p.label(s.label_id).name): s for s in p.spans(doc.id, g.id)}


def _key(qtbot, rw, key, mods=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(rw.text_view, key, mods)


def test_adjudicate_three_annotators_with_keys_only(qtbot, open_window, sample_project, tmp_path):
    p = sample_project
    w = open_window(p, "lead")
    rw = _open_review(qtbot, w)
    # the queue: most undecided disagreements first; the first is opened with its first disagreement
    q = rv.review_queue(p)
    rows = [rw.queue_table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(rw.queue_table.rowCount())]
    assert rows == [i.document_id for i in q.items]
    assert rw.progress_label.text() == q.progress()
    doc = p.document(rw.document_id)
    assert rw.review.annotators == ["alice", "bo", "chen"]
    region = rw.region()
    assert region.kind == rv.BOUNDARY and doc.text[region.start:region.end] == "more than 10,000"
    # every annotator's spans are drawn; undecided disagreements carry the red wave
    drawn = rw.text_view.spans()
    assert sum(len(r.candidates) for r in rw.review.regions if r.layer != Layer.DOCUMENT) == len(drawn)
    assert any(s.style & s.style.DISAGREEMENT for s in drawn)

    _key(qtbot, rw, Qt.Key.Key_A)  # accept everything a majority agrees on
    gold = _gold(p, doc)
    assert ("Veldoria", "GPE") in gold and ("more than 10,000", "CARDINAL") in gold
    assert ("Ostrava", "GPE") in gold and ("Northwire", "ORG") not in gold
    assert gold[("Veldoria", "GPE")].attrs["provenance"]["agreed"] == ["alice", "bo", "chen"]
    assert gold[("Veldoria", "GPE")].attrs["provenance"]["adjudicator"] == "lead"
    # focus moved to the next undecided disagreement: bo's Northwire (only bo marked it)
    assert doc.text[rw.region().start:rw.region().end] == "Northwire" and rw.region().kind == rv.MISSING
    assert rw.who_label.text() == f"Who said what: alice: nothing; bo: ORG [{rw.region().start}, {rw.region().end}); chen: nothing"
    _key(qtbot, rw, Qt.Key.Key_X)  # reject
    assert doc.text[rw.region().start:rw.region().end] == "Tuesday"
    _key(qtbot, rw, Qt.Key.Key_1)  # accept chen's DATE "Tuesday"
    assert _gold(p, doc)[("Tuesday", "DATE")].attrs["provenance"]["agreed"] == ["chen"]
    assert not rw.review.unresolved

    # change a pre-accepted decision: back to the Ostrava label disagreement, take chen's LOC
    _key(qtbot, rw, Qt.Key.Key_K)
    assert rw.region().kind == rv.LABEL and doc.text[rw.region().start:rw.region().end] == "Ostrava"
    assert [c.label for c in rw.region().candidates] == ["GPE", "LOC"]
    _key(qtbot, rw, Qt.Key.Key_2)
    gold = _gold(p, doc)
    assert ("Ostrava", "LOC") in gold and ("Ostrava", "GPE") not in gold
    assert gold[("Ostrava", "LOC")].attrs["provenance"]["decision"] == "accept"

    # the document stance: J until the stance disagreement, take chen's AGAINST
    for _ in range(10):
        if rw.region().layer == Layer.DOCUMENT:
            break
        _key(qtbot, rw, Qt.Key.Key_J)
    assert rw.region().kind == rv.STANCE_KIND
    assert [c.label for c in rw.region().candidates] == ["NONE", "AGAINST"]
    _key(qtbot, rw, Qt.Key.Key_2)

    def gold_stance():
        return [p.label(d.label_id).name for d in p.document_labels(doc.id, p.gold().id)]

    assert gold_stance() == ["AGAINST"]
    _key(qtbot, rw, Qt.Key.Key_Z, CTRL)  # undo: back to the pre-accepted NONE
    assert gold_stance() == ["NONE"]
    _key(qtbot, rw, Qt.Key.Key_Z, CTRL | SHIFT)  # redo
    assert gold_stance() == ["AGAINST"]
    assert rv.record(p, doc.id)["stance"]["agreed"] == ["chen"]

    _key(qtbot, rw, Qt.Key.Key_Return)  # reviewed; the next document in the queue opens
    assert p.status(doc.id, p.gold().id) == Status.DONE
    assert rw.document_id != doc.id
    assert rw.progress.value() == 1

    # the gold set in the database
    expected = {("Veldoria", "GPE"), ("more than 10,000", "CARDINAL"), ("March 4, 2025", "DATE"),
                ("Ostrava", "LOC"), ("Tuesday", "DATE"), ("Anika Sorel", "PERSON"), ("Karsk", "GPE"),
                ("Ostravan Institute for Security Studies", "ORG"),
                ("Veldoria has moved more than 10,000 troops to its northern border with Ostrava", "CLAIM")}
    gold = _gold(p, doc)
    assert set(gold) == expected
    claim = gold[("Veldoria has moved more than 10,000 troops to its northern border with Ostrava", "CLAIM")]
    assert claim.attrs["stance"] == "supports" and claim.attrs["claimant"] == "two defence officials"
    assert claim.attrs["provenance"]["agreed"] == ["alice", "bo"]

    # ... and in exports of the gold set (native JSONL, doccano JSONL)
    out = tmp_path / "gold.jsonl"
    export(p, ExportOptions("native", out, gold=True))
    lines = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    [rec] = [r for r in lines[1:] if r["text"] == doc.text]
    assert {(rec["text"][s["start"]:s["end"]], s["label"]) for s in rec["spans"]} == expected
    assert rec["cats"] == {"stance": "AGAINST"} and rec["status"] == "done"
    out2 = tmp_path / "gold-doccano.jsonl"
    export(p, ExportOptions("doccano", out2, gold=True))
    recs = [json.loads(x) for x in out2.read_text("utf-8").splitlines()]
    [d] = [r for r in recs if r["text"] == doc.text]
    ents = {(doc.text[a:b], lab) for a, b, lab in d["label"]}
    assert ents == expected


def test_edit_in_place_and_undo_all(qtbot, open_window, sample_project):
    p = sample_project
    w = open_window(p, "lead")
    rw = _open_review(qtbot, w)
    doc = p.document(rw.document_id)
    region = rw.region()
    assert doc.text[region.start:region.end] == "more than 10,000"
    # the lead selects "10,000 troops" (as with the mouse or Shift+arrows) and presses E
    s = doc.text.index("10,000 troops")
    rw.text_view.select_range(s + 2, s + len("10,000 troops") - 2)  # snapped out to whole tokens
    _key(qtbot, rw, Qt.Key.Key_E)
    gold = _gold(p, doc)
    assert list(gold) == [("10,000 troops", "CARDINAL")]
    assert gold[("10,000 troops", "CARDINAL")].attrs["provenance"]["decision"] == "edit"
    assert gold[("10,000 troops", "CARDINAL")].attrs["provenance"]["agreed"] == []
    _key(qtbot, rw, Qt.Key.Key_Z, CTRL)
    assert _gold(p, doc) == {}
    # Escape leaves review mode; the View menu action is unchecked again
    _key(qtbot, rw, Qt.Key.Key_Escape)
    assert not rw.isVisible() and not w.feature("review").action.isChecked()


def test_review_mode_is_for_leads_and_annotators_get_their_queue(qtbot, open_window, sample_project):
    p = sample_project
    plan = rv.assign(p, ["alice", "bo"], overlap=0.5, seed=1)
    w = open_window(p, "bo")
    assert not w.feature("review").action.isEnabled()
    queue = rv.my_queue(p, p.annotator("bo").id)
    todo = [d for d, st in queue if st != Status.DONE]
    assert [d for d, _st in queue] == plan["bo"]
    qtbot.keyClick(w, Qt.Key.Key_Q, CTRL | SHIFT)
    assert w.current_document_id in todo
    first = w.current_document_id
    assert "Your queue" in w.statusBar().currentMessage()
    if len(todo) > 1:
        qtbot.keyClick(w, Qt.Key.Key_Q, CTRL | SHIFT)
        assert w.current_document_id in todo and w.current_document_id != first


@pytest.mark.parametrize("threshold_row", [1])  # "All agree": only unanimous versions are pre-accepted
def test_threshold_choice_changes_pre_acceptance(qtbot, open_window, sample_project, threshold_row):
    p = sample_project
    w = open_window(p, "lead")
    rw = _open_review(qtbot, w)
    doc_id = rw.document_id
    rw.threshold.setCurrentIndex(threshold_row)
    qtbot.waitUntil(lambda: rw.task is None and rw.review.threshold == rv.Threshold.parse("all"), timeout=20000)
    _key(qtbot, rw, Qt.Key.Key_A)
    doc = p.document(doc_id)
    expected = {(doc.text[r.start:r.end], r.candidates[0].label) for r in rv.review_document(p, doc_id, threshold="all").regions
                if r.kind is None and r.layer != Layer.DOCUMENT}
    assert set(_gold(p, doc)) == expected

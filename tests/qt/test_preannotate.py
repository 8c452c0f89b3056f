"""Pre-annotation in the window, driven with keys: load patterns through the file dialog, run them,
accept and reject suggestions, undo, tag all matches; the database and an export are checked."""

from __future__ import annotations

import json

import orjson
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from annotator.core.model import Origin
from annotator.qt.text_view import Style
from annotator.services import preannotate as pa
from annotator.services.exporting import ExportOptions, export

from .conftest import mouse_select

PATTERNS = [
    {"label": "GPE", "pattern": "Veldoria"},
    {"label": "GPE", "pattern": "Ostrava"},
    {"label": "PERSON", "pattern": [{"IS_TITLE": True, "IS_ALPHA": True}, {"TEXT": "Sorel"}]},
]


def _activate(qtbot, w):
    """The offscreen platform does not hand activation back to the window when a dialog closes
    (a desktop's window manager does)."""
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)


def _load(qtbot, w, path):
    w.feature("preannotate").load_action.trigger()
    dlg = w.feature("preannotate").file_dialog
    assert isinstance(dlg, QFileDialog) and dlg.isVisible()
    with qtbot.waitSignal(w.feature("preannotate").rulesLoaded):
        dlg.selectFile(str(path))
        dlg.accept()
    _activate(qtbot, w)


def _run_here(qtbot, w):
    with qtbot.waitSignal(w.feature("preannotate").finished, timeout=20000) as sig:
        qtbot.keyClick(w.text_view, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    return sig.args[0]


def _pending(p, who, doc):
    return [s for s in p.spans(doc, who.id) if s.origin in (Origin.PATTERN, Origin.MODEL)]


def test_load_run_accept_reject_with_keys_then_export(qtbot, sample_project, open_window, tmp_path):
    p = sample_project
    f = tmp_path / "news.jsonl"
    f.write_text("\n".join(json.dumps(x) for x in PATTERNS) + "\n", encoding="utf-8")
    w = open_window(p, "dana")
    dana = p.annotator("dana")
    doc = w.current_document_id
    text = p.document(doc).text
    _load(qtbot, w, f)
    report = _run_here(qtbot, w)
    pending = _pending(p, dana, doc)
    assert report.suggestions == len(pending) > 2
    assert {text[s.start:s.end] for s in pending} >= {"Veldoria", "Anika Sorel"}
    # drawn dashed, and the first suggestion is selected so the keys work at once
    for s in pending:
        assert w.text_view.span(s.id).style == Style.DASHED
    first = min(pending, key=lambda s: s.start)
    assert w.text_view.current_span() == first.id
    w.text_view.grab().save(str(tmp_path / "suggestions.png"))

    # Y accepts the selected suggestion: a manual span with provenance, drawn filled
    qtbot.keyClick(w.text_view, Qt.Key.Key_Y)
    acc = p.span(first.id)
    assert acc.origin == Origin.MANUAL and acc.attrs["provenance"]["accepted_by"] == "dana"
    assert acc.attrs["provenance"]["source"] == "news.jsonl:1"
    assert w.text_view.span(first.id).style == Style.FILL
    # the next suggestion is selected; X rejects it
    second = w.text_view.current_span()
    assert second in {s.id for s in pending} and second != first.id
    qtbot.keyClick(w.text_view, Qt.Key.Key_X)
    assert second not in {s.id for s in p.spans(doc, dana.id)}
    assert w.text_view.span(second) is None
    # Ctrl+Z brings it back (same id, still a suggestion), Ctrl+Shift+Z rejects again
    qtbot.keyClick(w.text_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert p.span(second).origin == Origin.PATTERN and w.text_view.span(second).style == Style.DASHED
    qtbot.keyClick(w.text_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert second not in {s.id for s in p.spans(doc, dana.id)}

    # Shift+X rejects the rest of the document, Ctrl+Z undoes that, Shift+Y accepts them all
    left = _pending(p, dana, doc)
    assert left
    qtbot.keyClick(w.text_view, Qt.Key.Key_X, Qt.KeyboardModifier.ShiftModifier)
    assert _pending(p, dana, doc) == []
    qtbot.keyClick(w.text_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _pending(p, dana, doc) == left
    qtbot.keyClick(w.text_view, Qt.Key.Key_Y, Qt.KeyboardModifier.ShiftModifier)
    assert _pending(p, dana, doc) == []
    mine = p.spans(doc, dana.id)
    assert len(mine) == len(pending) - 1 and all(s.origin == Origin.MANUAL for s in mine)

    # running again suggests nothing new here: accepted spans exist, the rejected one is remembered
    again = _run_here(qtbot, w)
    assert again.suggestions == 0 and again.rejected == 1

    # the export carries exactly the accepted spans
    out = tmp_path / "dana.jsonl"
    export(p, ExportOptions("native", out, annotator="dana"))
    recs = [orjson.loads(x) for x in out.read_text().splitlines()[1:]]
    got = sorted((s["start"], s["end"], s["label"]) for r in recs if r["text"] == text for s in r["spans"])
    assert got == sorted((s.start, s.end, p.label(s.label_id).name) for s in mine)


def test_keys_without_a_selection_pick_the_next_suggestion(qtbot, sample_project, open_window, tmp_path):
    p = sample_project
    terms = tmp_path / "GPE.txt"
    terms.write_text("Veldoria\n", encoding="utf-8")
    w = open_window(p, "dana")
    _load(qtbot, w, terms)
    _run_here(qtbot, w)
    pending = sorted(_pending(p, p.annotator("dana"), w.current_document_id), key=lambda s: s.start)
    w.select_span(None)
    qtbot.keyClick(w.text_view, Qt.Key.Key_Y)  # nothing selected: selects a suggestion, accepts nothing
    assert w.text_view.current_span() in {s.id for s in pending}
    assert len(_pending(p, p.annotator("dana"), w.current_document_id)) == len(pending)
    w.select_span(pending[0].id)
    qtbot.keyClick(w.text_view, Qt.Key.Key_Period)
    assert w.text_view.current_span() == pending[1].id
    qtbot.keyClick(w.text_view, Qt.Key.Key_Comma)
    assert w.text_view.current_span() == pending[0].id


def test_unknown_label_in_a_pattern_file_is_reported(qtbot, sample_project, open_window, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"label": "FOOD", "pattern": "pizza"}\n', encoding="utf-8")
    w = open_window(sample_project, "dana")
    w.feature("preannotate").load_action.trigger()
    w.feature("preannotate").file_dialog.selectFile(str(bad))
    w.feature("preannotate").file_dialog.accept()
    box = w.feature("preannotate").message
    assert isinstance(box, QMessageBox) and "unknown label FOOD" in box.text()
    assert w.feature("preannotate").rules == []
    box.accept()


def test_run_on_project_and_accept_all_in_project(qtbot, sample_project, open_window, tmp_path):
    p = sample_project
    f = tmp_path / "p.jsonl"
    f.write_text("\n".join(json.dumps(x) for x in PATTERNS) + "\n", encoding="utf-8")
    w = open_window(p, "dana")
    dana = p.annotator("dana")
    _load(qtbot, w, f)
    with qtbot.waitSignal(w.feature("preannotate").finished, timeout=20000) as sig:
        w.feature("preannotate").run_all_action.trigger()
    _activate(qtbot, w)
    assert sig.args[0].documents == len(p.document_ids())
    total = len(pa.suggestions(p, dana.id))
    assert total == sig.args[0].suggestions and len({s.document_id for s in pa.suggestions(p, dana.id)}) > 1
    w.feature("preannotate").accept_project_action.trigger()
    assert pa.suggestions(p, dana.id) == []
    assert p.span_count(dana.id) == total
    qtbot.keyClick(w.text_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(pa.suggestions(p, dana.id)) == total


def test_tag_all_matches_of_a_recurring_claim(qtbot, sample_project, open_window, tmp_path):
    p = sample_project
    w = open_window(p, "dana")
    dana = p.annotator("dana")
    text = w.text_view.text()
    phrase = "troops"
    s = text.index(phrase)
    mouse_select(qtbot, w.text_view, s, s + len(phrase))
    qtbot.keyClick(w.text_view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dlg = w.feature("preannotate").dialog
    assert dlg.query.text() == phrase and dlg.label.currentData() == "CLAIM"
    qtbot.waitUntil(lambda: dlg.results.count() > 0, timeout=20000)
    expected = pa.find_matches(p, phrase)
    assert dlg.results.count() == len(expected) > 2
    dlg.grab().save(str(tmp_path / "tag_all.png"))
    # untick the first match with Space, tag the rest
    dlg.results.setFocus()
    dlg.results.setCurrentRow(0)
    qtbot.keyClick(dlg.results, Qt.Key.Key_Space)
    assert len(dlg.ticked()) == len(expected) - 1
    qtbot.mouseClick(dlg.tag_button, Qt.MouseButton.LeftButton)
    _activate(qtbot, w)
    claim = p.label_by_name("CLAIM")
    tagged = sorted((sp.document_id, sp.start, sp.end) for d in p.document_ids() for sp in p.spans(d, dana.id)
                    if sp.label_id == claim.id)
    assert tagged == sorted((m.document_id, m.start, m.end) for m in expected[1:])
    here = [sp for sp in p.spans(w.current_document_id, dana.id) if sp.label_id == claim.id]
    assert all(w.text_view.span(sp.id) is not None for sp in here)
    # one undo removes every one of them
    qtbot.keyClick(w.text_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert p.span_count(dana.id) == 0


def test_cancel_a_project_run_keeps_whole_batches(qtbot, sample_project, open_window, tmp_path, monkeypatch):
    """Cancel in the progress dialog while the first batch is being matched: that batch is stored
    whole, nothing after it."""
    import threading

    from PySide6.QtWidgets import QProgressDialog, QPushButton

    p = sample_project
    terms = tmp_path / "GPE.txt"
    terms.write_text("Veldoria\nOstrava\nBrezno\n", encoding="utf-8")
    w = open_window(p, "dana")
    _load(qtbot, w, terms)
    monkeypatch.setattr(pa, "BATCH", 2)
    entered, go = threading.Event(), threading.Event()
    real = pa.Suggester.suggest

    def slow(self, texts):  # the first batch waits until the test has pressed Cancel
        entered.set()
        go.wait(10)
        return real(self, texts)

    monkeypatch.setattr(pa.Suggester, "suggest", slow)
    w.feature("preannotate").run_all_action.trigger()
    qtbot.waitUntil(entered.is_set, timeout=20000)  # the task starts on the next event-loop turn
    [dlg] = [d for d in w.findChildren(QProgressDialog)]
    with qtbot.waitSignal(w.feature("preannotate").task.signals.cancelled, timeout=20000):
        dlg.findChild(QPushButton).click()  # its Cancel button
        go.set()
    _activate(qtbot, w)
    first_two = p.document_ids()[:2]
    got = {s.document_id for s in pa.suggestions(p, p.annotator("dana").id)}
    assert got and got <= set(first_two)
    assert "Cancelled" in w.statusBar().currentMessage()


def test_suggestions_from_a_spacy_pipeline_folder(qtbot, sample_project, open_window, tmp_path):
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "GPE", "pattern": "Veldoria"}])
    nlp.to_disk(tmp_path / "pipe")
    p = sample_project
    w = open_window(p, "dana")
    w.feature("preannotate").model_action.trigger()
    dlg = w.feature("preannotate").dialog
    assert dlg.isVisible()
    dlg.setTextValue(str(tmp_path / "pipe"))
    dlg.accept()
    _activate(qtbot, w)
    report = _run_here(qtbot, w)
    pending = _pending(p, p.annotator("dana"), w.current_document_id)
    assert report.suggestions == len(pending) > 0
    assert {(s.origin, s.attrs["source"]) for s in pending} == {(Origin.MODEL, str(tmp_path / "pipe"))}
    assert "pipe" in w.text_view.span(pending[0].id).tooltip


def test_tagging_a_suggestion_by_hand_points_to_accept(qtbot, sample_project, open_window, tmp_path):
    p = sample_project
    terms = tmp_path / "GPE.txt"
    terms.write_text("Veldoria\n", encoding="utf-8")
    w = open_window(p, "dana")
    _load(qtbot, w, terms)
    _run_here(qtbot, w)
    before = p.spans(w.current_document_id, p.annotator("dana").id)
    mouse_select(qtbot, w.text_view, 0, len("Veldoria"))
    qtbot.keyClick(w.text_view, Qt.Key.Key_3)  # GPE
    assert "press Y to accept" in w.statusBar().currentMessage()
    assert p.spans(w.current_document_id, p.annotator("dana").id) == before

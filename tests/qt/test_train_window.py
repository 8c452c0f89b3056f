"""Tools → Train model… driven as a lead would: train in the background with progress and
Cancel, read the per-label chart and the train curve, use the model for suggestions and accept
one with Y, order the queue by uncertainty, and walk the likely-mistakes list with Enter, F, D."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton

from annotator.core.model import Origin
from annotator.services.training import store, synthetic
from annotator.services.training.evaluate import Evaluation

pytestmark = pytest.mark.slow
SHOTS = os.environ.get("ANNOTATOR_SCREENSHOTS")  # a folder: save the pictures the docs show


def _open(qtbot, w):
    qtbot.keyClick(w, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    tw = w.feature("train").train_window
    assert tw is not None and tw.isVisible()
    return tw


def _wait(qtbot, tw, timeout=900000 if SHOTS else 180000):
    qtbot.waitUntil(lambda: tw.task is None or tw.task.done.is_set(), timeout=timeout)
    qtbot.waitUntil(lambda: tw.task is None, timeout=10000)


def _bars(chart_view):
    series = chart_view.chart().series()[0]
    return {s.label(): [s.at(i) for i in range(s.count())] for s in series.barSets()}


def test_train_see_scores_and_curve_use_for_suggestions(qtbot, open_window, project):
    synthetic.build(project, 40, seed=2)
    w = open_window(project, "lead")
    tw = _open(qtbot, w)
    assert tw.models.count() == 0 and "No model yet" in tw.message.text()
    tw.steps.setValue(300 if SHOTS else 30)  # the pictures show a model worth looking at
    tw.curve.setChecked(True)
    qtbot.mouseClick(tw.train_button, Qt.MouseButton.LeftButton)
    _wait(qtbot, tw)
    assert tw.models.count() == 1, tw.message.text()
    info = store.list_models(project)[0]
    assert tw.model.name == info.name and info.view == "gold"
    # the chart shows the stored per-label figures, one bar per label and measure
    ev = Evaluation.from_dict(info.scores)
    rows = [r for lay in ("entity", "claim", "stance") for r in ev.layer(lay)]
    bars = _bars(tw.eval_chart)
    assert bars["F1"] == pytest.approx([r.f for r in reversed(rows)])
    assert bars["P"] == pytest.approx([r.precision for r in reversed(rows)])
    cats = tw.eval_chart.chart().axes(Qt.Orientation.Vertical)[0].categories()
    assert cats[-1] == f"{rows[0].layer}: {rows[0].label} (n={rows[0].support})"
    assert tw.eval_table.topLevelItemCount() == len(rows) + 3  # + a total per layer
    # the train curve: one line per layer, at 25/50/75/100 %
    assert tw.tabs.currentIndex() == 1
    lines = [s for s in tw.curve_chart.chart().series() if type(s).__name__ == "QLineSeries"]
    assert [s.name() for s in lines] == ["entity F1", "claim F1", "stance F1"]
    assert [p.x() for p in lines[0].points()] == [25, 50, 75, 100]
    assert lines[0].points()[-1].y() == pytest.approx(ev.total("entity").f)
    if SHOTS:
        tw.tabs.setCurrentIndex(0)
        tw.grab().save(os.path.join(SHOTS, "train-evaluation.png"))
        tw.tabs.setCurrentIndex(1)
        tw.grab().save(os.path.join(SHOTS, "train-curve.png"))

    # evaluate against the gold set: only documents the model did not learn from
    tw.eval_on.setCurrentIndex(1)
    tw.eval_on.activated.emit(1)
    _wait(qtbot, tw)
    assert tw.evaluation.documents == info.documents["dev"] and "used in training left out" in tw.evaluation.what

    # what to annotate next: the lead's unfinished documents, most uncertain first
    qtbot.mouseClick(tw.next_button, Qt.MouseButton.LeftButton)
    _wait(qtbot, tw)
    n = tw.next_list.topLevelItemCount()
    assert n == 40
    values = [float(tw.next_list.topLevelItem(i).text(0)) for i in range(n)]
    assert values == sorted(values, reverse=True)
    tw.next_list.setFocus()
    qtbot.keyClick(tw.next_list, Qt.Key.Key_Return)
    assert w.current_document_id == tw.next_list.topLevelItem(0).data(0, Qt.ItemDataRole.UserRole)

    # the model as a suggestion source: run on the document, accept with Y
    qtbot.mouseClick(tw.use_button, Qt.MouseButton.LeftButton)
    assert w.feature("preannotate").model == str(info.model_path)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    w.text_view.setFocus()
    qtbot.keyClick(w.text_view, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: any(s.origin == Origin.MODEL for s in w.controller.spans.values()), timeout=60000)
    first = min((s for s in w.controller.spans.values() if s.origin == Origin.MODEL), key=lambda s: s.start)
    w.select_span(first.id)
    qtbot.keyClick(w.text_view, Qt.Key.Key_Y)
    assert w.controller.spans[first.id].origin == Origin.MANUAL
    assert project.span(first.id).attrs["provenance"]["source"] == str(info.model_path)

    # delete the model
    qtbot.mouseClick(tw.delete_button, Qt.MouseButton.LeftButton)
    assert tw.models.count() == 0 and store.list_models(project) == []


def test_cancel_training_stores_nothing(qtbot, open_window, project):
    synthetic.build(project, 30, seed=4)
    w = open_window(project, "lead")
    tw = _open(qtbot, w)
    tw.steps.setValue(100000)
    qtbot.mouseClick(tw.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: (d := tw.findChild(QProgressDialog)) is not None and d.isVisible(), timeout=60000)
    dialog = tw.findChild(QProgressDialog)
    qtbot.waitUntil(lambda: "step" in dialog.labelText(), timeout=60000)  # training, not exporting
    assert tw.isEnabled()  # the window never blocks
    qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)  # its Cancel button
    _wait(qtbot, tw)
    assert "Cancelled" in tw.message.text()
    assert store.list_models(project) == [] and not any(store.models_dir(project).iterdir())


def test_likely_mistakes_open_fix_dismiss(qtbot, open_window, project):
    synthetic.build(project, 48, seed=6, annotator="ann")
    ann = project.annotator("ann")
    planted = synthetic.plant_label_swaps(project, ann.id, "ORG", "PERSON", share=0.1, seed=1)
    w = open_window(project, "ann")
    tw = _open(qtbot, w)
    tw.view.setCurrentIndex(tw.view.findData("annotator:ann"))
    tw.folds.setValue(2)
    tw.mistake_steps.setValue(200 if SHOTS else 60)
    qtbot.mouseClick(tw.find_button, Qt.MouseButton.LeftButton)
    _wait(qtbot, tw)
    assert tw.tabs.currentIndex() == 2
    lst = tw.mistake_list
    assert lst.topLevelItemCount() == len(tw.mistakes.flagged()) > 0
    if SHOTS:
        tw.grab().save(os.path.join(SHOTS, "train-mistakes.png"))
    # the first planted swap the list shows
    truth = {(p.document_id, p.start, p.end) for p in planted}
    rows = [lst.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) for i in range(lst.topLevelItemCount())]
    idx = next(i for i, m in enumerate(rows) if (m.document_id, m.start, m.end) in truth)
    m = rows[idx]
    lst.setCurrentItem(lst.topLevelItem(idx))
    lst.setFocus()
    assert "PERSON" in tw.mistake_detail.text() and "ORG" in tw.mistake_detail.text()
    qtbot.keyClick(lst, Qt.Key.Key_Return)  # opens the case in the workspace, the span selected
    assert w.current_document_id == m.document_id
    assert w.text_view.selected_range() == (m.start, m.end)
    n = lst.topLevelItemCount()
    tw.activateWindow()
    lst.setFocus()
    qtbot.keyClick(lst, Qt.Key.Key_F)  # take the model's label: ORG
    span = next(s for s in project.spans(m.document_id, ann.id) if (s.start, s.end) == (m.start, m.end))
    assert project.label(span.label_id).name == "ORG"
    assert lst.topLevelItemCount() == n - 1
    w.undo_stack.undo()  # an ordinary edit: Ctrl+Z takes it back
    assert project.label(project.span(span.id).label_id).name == "PERSON"
    first = lst.topLevelItem(0).data(0, Qt.ItemDataRole.UserRole)
    qtbot.keyClick(lst, Qt.Key.Key_D)  # dismiss
    assert lst.topLevelItemCount() == n - 2
    assert all(lst.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) is not first
               for i in range(lst.topLevelItemCount()))

"""Tools → Agreement dashboard, driven as a lead would: shortcut, clicks, keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from annotator.services import agreement as ag


def _open(qtbot, w):
    qtbot.keyClick(w, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dash = w.feature("agreement").dashboard
    assert dash is not None and dash.isVisible()
    qtbot.waitUntil(lambda: dash.report is not None and dash.task is None, timeout=20000)
    return dash


def _center(rect) -> QPoint:
    return QPoint(int(rect.center().x()), int(rect.center().y()))


def test_dashboard_shows_the_service_figures_and_drills_down(qtbot, open_window, sample_project, tmp_path):
    w = open_window(sample_project, "lead")
    dash = _open(qtbot, w)
    r = dash.report
    expected = ag.compute(sample_project, "entity")
    assert r.layer == "entity" and r.annotators == ["alice", "bo", "chen"]
    assert [f.value for f in r.figures] == [f.value for f in expected.figures]
    assert "Krippendorff's unitizing alpha (αu)" in dash.summary.text()
    assert "rough guide" in dash.summary.text()  # the few-documents warning is shown
    # heatmap: the alice × chen cell shows that pair's αu and its item count
    hm = dash.heatmap
    au = expected.figure(ag.ALPHA_U, pair=("alice", "chen")).value
    assert hm.cells[0][2] == (au.value, f"{au.value:.2f}\nn={au.items:,}")
    assert hm.cells[1][1][0] is None  # diagonal
    # per-document table: worst first, same order as the service
    rows = [dash.doc_model.index(i, 0).data(Qt.ItemDataRole.UserRole) for i in range(dash.doc_model.rowCount())]
    assert rows == [d.document_id for d in expected.document_rows]
    # pictures are charts, not tables
    assert dash.label_chart.chart().series() and dash.progress_chart.chart().series()

    # click the alice × chen cell: their versions of their worst document open side by side
    qtbot.mouseClick(hm, Qt.MouseButton.LeftButton, pos=_center(hm.cell_rect(0, 2)))
    cmp = dash.comparison
    assert cmp is not None and cmp.isVisible()
    worst = expected.pair_documents[("alice", "chen")][0][0]
    c = cmp.comparison
    assert (c.document_id, c.a, c.b) == (worst, "alice", "chen")
    assert cmp.texts[0].toPlainText() == sample_project.document(worst).text
    assert cmp.texts[0].isReadOnly() and cmp.texts[1].isReadOnly()
    marked = cmp.texts[1].extraSelections()
    assert len(marked) == len(c.spans_b)
    ostrava = [i for i, s in enumerate(c.spans_b) if s[2] == "LOC"]
    assert ostrava and c.kind_b[ostrava[0]] == "label"
    assert "label differs" in cmp.lists[1].toPlainText()
    # the confusion matrix follows the pair
    assert dash.conf_pair.currentData() == ("alice", "chen")

    # keyboard: arrows and Enter on the heatmap open bo × chen
    hm.setFocus()
    qtbot.keyClick(hm, Qt.Key.Key_Down)
    qtbot.keyClick(hm, Qt.Key.Key_Return)
    assert (cmp.comparison.a, cmp.comparison.b) == ("bo", "chen")

    # a click on a document row compares that document's worst pair
    first = dash.docs.visualRect(dash.doc_model.index(0, 0))
    qtbot.mouseClick(dash.docs.viewport(), Qt.MouseButton.LeftButton, pos=_center(first))
    row = expected.document_rows[0]
    assert (cmp.comparison.document_id, (cmp.comparison.a, cmp.comparison.b)) == (row.document_id, row.pair)

    shot = tmp_path / "dashboard.png"
    assert dash.grab().save(str(shot)) and shot.stat().st_size > 10_000


def test_stance_layer_and_unfinished(qtbot, open_window, sample_project):
    w = open_window(sample_project, "lead")
    dash = _open(qtbot, w)
    dash.layer.setCurrentText("stance")
    qtbot.waitUntil(lambda: dash.report.layer == "stance" and dash.task is None, timeout=20000)
    assert dash.measure.currentText() == ag.COHEN
    fleiss = dash.report.figure(ag.FLEISS).value
    assert not fleiss.defined
    qtbot.mouseClick(dash.unfinished, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dash.report.include_unfinished and dash.task is None, timeout=20000)
    assert dash.report.figure(ag.FLEISS).value.value == pytest.approx(22 / 40)
    # cancel leaves the dashboard usable either way (the task may already have finished)
    dash.compute()
    qtbot.mouseClick(dash.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dash.task is None, timeout=20000)
    assert not dash.progress.isVisible() and dash.refresh.isEnabled()


def test_annotators_do_not_get_the_lead_dashboard(qtbot, open_window, sample_project):
    w = open_window(sample_project, "alice")
    assert not w.feature("agreement").action.isEnabled()
    assert w.feature("agreement").action in w.menu("&Tools").actions()

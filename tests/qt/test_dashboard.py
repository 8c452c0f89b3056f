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
    from annotator.qt.dashboard import GAMMA_SAMPLES

    expected = ag.compute(sample_project, "entity", gamma_samples=GAMMA_SAMPLES)
    assert r.layer == "entity" and r.annotators == ["alice", "bo", "chen"]
    assert [f.value for f in r.figures] == [f.value for f in expected.figures]
    assert "Krippendorff's unitizing alpha (αu)" in dash.summary.text()
    # γ is in the summary with its value and the number of shuffled corpora behind it
    g = expected.figure(ag.GAMMA).value
    assert f"<b>{ag.GAMMA}</b>: {g.value:.3f}" in dash.summary.text()
    assert f"mean of {expected.gamma['samples']} shuffled corpora" in dash.summary.text()
    assert f"at most {GAMMA_SAMPLES}" in dash.summary.text()
    assert ag.GAMMA in [dash.measure.itemText(i) for i in range(dash.measure.count())]
    assert ag.GAMMA in [row[0] for row in dash.intervals.rows]
    assert "rough guide" in dash.summary.text()  # the few-documents warning is shown
    # heatmap: the alice × chen cell shows that pair's αu and its item count
    hm = dash.heatmap
    au = expected.figure(ag.ALPHA_U, pair=("alice", "chen")).value
    iv = expected.figure(ag.ALPHA_U, pair=("alice", "chen")).interval
    assert hm.cells[0][2] == (au.value, f"{au.value:.2f}" + (f"\n{iv.format(2)}" if iv else "") + f"\nn={au.items:,}")
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

    # a lead in a hurry turns γ off: the report comes back without it
    qtbot.mouseClick(dash.gamma, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dash.task is None and ag.GAMMA not in dash.report.measures, timeout=20000)
    assert ag.GAMMA not in dash.summary.text() and "shuffled corpora" not in dash.summary.text()


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


def _team_project(project, docs: int = 8):
    """``docs`` documents, alice and bo (bo calls every other Paris LOC), a lead who annotates nothing,
    and a gold set on all of them; alice's stance is NONE everywhere, bo's AGAINST on the first."""
    from annotator.core.model import Layer, NewDocument, Role, Status
    from annotator.services.importing import import_documents

    import_documents(project, [NewDocument(f"Report {i}: Anna met Bob in Paris.") for i in range(docs)])
    a, b = project.ensure_annotator("alice"), project.ensure_annotator("bo")
    project.ensure_annotator("lena", Role.LEAD)
    gold = project.gold()
    lab = {n: project.label_by_name(n).id for n in ("PERSON", "GPE", "LOC")}
    none = project.label_by_name("NONE", Layer.DOCUMENT).id
    against = project.label_by_name("AGAINST", Layer.DOCUMENT).id
    for d in range(1, docs + 1):
        off = len(f"Report {d - 1}: ")
        for who in (a, b, gold):
            project.add_span(d, who.id, lab["PERSON"], off, off + 4)
            paris = "LOC" if who is b and d % 2 else "GPE"
            project.add_span(d, who.id, lab[paris], off + 16, off + 21)
            project.set_document_label(d, who.id, "stance", against if (who is b and d == 1) else none)
            project.set_status(d, who.id, Status.DONE)
    return project


def test_intervals_gold_chart_and_confusion_drill_down(qtbot, open_window, project):
    _team_project(project)
    w = open_window(project, "lena")
    dash = _open(qtbot, w)
    r = dash.report
    # the lead annotates nothing: not in the progress chart
    assert list(r.progress) == ["alice", "bo"]
    assert dash.progress_chart.chart().axes(Qt.Orientation.Vertical)[0].categories() == ["bo", "alice"]
    # error bars: the interval plot shows the service's intervals, and the summary names the resamples
    f1 = r.figure(ag.F1_EXACT)
    assert f1.interval is not None and f1.interval.resamples == 1000
    rows = {name: iv for name, _v, iv in dash.intervals.rows}
    assert rows[ag.F1_EXACT] == f1.interval
    assert "1,000 bootstrap resamples" in dash.summary.text() and f1.interval.format(2) in dash.summary.text()
    # against gold over time: alice and bo, bo's F1 is 0.75 (every other Paris is LOC)
    series = {s.name(): s for s in dash.gold_chart.chart().series()}
    assert set(series) == {"alice", "bo"}
    assert [p.y() for p in series["alice"].points()] == [1.0]
    assert dash.gold.score("bo").f1.value == pytest.approx(0.75)
    dash.gold_label.setCurrentText("LOC")
    loc = {s.name(): [p.y() for p in s.points()] for s in dash.gold_chart.chart().series()}
    assert loc == {"alice": [], "bo": [0.0]}  # gold has no LOC: bo's LOC F1 is 0; alice's undefined, no point
    # click the GPE × LOC cell of the confusion matrix: the four cases are listed; a click compares one
    cm = dash.confusion
    cell = cm.cell_rect(cm.rows.index("GPE"), cm.cols.index("LOC"))
    qtbot.mouseClick(cm, Qt.MouseButton.LeftButton, pos=_center(cell))
    assert dash.tabs.currentIndex() == 1 and dash.case_model.rowCount() == 4
    assert "GPE" in dash.case_model.index(0, 2).data() and "LOC" in dash.case_model.index(0, 4).data()
    qtbot.mouseClick(dash.cases.viewport(), Qt.MouseButton.LeftButton,
                     pos=_center(dash.cases.visualRect(dash.case_model.index(0, 0))))
    c = dash.comparison.comparison
    assert (c.document_id, c.a, c.b) == (1, "alice", "bo") and "label" in c.kind_b


def test_claim_and_stance_labels_say_what_they_show(qtbot, open_window, sample_project):
    w = open_window(sample_project, "lead")
    dash = _open(qtbot, w)
    dash.layer.setCurrentText("claim")
    qtbot.waitUntil(lambda: dash.report.layer == "claim" and dash.task is None, timeout=20000)
    series = dash.label_chart.chart().series()[0]
    names = [s.label() for s in series.barSets()]
    assert names == [ag.ALPHA_U, ag.F1_OVERLAP, f"{ag.CLAIM_STANCE}: {ag.ALPHA}"]
    cats = dash.label_chart.chart().axes(Qt.Orientation.Vertical)[0].categories()
    row = [i for i, c in enumerate(cats) if c.startswith(ag.CLAIM_STANCE)][0]
    alpha = dash.report.figure(ag.ALPHA, label=ag.CLAIM_STANCE).value
    sets = series.barSets()
    assert sets[0].at(row) == 0 and sets[1].at(row) == 0  # no αu / span F1 bar for the claims' stance
    assert sets[2].at(row) == pytest.approx(max(alpha.value, 0) if alpha.defined else 0)
    dash.layer.setCurrentText("stance")
    qtbot.waitUntil(lambda: dash.report.layer == "stance" and dash.task is None, timeout=20000)
    first = dash.doc_model.index(0, 3).data()
    assert first == "all annotators"  # the all-annotator value is not shown next to a pair's name
    assert "(all annotators)" in dash.doc_model.index(0, 2).data()

"""The first window: lists the project's documents and shows the selected one's text."""

from PySide6.QtCore import Qt

from annotator.qt.main_window import MainWindow


def test_window_lists_documents_and_shows_text(qtbot, sample_project):
    alice = sample_project.annotator("alice")
    w = MainWindow(sample_project, alice)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    assert w.doc_model.rowCount() == 6
    assert "6 documents" in w.count_label.text()
    assert "alice" in w.windowTitle()
    first = sample_project.document(1)
    assert w.text_view.toPlainText() == first.text
    w.doc_list.setFocus()
    qtbot.keyClick(w.doc_list, Qt.Key.Key_Down)
    assert w.current_document_id == 2
    assert w.text_view.toPlainText() == sample_project.document(2).text
    queries = []
    real = w.doc_model.set_filter
    w.doc_model.set_filter = lambda **kw: (queries.append(kw["search"]), real(**kw))
    qtbot.keyClicks(w.search, "Brezno")
    qtbot.waitUntil(lambda: w.doc_model.rowCount() == 4)
    assert queries == ["Brezno"]  # one query after the typing pause, not one per key
    qtbot.keyClick(w.search, Qt.Key.Key_Backspace)
    qtbot.keyClick(w.search, Qt.Key.Key_Return)  # Enter searches at once
    assert queries[-1] == "Brezn" and w.doc_model.rowCount() == 4


def test_document_list_model(qtmodeltester, sample_project):
    from annotator.qt.models import DocumentListModel

    m = DocumentListModel(sample_project, sample_project.annotator("bo").id)
    qtmodeltester.check(m)


def test_list_fetches_lazily(qtbot, project):
    from annotator.core.model import NewDocument
    from annotator.qt.models import DocumentListModel
    from annotator.services.importing import import_documents

    import_documents(project, [NewDocument(f"article number {i}") for i in range(450)])
    m = DocumentListModel(project)
    # sized by the filter's ids from the start; no row read until one is shown
    assert m.total() == 450 and m.rowCount() == 450 and m.pages_read == 0
    last = m.index(449, 0).data(DocumentListModel.SummaryRole)  # jump to the end: one page read
    assert m.pages_read == 1 and last.id == m.index(449, 0).data(DocumentListModel.DocumentIdRole)
    ids = [m.index(i, 0).data(DocumentListModel.SummaryRole).id for i in range(450)]
    assert ids == sorted(ids) and len(set(ids)) == 450 and m.pages_read == 3  # 450 rows: pages 0, 1, 2


def test_list_shows_title_source_and_date_with_the_whole_title_as_tooltip(qtbot, project):
    from annotator.core.model import NewDocument
    from annotator.qt.doc_list import DocumentListView
    from annotator.qt.models import DocumentListModel
    from annotator.services.importing import import_documents

    title = "Veldoria moves 10,000 troops to the Ostrava border as talks in Brezno stall for a third week"
    import_documents(project, [NewDocument("Troops moved.", title=title, source="Northwire",
                                           published="2026-03-01T08:00:00Z")])
    m = DocumentListModel(project)
    view = DocumentListView(m)
    qtbot.addWidget(view)
    view.resize(260, 200)
    view.show()
    qtbot.waitExposed(view)
    assert [m.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == ["Title", "Source", "Date"]
    assert [m.index(0, c).data() for c in range(3)] == [f"○ {title}", "Northwire", "2026-03-01"]
    tip = m.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert title in tip and "source: Northwire" in tip and "published 2026-03-01T08:00:00Z" in tip
    assert view.textElideMode() == Qt.TextElideMode.ElideMiddle
    # the title column is narrower than the title: Qt elides it in the middle
    assert view.columnWidth(0) < view.fontMetrics().horizontalAdvance(title)


def test_menus_keep_conventional_order(qtbot, sample_project):
    w = MainWindow(sample_project, sample_project.annotator("alice"))
    qtbot.addWidget(w)
    w.menu("&Help")
    w.menu("&Tools")
    w.menu("&Edit")
    titles = [a.text() for a in w.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Annotate", "&Go", "&Project", "&Tools", "&Help"]
    assert w.menu("&Tools") is w.menu("&Tools")


def test_run_task_reports_progress_and_result(qtbot):
    from annotator.qt.workers import run_task

    seen = []

    def work(n, progress, cancelled):
        for i in range(n):
            progress(i + 1, n, "step")
        return n * 2

    results = []
    task = run_task(work, 5, on_done=results.append)
    task.signals.progress.connect(lambda d, t, m: seen.append(d))
    qtbot.waitUntil(lambda: results == [10], timeout=5000)


def test_document_list_rows_are_as_tight_as_a_plain_list(qtbot, sample_project):
    """One row per line of text, as a QListView has them: a screen shows a third more documents
    than at the style's minimum section height (18 px on Fusion)."""
    from PySide6.QtCore import QStringListModel
    from PySide6.QtWidgets import QListView

    w = MainWindow(sample_project, sample_project.annotator("alice"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    plain = QListView()
    qtbot.addWidget(plain)
    plain.setModel(QStringListModel(["x"]))
    assert w.doc_list.rowHeight(0) == plain.sizeHintForRow(0) == w.doc_list.fontMetrics().height()
    assert w.doc_list.rowHeight(0) < w.doc_list.style().pixelMetric(w.doc_list.style().PixelMetric.PM_HeaderDefaultSectionSizeVertical)

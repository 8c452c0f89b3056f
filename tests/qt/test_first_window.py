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
    assert m.total() == 450 and m.rowCount() == DocumentListModel.PAGE
    while m.canFetchMore():
        m.fetchMore()
    assert m.rowCount() == 450


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

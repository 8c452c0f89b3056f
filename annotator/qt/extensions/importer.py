"""File → Import articles… and File → Import articles from folder…

Runs :func:`annotator.services.importing.import_paths` off the GUI thread (``run_task``: a
progress bar and Cancel). Cancel stops between documents and drops the batch being built;
batches committed before it stay, whole, and importing the same files again skips them (the
message says how many). The window only picks files and shows the outcome.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox

from annotator.qt.workers import run_task
from annotator.services.importing import ImportReport, import_paths

if TYPE_CHECKING:
    from annotator.qt.host import Host

FILTER = "Articles (*.txt *.jsonl *.ndjson *.csv);;All files (*)"
TITLE = "Import articles"


class ImportFeature(QObject):
    def __init__(self, window: Host) -> None:
        super().__init__(window)
        self.setObjectName("importFeature")
        self.window = window
        self.dialog: QFileDialog | None = None
        self.message: QMessageBox | None = None
        self.task = None
        self._before = 0
        self.files_action = QAction("Import &articles…", window, objectName="importArticles",
                                    shortcut=QKeySequence("Ctrl+I"))
        self.files_action.setStatusTip("Add .txt, .jsonl or .csv articles to this project")
        self.files_action.triggered.connect(lambda: self.ask(folder=False))
        self.folder_action = QAction("Import articles from &folder…", window, objectName="importArticlesFolder",
                                     shortcut=QKeySequence("Ctrl+Shift+I"))
        self.folder_action.setStatusTip("Add every .txt, .jsonl and .csv file below a folder")
        self.folder_action.triggered.connect(lambda: self.ask(folder=True))
        actions = [self.files_action, self.folder_action]
        menu = window.menu("&File")
        first = next((a for a in menu.actions()), None)
        if first is not None:
            menu.insertActions(first, actions)
            menu.insertSeparator(first)
        else:
            menu.addActions(actions)
        window.addActions(actions)

    def ask(self, *, folder: bool) -> None:
        dlg = QFileDialog(self.window, TITLE, str(self.window.project.path.parent), FILTER)
        dlg.setOption(QFileDialog.Option.DontUseNativeDialog)
        dlg.setObjectName("importFileDialog")
        if folder:
            dlg.setFileMode(QFileDialog.FileMode.Directory)
            dlg.setOption(QFileDialog.Option.ShowDirsOnly)
        else:
            dlg.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dlg.filesSelected.connect(self.import_paths)
        self.dialog = dlg
        dlg.open()

    def import_paths(self, paths: list[str]) -> None:
        if not paths or (self.task is not None and not self.task.done.is_set()):
            return
        self._before = self.window.project.count_documents()
        self.task = run_task(import_paths, self.window.project, list(paths), on_done=self._done,
                             on_error=self._failed, on_cancel=self._cancelled, parent=self.window, title=TITLE)

    # ------------------------------------------------------------------ outcome (GUI thread)
    def _refresh(self) -> None:
        self.window.refresh_documents()
        self.window.projectChanged.emit()

    def _done(self, report: ImportReport) -> None:
        self._refresh()
        details = "\n".join(str(e) for e in report.errors)
        icon = QMessageBox.Icon.Warning if report.errors else QMessageBox.Icon.Information
        self._show(icon, report.summary(), details)

    def _cancelled(self) -> None:
        self._refresh()
        kept = self.window.project.count_documents() - self._before
        text = "Import cancelled."
        if kept:
            text += (f" {kept:,} document{'s' if kept != 1 else ''} imported before you cancelled "
                     "stay in the project, each whole; importing the same files again skips them.")
        else:
            text += " Nothing was added."
        self._show(QMessageBox.Icon.Information, text)

    def _failed(self, message: str, _tb: str) -> None:
        self._refresh()
        self._show(QMessageBox.Icon.Warning, f"Import failed: {message}")

    def _show(self, icon: QMessageBox.Icon, text: str, details: str = "") -> None:
        box = QMessageBox(icon, TITLE, text, QMessageBox.StandardButton.Ok, self.window)
        box.setObjectName("importMessage")
        if details:
            box.setDetailedText(details)
        self.message = box
        box.open()


def install(window: Host) -> None:
    window.register_feature("import", ImportFeature(window))

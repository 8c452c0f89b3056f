"""File → Import articles… and File → Import articles from folder…

Chosen files are first read without storing (``preview_paths``, off the GUI thread) and a
preview shows, per article, the title, outlet, date and byline found and the lines of web page
boilerplate that will be left out; "Keep web page boilerplate" imports every line. Import then
runs :func:`annotator.services.importing.import_paths` off the GUI thread (``run_task``: a
progress bar and Cancel). Cancel stops between documents and drops the batch being built;
batches committed before it stay, whole, and importing the same files again skips them (the
message says how many). The window only picks files and shows the outcome.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
)

from annotator.qt.workers import run_task
from annotator.services.importing import ImportReport, PreviewItem, describe_cuts, import_paths, preview_paths

if TYPE_CHECKING:
    from annotator.qt.host import Host

FILTER = "Articles (*.txt *.html *.htm *.jsonl *.ndjson *.csv *.zip);;All files (*)"
PREVIEW_LIMIT = 200  # articles read for the preview; the import reads them all
TITLE = "Import articles"


class ImportFeature(QObject):
    def __init__(self, window: Host) -> None:
        super().__init__(window)
        self.setObjectName("importFeature")
        self.window = window
        self.dialog: QFileDialog | None = None
        self.message: QMessageBox | None = None
        self.task = None
        self.preview: QDialog | None = None
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
        dlg.filesSelected.connect(self.preview_paths)
        self.dialog = dlg
        dlg.open()

    # ------------------------------------------------------------------ preview
    def preview_paths(self, paths: list[str]) -> None:
        """Read the chosen files (nothing stored) and show what importing them will give."""
        if not paths or (self.task is not None and not self.task.done.is_set()):
            return
        self.task = run_task(preview_paths, list(paths), limit=PREVIEW_LIMIT,
                             on_done=lambda result: self._show_preview(list(paths), *result),
                             on_error=self._failed, parent=self.window, title="Reading articles")

    def _show_preview(self, paths: list[str], items: list[PreviewItem], errors: list) -> None:
        dlg = QDialog(self.window, objectName="importPreview")
        dlg.setWindowTitle(f"{TITLE}: preview")
        lay = QVBoxLayout(dlg)
        cut = sum(len(it.cuts) for it in items)
        more = f" (the first {len(items)})" if len(items) >= PREVIEW_LIMIT else ""
        lay.addWidget(QLabel(f"{len(items):,} article{'s' if len(items) != 1 else ''}{more}; {cut:,} line"
                             f"{'s' if cut != 1 else ''} of web page boilerplate will be left out of the text "
                             "you annotate (each file's text is kept with its document).", wordWrap=True))
        view = QPlainTextEdit(readOnly=True, objectName="importPreviewText")
        view.setPlainText(preview_text(items, errors))
        lay.addWidget(view)
        keep = QCheckBox("&Keep web page boilerplate (import every line)", objectName="keepBoilerplate")
        lay.addWidget(keep)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        go = buttons.addButton("&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        go.setObjectName("importButton")
        go.setDefault(True)
        buttons.accepted.connect(dlg.accept)
        buttons.rejected.connect(dlg.reject)
        lay.addWidget(buttons)
        dlg.accepted.connect(lambda: self.import_paths(paths, keep_boilerplate=keep.isChecked()))
        dlg.resize(720, 520)
        self.preview = dlg
        dlg.open()

    def import_paths(self, paths: list[str], *, keep_boilerplate: bool = False) -> None:
        if not paths or (self.task is not None and not self.task.done.is_set()):
            return
        self._before = self.window.project.count_documents()
        self.task = run_task(import_paths, self.window.project, list(paths), keep_boilerplate=keep_boilerplate,
                             on_done=self._done, on_error=self._failed, on_cancel=self._cancelled,
                             parent=self.window, title=TITLE)

    # ------------------------------------------------------------------ outcome (GUI thread)
    def _refresh(self) -> None:
        self.window.refresh_documents()
        self.window.projectChanged.emit()

    def _done(self, report: ImportReport) -> None:
        self._refresh()
        details = "\n".join([str(e) for e in report.errors]
                            + (["", "Left out of the text (web page boilerplate):"] if report.cuts else [])
                            + describe_cuts(report.cuts))
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


def preview_text(items: list[PreviewItem], errors: list) -> str:
    out = []
    for it in items:
        out.append(it.title or "(untitled)")
        facts = [f"{k}: {v}" for k, v in (("outlet", it.source), ("published", it.published),
                                           ("byline", it.meta.get("byline")), ("dateline", it.meta.get("dateline")))
                 if v]
        out.append("    " + (" · ".join(facts) if facts else "no outlet, date or byline found") + f"  ({it.where})")
        for c in it.cuts:
            shown = c.text.strip()
            out.append(f"    − line {c.line} ({c.reason}): {shown if len(shown) <= 90 else shown[:89] + '…'}")
        out.append("")
    out += [f"error: {e}" for e in errors]
    return "\n".join(out)


def install(window: Host) -> None:
    window.register_feature("import", ImportFeature(window))

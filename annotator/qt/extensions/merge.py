"""File → Import annotator work…, File → Export my work… and (for leads) File → Export review
decisions… (the adjudicated set "gold": gold spans, stance, review records).

All run :mod:`annotator.services.bundles` off the GUI thread (``run_task``: progress and
Cancel). The window only picks files and shows the outcome.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from annotator.core.model import GOLD_ANNOTATOR, Role
from annotator.qt.workers import run_task
from annotator.services.bundles import SUFFIX, MergeReport, export_bundle, merge_bundles

if TYPE_CHECKING:
    from annotator.qt.host import Host

FILTER = f"Annotator bundles (*{SUFFIX});;All files (*)"


class MergeFeature(QObject):
    def __init__(self, window: Host) -> None:
        super().__init__(window)
        self.setObjectName("mergeFeature")
        self.window = window
        self.dialog: QFileDialog | None = None
        self.message: QMessageBox | None = None
        self.task = None
        self.import_action = QAction("&Import annotator work…", window, objectName="importAnnotatorWork")
        self.import_action.setStatusTip("Merge bundles that annotators exported into this project")
        self.import_action.triggered.connect(self.ask_import)
        self.export_action = QAction("&Export my work…", window, objectName="exportMyWork")
        self.export_action.setStatusTip("Write your annotations to one file for the lead to merge")
        self.export_action.triggered.connect(self.ask_export)
        self.export_review_action = QAction("Export &review decisions…", window, objectName="exportReview")
        self.export_review_action.setStatusTip("Write the adjudicated set (gold spans, stance, rejected regions) "
                                               "to one file, to merge into a master project")
        self.export_review_action.triggered.connect(self.ask_export_review)
        actions = [self.import_action, self.export_action, self.export_review_action]
        menu = window.menu("&File")
        before = getattr(window, "switch_action", None) or getattr(window, "quit_action", None)
        if before is not None and before in menu.actions():
            menu.insertActions(before, actions)
            menu.insertSeparator(before)
        else:
            menu.addActions(actions)
        window.addActions(actions)
        window.annotatorChanged.connect(self._update_enabled)
        self._update_enabled()

    def _update_enabled(self) -> None:
        who = self.window.annotator
        self.export_review_action.setEnabled(who is not None and who.role == Role.LEAD)

    # ------------------------------------------------------------------ dialogs
    def _file_dialog(self, title: str, save: bool) -> QFileDialog:
        dlg = QFileDialog(self.window, title, str(self.window.project.path.parent), FILTER)
        dlg.setOption(QFileDialog.Option.DontUseNativeDialog)
        dlg.setObjectName("bundleFileDialog")
        if save:
            dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dlg.setDefaultSuffix(SUFFIX.lstrip("."))
        else:
            dlg.setFileMode(QFileDialog.FileMode.ExistingFiles)
        self.dialog = dlg
        return dlg

    def _show(self, icon: QMessageBox.Icon, title: str, text: str, details: str = "") -> None:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self.window)
        box.setObjectName("mergeMessage")
        if details:
            box.setDetailedText(details)
        self.message = box
        box.open()

    def ask_import(self) -> None:
        dlg = self._file_dialog("Import annotator work", save=False)
        dlg.filesSelected.connect(self.import_files)
        dlg.open()

    def ask_export(self) -> None:
        who = self.window.annotator
        if who is None:
            self._show(QMessageBox.Icon.Information, "Export my work", "Choose who you are first (File → Switch annotator).")
            return
        dlg = self._file_dialog("Export my work", save=True)
        dlg.selectFile(f"{who.name}{SUFFIX}")
        dlg.fileSelected.connect(self.export_to)
        dlg.open()

    def ask_export_review(self) -> None:
        dlg = self._file_dialog("Export review decisions", save=True)
        dlg.selectFile(f"{GOLD_ANNOTATOR}{SUFFIX}")
        dlg.fileSelected.connect(lambda path: self.export_to(path, GOLD_ANNOTATOR))
        dlg.open()

    # ------------------------------------------------------------------ work
    def import_files(self, paths: list[str]) -> None:
        if not paths:
            return
        self.task = run_task(merge_bundles, self.window.project, list(paths), on_done=self._imported,
                             on_error=self._failed, parent=self.window, title="Importing annotator work")

    def export_to(self, path: str, name: str | None = None) -> None:
        name = name or self.window.annotator.name
        # with the texts, so the lead can add documents their project lacks
        self.task = run_task(export_bundle, self.window.project, name, Path(path), with_text=True,
                             on_done=lambda rep: self._show(QMessageBox.Icon.Information, "Export my work",
                                                            rep.summary()),
                             on_error=self._failed, parent=self.window, title="Exporting your work")

    def _imported(self, report: MergeReport) -> None:
        stack = getattr(self.window, "undo_stack", None)
        if stack is not None and any(r.action == "merged" for r in report.results):
            stack.clear()  # merged work replaced rows that undo commands may point at
        self.window.refresh_documents()
        self.window.projectChanged.emit()
        lines = report.summary().splitlines()
        details = "\n".join([f"missing: {title or '(untitled)'} [{h}]" for r in report.results
                             for h, title in r.missing])
        icon = QMessageBox.Icon.Information if report.ok else QMessageBox.Icon.Warning
        self._show(icon, "Import annotator work", "\n".join(lines), details)

    def _failed(self, message: str, _tb: str) -> None:
        self._show(QMessageBox.Icon.Warning, "Annotator work", message)


def install(window: Host) -> None:
    window.register_feature("merge", MergeFeature(window))

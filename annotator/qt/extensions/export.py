"""File → Export… (Ctrl+Shift+E): training data in any export format, with a progress bar.

The dialog only gathers options; ``annotator.services.exporting.export`` does the work, off
the GUI thread through ``run_task``. An existing file is replaced only after the user says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.qt.workers import run_task

from annotator.formats.registry import INTERCHANGE

if TYPE_CHECKING:
    from annotator.services.exporting import ExportOptions
    from annotator.qt.host import Host
    from annotator.storage import Project

FORMATS = [(f.name, f.title, f.default_name) for f in INTERCHANGE]  # the one list (annotator.formats.registry)


class ExportDialog(QDialog):
    exported = Signal(object)  # ExportReport

    def __init__(self, project: Project, parent: QWidget | None = None, annotator: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export annotations")
        self.project = project
        self.task: Any = None
        self.confirm: QMessageBox | None = None
        self.report = None

        self.format = QComboBox(objectName="exportFormat")
        for name, text, _ in FORMATS:
            self.format.addItem(text, name)
        self.format.currentIndexChanged.connect(self._suggest_name)

        self.view_group = QButtonGroup(self)
        self.by_annotator = QRadioButton("&Annotator:", objectName="exportByAnnotator")
        self.annotator = QComboBox(objectName="exportAnnotator")
        for a in project.annotators():
            self.annotator.addItem(a.name)
        if annotator and self.annotator.findText(annotator) >= 0:
            self.annotator.setCurrentText(annotator)
        self.gold = QRadioButton("&Gold set (adjudicated)", objectName="exportGold")
        self.merged = QRadioButton("&Merged: what a majority of annotators agreed on", objectName="exportMerged")
        for i, b in enumerate((self.by_annotator, self.gold, self.merged)):
            self.view_group.addButton(b, i)
        self.by_annotator.setChecked(True)
        self.by_annotator.toggled.connect(self.annotator.setEnabled)
        who = QHBoxLayout()
        who.addWidget(self.by_annotator)
        who.addWidget(self.annotator, 1)
        view_box = QVBoxLayout()
        view_box.addLayout(who)
        view_box.addWidget(self.gold)
        view_box.addWidget(self.merged)

        self.path = QLineEdit(objectName="exportPath")
        self.path.setPlaceholderText("file or folder to write")
        self.path.returnPressed.connect(self.start)  # Enter in the path exports
        browse = QPushButton("&Browse…", objectName="exportBrowse")
        browse.clicked.connect(self._browse)
        out = QHBoxLayout()
        out.addWidget(self.path, 1)
        out.addWidget(browse)

        self.split = QCheckBox("&Split into train / dev / test", objectName="exportSplit")
        self.fractions = QLineEdit("0.8, 0.1, 0.1", objectName="exportFractions")
        self.seed = QSpinBox(objectName="exportSeed")
        self.seed.setRange(0, 2**31 - 1)
        self.stratify = QCheckBox("Keep the stance mix in each &part", objectName="exportStratify")
        for w in (self.fractions, self.seed, self.stratify):
            w.setEnabled(False)
            self.split.toggled.connect(w.setEnabled)
        split_row = QHBoxLayout()
        split_row.addWidget(self.fractions, 1)
        split_row.addWidget(QLabel("seed"))
        split_row.addWidget(self.seed)

        self.align = QComboBox(objectName="exportAlign")
        self.align.addItem("grow to whole tokens (expand)", "expand")
        self.align.addItem("shrink to whole tokens (contract)", "contract")
        self.align.addItem("leave out (skip)", "skip")
        self.align.setToolTip("spaCy, Prodigy and CoNLL need spans on token boundaries; every span "
                              "that is snapped or left out is listed in the report")
        self.all_docs = QCheckBox("Include documents &nobody worked on", objectName="exportAllDocuments")

        form = QFormLayout()
        form.addRow("&Format:", self.format)
        form.addRow("Whose annotations:", view_box)
        out_label = QLabel("&Output:")
        out_label.setBuddy(self.path)
        form.addRow(out_label, out)
        form.addRow("", self.split)
        form.addRow("Fractions:", split_row)
        form.addRow("", self.stratify)
        form.addRow("Spans off &tokens:", self.align)
        form.addRow("", self.all_docs)

        self.result = QLabel(objectName="exportResult")
        self.result.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = self.buttons.addButton("&Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("exportButton")
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.result)
        lay.addWidget(self.buttons)
        if self.annotator.count() == 0:
            self.gold.setChecked(True)
            self.by_annotator.setEnabled(False)
        self._suggest_name()
        self.resize(620, self.sizeHint().height())

    def showEvent(self, e) -> None:  # noqa: N802  (Qt)
        super().showEvent(e)
        self.path.setFocus()

    # ------------------------------------------------------------------ options
    def _suggest_name(self) -> None:
        current = self.path.text().strip()
        names = {f[2] for f in FORMATS}
        if not current or Path(current).name in names:
            where = getattr(self.project, "path", None)
            home = where.parent if isinstance(where, Path) else Path.home()
            base = Path(current).parent if current else home
            self.path.setText(str(base / FORMATS[self.format.currentIndex()][2]))

    def _browse(self) -> None:
        fmt = self.format.currentData()
        dlg = QFileDialog(self, "Export to", self.path.text())
        dlg.setObjectName("exportFileDialog")
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        if fmt == "brat" or self.split.isChecked():
            dlg.setFileMode(QFileDialog.FileMode.Directory)
        dlg.fileSelected.connect(self.path.setText)
        dlg.open()

    def options(self, force: bool = False) -> ExportOptions:
        from annotator.services.exporting import ExportOptions  # the export service: when used, not at start-up

        split = None
        if self.split.isChecked():
            try:
                split = [float(x) for x in self.fractions.text().replace(";", ",").split(",") if x.strip()]
            except ValueError:
                raise ValueError("Fractions are numbers such as 0.8, 0.1, 0.1") from None
        view = self.view_group.checkedId()
        return ExportOptions(self.format.currentData(), Path(self.path.text().strip()).expanduser(),
                             annotator=self.annotator.currentText() if view == 0 else None,
                             gold=view == 1, merged=view == 2, split=split, seed=self.seed.value(),
                             stratify=self.stratify.isChecked() and split is not None,
                             align=self.align.currentData(), force=force,
                             all_documents=self.all_docs.isChecked())

    # ------------------------------------------------------------------ running
    def start(self) -> None:
        if not self.path.text().strip():
            self._say("Choose where to write the export.", error=True)
            return
        out = Path(self.path.text().strip()).expanduser()
        if out.exists():
            self.confirm = QMessageBox(QMessageBox.Icon.Question, "Replace?",
                                       f"{out} exists. Replace it with this export?",
                                       QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
            self.confirm.setObjectName("exportConfirm")
            self.confirm.setDefaultButton(QMessageBox.StandardButton.No)
            self.confirm.finished.connect(
                lambda r: self._run(force=True) if r == QMessageBox.StandardButton.Yes else self._say("Not replaced."))
            self.confirm.open()
            return
        self._run(force=False)

    def _run(self, force: bool) -> None:
        try:
            opts = self.options(force)
        except ValueError as e:
            self._say(str(e), error=True)
            return
        self.export_button.setEnabled(False)
        self._say("Exporting…")
        from annotator.services.exporting import export

        self.task = run_task(export, self.project, opts, parent=self, title="Exporting annotations",
                             on_done=self._done, on_error=self._failed, on_cancel=self._cancelled)

    def _done(self, report: Any) -> None:
        self.task = None
        self.report = report
        self.export_button.setEnabled(True)
        lines = [report.summary()]
        lines += [str(i) for i in report.issues[:8]]
        if len(report.issues) > 8:
            lines.append(f"… and {len(report.issues) - 8} more")
        self._say("\n".join(lines))
        self.exported.emit(report)

    def _failed(self, message: str, _tb: str) -> None:
        self.task = None
        self.export_button.setEnabled(True)
        self._say(f"Export failed: {message}", error=True)

    def _cancelled(self) -> None:
        self.task = None
        self.export_button.setEnabled(True)
        self._say("Cancelled; nothing was written.")

    def _say(self, text: str, error: bool = False) -> None:
        self.result.setStyleSheet("color: #c92a2a;" if error else "")
        self.result.setText(text)


class ExportFeature(QObject):
    def __init__(self, window: Host) -> None:
        super().__init__(window)
        self.setObjectName("exportFeature")
        self.window = window
        self.dialog: ExportDialog | None = None
        self.action = QAction("&Export…", window, objectName="exportAction")
        self.action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.action.setStatusTip("Export annotations as training data (spaCy, Prodigy, doccano, CoNLL, brat, CSV)")
        self.action.triggered.connect(self.open)
        menu = window.menu("&File")
        before = getattr(window, "quit_action", None)
        if before is not None and before in menu.actions():
            menu.insertAction(before, self.action)
            menu.insertSeparator(before)
        else:
            menu.addAction(self.action)
        window.addAction(self.action)

    def open(self) -> ExportDialog:
        if self.dialog is None:
            who = self.window.annotator.name if self.window.annotator else None
            self.dialog = ExportDialog(self.window.project, self.window, who)
            self.dialog.exported.connect(
                lambda r: self.window.show_message(r.summary(), 10000))
        self.dialog.open()
        self.dialog.activateWindow()
        return self.dialog


def install(window: Host) -> None:
    window.register_feature("export", ExportFeature(window))

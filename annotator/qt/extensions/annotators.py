"""Project → Annotators… : who works in the project and who leads it.

The person who opens a project that has no lead yet (its creator) becomes its lead when the
window opens (:func:`annotator.storage.roles.sign_in`). The dialog lists everyone with their
role; a lead changes roles and adds people, everyone else sees the list. Every change goes
through :mod:`annotator.storage.roles` (the same rules as ``annotator annotators``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.model import Role
from annotator.qt.host import PROJECT
from annotator.storage import roles

if TYPE_CHECKING:
    from annotator.qt.host import Host

ROLE_NAMES = {Role.ANNOTATOR: "annotator", Role.LEAD: "lead"}


class AnnotatorsDialog(QDialog):
    """Names and roles. Editable by a lead; ``changed`` work is stored at once."""

    def __init__(self, window: Host, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.window = window
        self.setObjectName("annotatorsDialog")
        self.setWindowTitle("Annotators")
        self.resize(460, 360)
        lay = QVBoxLayout(self)
        self.info = QLabel(wordWrap=True, objectName="annotatorsInfo")
        lay.addWidget(self.info)
        self.table = QTableWidget(0, 2, self, objectName="annotatorsTable")
        self.table.setHorizontalHeaderLabels(["Name", "Role"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        lay.addWidget(self.table)
        row = QHBoxLayout()
        self.new_name = QLineEdit(placeholderText="Name", objectName="newAnnotatorName")
        self.new_role = QComboBox(objectName="newAnnotatorRole")
        for role, text in ROLE_NAMES.items():
            self.new_role.addItem(text, str(role))
        self.add_button = QPushButton("&Add", objectName="addAnnotatorButton")
        self.add_button.clicked.connect(self._add)
        self.new_name.returnPressed.connect(self._add)
        row.addWidget(self.new_name, 1)
        row.addWidget(self.new_role)
        row.addWidget(self.add_button)
        lay.addLayout(row)
        self.error = QLabel(wordWrap=True, objectName="annotatorsError")
        self.error.setStyleSheet("color: #b00020")
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.combos: dict[str, QComboBox] = {}
        self.reload()

    @property
    def editable(self) -> bool:
        return (self.window.annotator is not None and self.window.annotator.role == Role.LEAD
                and not self.window.project.read_only)

    def reload(self) -> None:
        people = self.window.project.annotators()
        if [a.name for a in people] != list(self.combos):  # someone new: rows again
            self.table.setRowCount(len(people))
            self.combos = {}
            for i, a in enumerate(people):
                item = QTableWidgetItem(a.name)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(i, 0, item)
                combo = QComboBox(objectName=f"role:{a.name}")
                for role, text in ROLE_NAMES.items():
                    combo.addItem(text, str(role))
                combo.currentIndexChanged.connect(
                    lambda _i, name=a.name, c=combo: self._set_role(name, c.currentData()))
                self.table.setCellWidget(i, 1, combo)
                self.combos[a.name] = combo
        # the same rows: update them in place (this may run inside a combo's own signal)
        me = self.window.annotator
        for i, a in enumerate(people):
            self.table.item(i, 0).setText(a.name + (" (you)" if me is not None and a.id == me.id else ""))
            combo = self.combos[a.name]
            combo.blockSignals(True)
            combo.setCurrentIndex(combo.findData(str(a.role)))
            combo.blockSignals(False)
            combo.setEnabled(self.editable)
        for w in (self.new_name, self.new_role, self.add_button):
            w.setEnabled(self.editable)
        self.info.setText("Leads see the agreement dashboard and review everyone's work; annotators see only "
                          "their own. A project keeps at least one lead." if self.editable else
                          "Only a lead changes roles. Leads see the agreement dashboard and review; you see "
                          "only your own work.")

    def _set_role(self, name: str, role: str) -> None:
        self.error.clear()
        try:
            _before, after = roles.set_role(self.window.project, name, role)
        except AnnotatorError as e:
            self.error.setText(str(e))
            self.reload()  # the combo goes back to the stored role
            return
        if self.window.annotator is not None and after.id == self.window.annotator.id:
            self.window.annotator_updated(after)
        self.reload()

    def _add(self) -> None:
        self.error.clear()
        try:
            roles.add_annotator(self.window.project, self.new_name.text(), self.new_role.currentData())
        except AnnotatorError as e:
            self.error.setText(str(e))
            return
        self.new_name.clear()
        self.reload()


class AnnotatorsFeature(QObject):
    def __init__(self, window: Host) -> None:
        super().__init__(window)
        self.setObjectName("annotatorsFeature")
        self.window = window
        self.dialog: AnnotatorsDialog | None = None
        self.action = QAction("&Annotators…", window, objectName="annotatorsAction")
        self.action.setStatusTip("Who works in this project, and who leads it")
        self.action.triggered.connect(self.open)
        window.add_action(self.action, PROJECT)
        self.sign_in()
        window.annotatorChanged.connect(self._switched)

    def sign_in(self) -> None:
        """A project without a lead: whoever opens it (its creator) becomes its lead."""
        who = self.window.annotator
        if who is None:
            return
        now = roles.sign_in(self.window.project, who.name)
        if now.role != who.role:
            self.window.annotator_updated(now)
            self.window.show_message(f"{now.name}: you lead this project (Project → Annotators…)", 8000)

    def _switched(self) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.reload()

    def open(self) -> AnnotatorsDialog:
        if self.dialog is None:
            self.dialog = AnnotatorsDialog(self.window)
        self.dialog.reload()
        self.dialog.show()
        self.dialog.activateWindow()
        return self.dialog


def install(window: Host) -> None:
    window.register_feature("annotators", AnnotatorsFeature(window))

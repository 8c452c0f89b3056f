"""The label palette: one button per span label (colour, hotkey, guideline in the tooltip).

Buttons show the main window's label actions, so a click and a hotkey do the same thing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QIcon, QPixmap
from PySide6.QtWidgets import QGridLayout, QSizePolicy, QToolButton, QWidget


def swatch(color: str, size: int = 14) -> QIcon:
    pm = QPixmap(size, size)
    pm.fill(QColor(color))
    return QIcon(pm)


class LabelPalette(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labelPalette")
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(4, 4, 4, 4)
        self._grid.setSpacing(3)
        self.buttons: dict[int, QToolButton] = {}

    def set_actions(self, actions: dict[int, QAction], columns: int = 2) -> None:
        for b in self.buttons.values():
            self._grid.removeWidget(b)
            b.deleteLater()
        self.buttons = {}
        for i, (label_id, action) in enumerate(actions.items()):
            b = QToolButton(self)
            b.setDefaultAction(action)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            b.setObjectName(f"label-{action.data()}")
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            self._grid.addWidget(b, i // columns, i % columns)
            self.buttons[label_id] = b

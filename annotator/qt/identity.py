"""Who is annotating: asked once at first start, remembered per user, switchable.

The name is kept in the user's config folder (``identity.json``). Each annotator sees only
their own annotations while annotating (blind annotation), so agreement stays honest.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from annotator import paths


def _file():
    return paths.config_dir() / "identity.json"


def remembered_name() -> str | None:
    try:
        name = json.loads(_file().read_bytes()).get("name")  # (the standard json: read at every start)
    except (OSError, ValueError, AttributeError):
        return None
    return name.strip() if isinstance(name, str) and name.strip() else None


def remember_name(name: str) -> None:
    f = _file()
    tmp = f.with_suffix(".tmp")
    tmp.write_bytes(json.dumps({"name": name.strip()}, ensure_ascii=False, separators=(",", ":")).encode())
    tmp.replace(f)


class IdentityDialog(QDialog):
    """Ask for the annotator's name. Open with ``open()``; ``nameChosen`` fires on OK."""

    nameChosen = Signal(str)

    def __init__(self, known: list[str], current: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("identityDialog")
        self.setWindowTitle("Who is annotating?")
        lay = QVBoxLayout(self)
        info = QLabel("Your name labels your annotations. While you annotate you see only your own "
                      "work (blind annotation), so agreement between annotators stays honest.")
        info.setWordWrap(True)
        lay.addWidget(info)
        self.name = QComboBox(objectName="annotatorName")
        self.name.setEditable(True)
        self.name.addItems(known)
        self.name.setCurrentText(current or "")
        lay.addWidget(self.name)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.name.editTextChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.name.currentText().strip()))

    def accept(self) -> None:
        name = self.name.currentText().strip()
        if not name:
            return
        super().accept()
        self.nameChosen.emit(name)

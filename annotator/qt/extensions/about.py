"""Help → About: the version of annotator and of what it runs on, and the open project's path.

The same facts are a plain-text block the user can copy into a bug report.
"""

from __future__ import annotations

import platform
import sys
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QAction, QGuiApplication, QIcon
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

import annotator
from annotator.resources import resource

if TYPE_CHECKING:
    from annotator.qt.host import Host

APP_NAME = "Annotator"


def _dist_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def version_info(project_path: str | None = None) -> dict[str, str]:
    """What a bug report needs, in display order. Does not import spaCy (it is slow to import)."""
    info = {
        "annotator": annotator.__version__,
        "Qt": qVersion(),
        "PySide6": PySide6.__version__,
        "Python": f"{platform.python_version()} ({platform.python_implementation()})",
        "spaCy": _dist_version("spacy"),
        "SQLite": __import__("sqlite3").sqlite_version,
        "Platform": f"{platform.system()} {platform.release()} {platform.machine()}",
        "Qt platform": QGuiApplication.platformName(),
        "Bundled": "yes (PyInstaller)" if getattr(sys, "frozen", False) else "no",
    }
    if project_path:
        info["Project"] = project_path
    return info


def app_icon() -> QIcon:
    path = resource("icons", "annotator.svg")
    return QIcon(str(path)) if path.exists() else QIcon()


class AboutDialog(QDialog):
    def __init__(self, project_path: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(f"About {APP_NAME}")
        self.info = version_info(project_path)
        icon = QLabel(objectName="aboutIcon")
        pix = app_icon().pixmap(64, 64)
        if not pix.isNull():
            icon.setPixmap(pix)
        title = QLabel(f"<h2>{APP_NAME} {annotator.__version__}</h2>"
                       "<p>Label news text: entities, claims and stance.<br>"
                       "Offline; every edit is saved as you make it.</p>", objectName="aboutTitle")
        title.setTextFormat(Qt.TextFormat.RichText)
        rows = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{_escape(v)}</td></tr>"
                       for k, v in self.info.items())
        details = QLabel(f"<table>{rows}</table>", objectName="aboutDetails")
        details.setTextFormat(Qt.TextFormat.RichText)
        details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                        | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, objectName="aboutButtons")
        copy = buttons.addButton("&Copy details", QDialogButtonBox.ButtonRole.ActionRole)
        copy.setObjectName("aboutCopy")
        copy.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(icon)
        lay.addWidget(title)
        lay.addWidget(details)
        lay.addWidget(buttons)

    def details_text(self) -> str:
        return "\n".join(f"{k}: {v}" for k, v in self.info.items())

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text())


def _escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def install(window: Host) -> None:
    icon = app_icon()
    if not icon.isNull():
        window.setWindowIcon(icon)
    action = QAction(f"&About {APP_NAME}", window, objectName="actionAbout")
    action.setMenuRole(QAction.MenuRole.AboutRole)  # macOS puts it in the application menu

    def show_about() -> None:
        dialog = AboutDialog(str(window.project.path), window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.register_feature("about_dialog", dialog)  # for tests and the self-test
        dialog.open()

    action.triggered.connect(show_about)
    window.menu("&Help").addAction(action)

"""Start the window: ``annotator`` (or ``python -m annotator``) with no command."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.core.errors import AnnotatorError
from annotator.paths import default_project_path
from annotator.services.sample import open_or_create_default
from annotator.storage import Project


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("annotator")
    app.setOrganizationName("annotator")
    app.setApplicationDisplayName("annotator")
    return app  # type: ignore[return-value]


def open_project(path: str | None) -> Project:
    if path is None:
        return open_or_create_default(default_project_path())
    return Project.open(Path(path))


def default_annotator_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001  (no user name in some containers)
        return "annotator"


def run(args: argparse.Namespace) -> int:
    app = make_app()
    from annotator.qt.main_window import MainWindow

    try:
        project = open_project(args.project)
    except AnnotatorError as e:
        QMessageBox.critical(None, "annotator", str(e))
        print(f"annotator: {e}", file=sys.stderr)
        return 3
    who = project.ensure_annotator(args.annotator or default_annotator_name())
    window = MainWindow(project, who)
    window.show()
    code = app.exec()
    project.close()
    return code


"""Start the window: ``annotator`` (or ``python -m annotator``) with no command."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.core.errors import AnnotatorError
from annotator.paths import default_project_path
from annotator.storage import Project, postgres


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("annotator")
    app.setOrganizationName("annotator")
    app.setApplicationDisplayName("annotator")
    from annotator.qt import theme

    theme.apply(app)  # light or dark, as the desktop is
    return app  # type: ignore[return-value]


def open_project(path: str | None) -> Project:
    if path is None:
        from annotator.services.sample import open_or_create_default  # (the importer: only for a first start)

        return open_or_create_default(default_project_path())
    if postgres.is_url(path):
        return Project.open(path)  # a shared project on a PostgreSQL server
    return Project.open(Path(path))


def default_annotator_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001  (no user name in some containers)
        return "annotator"


def start_workspace(project: Project, name: str | None = None) -> dict:
    """Show the main window for ``name``, or for the remembered annotator; on a first start ask
    for the name first (the dialog is opened with ``open()``). Returns a dict that will hold
    ``"window"`` (and ``"dialog"`` while asking)."""
    from annotator.qt.identity import IdentityDialog, remember_name, remembered_name
    from annotator.qt.main_window import MainWindow

    holder: dict = {}

    def show(chosen: str) -> None:
        remember_name(chosen)
        # the window first, the remembered document a moment later (after the first paint)
        holder["window"] = w = MainWindow(project, project.ensure_annotator(chosen), open_initial=False)
        w.show()
        QTimer.singleShot(0, w.open_initial)

    name = name or remembered_name()
    if name:
        show(name)
    else:
        dlg = IdentityDialog([a.name for a in project.annotators()], default_annotator_name())
        dlg.nameChosen.connect(show)
        dlg.rejected.connect(lambda: QApplication.instance().quit())
        holder["dialog"] = dlg
        dlg.open()
    return holder


def _daily_backup(path: Path) -> None:
    from annotator.qt.workers import run_task
    from annotator.services.recovery import auto_backup_safely

    def work(progress, cancelled):  # noqa: ANN001
        auto_backup_safely(path, on_error=lambda msg: print(f"annotator: {msg}", file=sys.stderr))

    run_task(work)


def run(args: argparse.Namespace) -> int:
    from annotator.display import check

    problem = check()  # before Qt loads its X11 plugin and aborts on the first missing library
    if problem is not None:
        print(problem, file=sys.stderr)
        return 3
    app = make_app()
    try:
        project = open_project(args.project)
    except AnnotatorError as e:
        QMessageBox.critical(None, "annotator", str(e))
        print(f"annotator: {e}", file=sys.stderr)
        return 3
    name = args.annotator
    if project.url is not None and name is None:
        name = postgres.login_name(project.url)  # on a server, you annotate as the role you log in as
    holder = start_workspace(project, name)  # noqa: F841  (keeps the window alive)
    if project.url is None and not project.read_only:
        # one backup a day (docs/reliability.md): a copy of the whole file, so off the GUI thread and
        # after the window is up (SQLite's online backup is consistent while the project is in use)
        QTimer.singleShot(0, lambda: _daily_backup(project.path))
    code = app.exec()
    project.close()
    return code


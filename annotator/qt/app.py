"""Start the window: ``annotator`` (or ``python -m annotator``) with no command.

In two phases when it can (:func:`run`): the window is first shown from a glance at the project
(``annotator.storage.glance``: the standard library's sqlite3, the document list's first page),
and the project is opened the full way (SQLAlchemy, SQLModel) on a thread right after the first
paint (:class:`ProjectLoader`); the window then gets its actions, menus and features
(``MainWindow.attach``). A project the glance does not serve (a server, read-only, to be
migrated, damaged, an annotator not yet in it, no remembered name) is opened first, as before.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.core.errors import AnnotatorError
from annotator.paths import default_project_path

if TYPE_CHECKING:
    from annotator.qt.main_window import MainWindow
    from annotator.storage import Project
    from annotator.storage.glance import Glance

# a window that is not painted (started minimised) still gets its project after this long
LOAD_ANYWAY_MS = 500


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("annotator")
    app.setOrganizationName("annotator")
    app.setApplicationDisplayName("annotator")
    from annotator.qt import theme

    theme.apply(app)  # light or dark, as the desktop is
    return app  # type: ignore[return-value]


def open_project(path: str | None) -> Project:
    from annotator.storage import Project, postgres

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


class ProjectLoader(QObject):
    """Phase two of the start: once the window's document list has painted, open the project
    the full way on a thread (importing SQLAlchemy and SQLModel there: the window stays live),
    then, on the GUI thread, give it to the window (``MainWindow.attach``).

    An error opening it is reported as without the glance: a project error in a message box
    and on stderr, exit code 3 (:attr:`exit_code`); anything else is raised again by
    :meth:`finish` after the event loop."""

    opened = Signal()  # from the thread: the project is open (or failed)

    def __init__(self, window: MainWindow, path: Path) -> None:
        super().__init__(window)
        self.window, self.path = window, path
        self.project: Project | None = None
        self.error: BaseException | None = None
        self.exit_code: int | None = None
        self._thread: threading.Thread | None = None
        self.opened.connect(self._attach)
        window.doc_list.viewport().installEventFilter(self)
        QTimer.singleShot(LOAD_ANYWAY_MS, self.start)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self.start)  # after this paint
        return False

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._open, name="open-project")
            self._thread.start()

    def _open(self) -> None:  # the thread
        try:
            from annotator.storage import Project

            self.project = Project.open(self.path)
            # what the window's attach and the list's first filter import next, while the window is live
            import numpy  # noqa: F401  (the ids of a filtered list: annotator.storage.doclist)

            import annotator.qt.extensions  # noqa: F401
            import annotator.storage.consistency  # noqa: F401
            import annotator.storage.doclist  # noqa: F401
            import annotator.storage.spanread  # noqa: F401
        except BaseException as e:  # noqa: BLE001  (handed to the GUI thread)
            self.error = e
        self.opened.emit()

    def _attach(self) -> None:  # the GUI thread
        try:
            if self.error is not None:
                raise self.error
            project = self.project
            self.window.attach(project, project.ensure_annotator(self.window.annotator.name))
        except AnnotatorError as e:
            self.error = None
            self.exit_code = 3
            QMessageBox.critical(None, "annotator", str(e))
            print(f"annotator: {e}", file=sys.stderr)
            QApplication.instance().exit(3)
            return
        except BaseException as e:  # noqa: BLE001  (raised again by finish(), as a start without the glance would)
            self.error = e
            QApplication.instance().exit(1)
            return
        if project.url is None and not project.read_only:
            QTimer.singleShot(0, lambda: _daily_backup(project.path))  # as in run()

    def finish(self) -> None:
        """After the event loop: wait for the thread, close the project, raise what went wrong."""
        if self._thread is not None:
            self._thread.join()
        if self.project is not None:
            self.project.close()
        if self.error is not None:
            raise self.error


def glance_for(args: argparse.Namespace) -> Glance | None:
    """A glance at the project the window will open, if it can serve the first paint."""
    if args.project is not None and "://" in args.project:
        return None  # a server: opened first, as before
    path = Path(args.project) if args.project is not None else default_project_path()
    if args.project is None and not (path.exists() and path.stat().st_size > 0):
        return None  # the first start: the sample project is made first
    from annotator.qt.identity import remembered_name

    name = args.annotator or remembered_name()
    if not name:
        return None  # asked first (the identity dialog)
    from annotator.storage.glance import glance

    return glance(path, name)


def run_two_phase(app: QApplication, g: Glance, name: str) -> int:
    """The window from the glance now, the project right after its first paint."""
    from annotator.qt.identity import remember_name
    from annotator.qt.main_window import MainWindow

    remember_name(name)
    window = MainWindow(glance=g)
    loader = ProjectLoader(window, g.path)
    window.show()
    code = app.exec()
    loader.finish()
    return loader.exit_code if loader.exit_code is not None else code


def run(args: argparse.Namespace) -> int:
    from annotator.display import check

    problem = check()  # before Qt loads its X11 plugin and aborts on the first missing library
    if problem is not None:
        print(problem, file=sys.stderr)
        return 3
    g = glance_for(args)  # first: its reads (on a thread) overlap with Qt's start
    app = make_app()
    if g is not None:
        from annotator.qt.identity import remembered_name
        from annotator.qt.main_window import MainWindow  # noqa: F401  (still while the glance reads)

        if g.ready():
            return run_two_phase(app, g, args.annotator or remembered_name())
        g.close()
    from annotator.storage import postgres

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


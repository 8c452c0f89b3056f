"""File → New project…, Open project…, Open server project…

Each project opens in its own window (as documents do in most desktop apps), as the same
annotator. Opening runs off the GUI thread: an old project is backed up and migrated first,
which can take a while on a big file. Errors (not a project, written by a newer version,
server refused) are shown as the sentence the storage layer gives.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox

from annotator.paths import PROJECT_SUFFIX
from annotator.qt.workers import run_task
from annotator.services.sample import new_project_schema
from annotator.storage import Project, postgres

if TYPE_CHECKING:
    from annotator.qt.host import Host

FILTER = f"annotator projects (*{PROJECT_SUFFIX});;All files (*)"
_windows: list[Host] = []  # windows opened from here stay alive until closed


def _open(target: str | Path, *, create: bool, stance_target: str = "", progress=None, cancelled=None) -> Project:
    if isinstance(target, str) and postgres.is_url(target):
        return Project.open(target)
    path = Path(target)
    if create:
        if path.suffix != PROJECT_SUFFIX:
            path = path.with_name(path.name + PROJECT_SUFFIX)
        if path.exists():
            raise FileExistsError(f"{path} exists already; open it instead")
        # the news labels with the user's own stance target (the sample's never leaks in)
        return Project.create(path, new_project_schema(stance_target))
    return Project.open(path)


class ProjectsFeature:
    def __init__(self, window: Host) -> None:
        self.window = window
        self.dialog: QFileDialog | None = None
        self.url_dialog: QInputDialog | None = None
        self.stance_dialog: QInputDialog | None = None
        self.task = None
        self.opened: Host | None = None
        self.error: str | None = None
        menu = window.menu("&File")
        first = menu.actions()[0] if menu.actions() else None
        self.new_action = QAction("&New project…", window, shortcut=QKeySequence.StandardKey.New,
                                  statusTip="Create an empty project with the news label schema")
        self.open_action = QAction("&Open project…", window, shortcut=QKeySequence.StandardKey.Open,
                                   statusTip="Open a project file in a new window")
        self.server_action = QAction("Open &server project…", window,
                                     statusTip="Open a shared project on a PostgreSQL server (docs/teams.md)")
        self.new_action.triggered.connect(lambda: self.ask_path(create=True))
        self.open_action.triggered.connect(lambda: self.ask_path(create=False))
        self.server_action.triggered.connect(self.ask_url)
        for action in (self.new_action, self.open_action, self.server_action):
            menu.insertAction(first, action)
            window.addAction(action)
        if first is not None:
            menu.insertSeparator(first)

    # ------------------------------------------------------------------ asking
    def _start_dir(self) -> str:
        path = getattr(self.window.project, "path", None)
        return str(path.parent) if path is not None and self.window.project.url is None else str(Path.home())

    def ask_path(self, *, create: bool) -> None:
        dlg = QFileDialog(self.window, "New project" if create else "Open project", self._start_dir(), FILTER)
        dlg.setOption(QFileDialog.Option.DontUseNativeDialog)
        if create:
            dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dlg.setDefaultSuffix(PROJECT_SUFFIX.lstrip("."))
        else:
            dlg.setFileMode(QFileDialog.FileMode.ExistingFile)
        dlg.fileSelected.connect(lambda p: self.ask_stance(p) if create else self.open(p, create=False))
        self.dialog = dlg
        dlg.open()

    def ask_stance(self, path: str | Path) -> None:
        """A new project's stance target: what its articles are FAVOR or AGAINST."""
        dlg = QInputDialog(self.window)
        dlg.setObjectName("stanceTargetDialog")
        dlg.setWindowTitle("New project")
        dlg.setLabelText("Stance target: what do annotators judge the articles to be for or against?\n"
                         "(e.g. \"the harbour workers' strike\"; leave empty if you do not label stance)")
        dlg.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dlg.setTextValue("")
        dlg.textValueSelected.connect(lambda text: self.open(path, create=True, stance_target=text))
        self.stance_dialog = dlg
        dlg.open()

    def ask_url(self) -> None:
        dlg = QInputDialog(self.window)
        dlg.setWindowTitle("Open server project")
        dlg.setLabelText("PostgreSQL URL (postgresql://user@host/database):")
        dlg.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dlg.textValueSelected.connect(self._url_chosen)
        self.url_dialog = dlg
        dlg.open()

    def _url_chosen(self, url: str) -> None:
        url = url.strip()
        if not postgres.is_url(url):
            self._failed("Not a PostgreSQL URL: it starts with postgresql://", "")
            return
        self.open(url, create=False)

    # ------------------------------------------------------------------ opening
    def open(self, target: str | Path, *, create: bool = False, stance_target: str = "") -> None:
        self.error = None
        self.task = run_task(_open, target, create=create, stance_target=stance_target.strip(),
                             on_done=self._opened, on_error=self._failed, parent=self.window, title="Opening project")

    def _opened(self, project: Project) -> None:
        name = self.window.annotator.name
        if project.url is not None and postgres.login_name(project.url):
            name = postgres.login_name(project.url)
        w = self.window.new_window(project, project.ensure_annotator(name))
        _windows.append(w)
        w.destroyed.connect(lambda *_: _windows.remove(w) if w in _windows else None)
        self.opened = w
        w.show()
        w.activateWindow()

    def _failed(self, message: str, _traceback: str) -> None:
        self.error = message
        box = QMessageBox(QMessageBox.Icon.Warning, "annotator", message, parent=self.window)
        box.open()


def install(window: Host) -> None:
    window.register_feature("projects", ProjectsFeature(window))

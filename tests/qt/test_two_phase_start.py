"""The window's two-phase start (docs/performance.md, Start-up): shown from a glance at the
project (standard library sqlite3, no SQLModel), then given the project right after its first
paint. What a user does meanwhile is kept; what the glance cannot serve starts the usual way."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.qt.main_window import MainWindow
from annotator.qt.models import DocumentListModel
from annotator.storage import Project
from annotator.storage.files import head_revision
from annotator.storage.glance import glance


def _shown_from_glance(qtbot, path: Path, name: str = "alice") -> MainWindow:
    g = glance(path, name)
    assert g is not None and g.ready()
    w = MainWindow(glance=g)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _titles(model: DocumentListModel) -> list[str]:
    return [model.index(i, 0).data() for i in range(model.rowCount())]


def test_rows_before_the_project_then_a_working_window(qtbot, sample_project):
    alice = sample_project.annotator("alice")
    w = _shown_from_glance(qtbot, sample_project.path)
    # phase one: the real list, with the rows the loaded window shows, and nothing that needs the project
    assert w.loading() and w.project is None
    assert w.doc_list.objectName() == "documentList" and w.doc_model.rowCount() == 6
    assert not w.menuBar().isEnabled() and w.statusBar().currentMessage() == "Loading…"
    assert "alice" in w.windowTitle() and "6 documents" in w.count_label.text()
    reference = MainWindow(sample_project, alice)  # the usual start, for comparison
    qtbot.addWidget(reference)
    assert _titles(w.doc_model) == _titles(reference.doc_model)
    tips = [w.doc_model.index(i, 1).data(Qt.ItemDataRole.ToolTipRole) for i in range(6)]
    assert tips == [reference.doc_model.index(i, 1).data(Qt.ItemDataRole.ToolTipRole) for i in range(6)]

    w.attach(sample_project, alice)
    assert not w.loading() and w.project is sample_project and w.menuBar().isEnabled()
    assert w.current_document_id == 1 and w.text_view.toPlainText() == sample_project.document(1).text
    assert w.count_label.text() == reference.count_label.text()
    assert [a.text() for a in w.menuBar().actions()] == [a.text() for a in reference.menuBar().actions()]
    assert w.extensions == reference.extensions and w.feature("about_dialog") is None
    # it works: keys move through the list, an edit is stored and undone
    w.doc_list.setFocus()
    qtbot.keyClick(w.doc_list, Qt.Key.Key_Down)
    assert w.current_document_id == 2
    def status() -> str | None:
        st = sample_project.statuses(alice.id).get((2, alice.id))
        return None if st is None else st.value

    before = status()
    w.toggle_done()  # Mark done (or back to in progress)
    assert status() != before and status() in ("done", "in_progress")
    w.undo_action.trigger()
    assert status() == before


def test_a_document_clicked_while_loading_opens_once_the_project_is_open(qtbot, sample_project):
    w = _shown_from_glance(qtbot, sample_project.path)
    rect = w.doc_list.visualRect(w.doc_model.index(3, 0))
    qtbot.mouseClick(w.doc_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert w.doc_list.currentIndex().row() == 3
    assert w.current_document_id is None and "opens when the project is ready" in w.statusBar().currentMessage()
    w.attach(sample_project, sample_project.annotator("alice"))
    assert w.current_document_id == 4  # the click, not the remembered (first) document
    assert w.doc_list.currentIndex().row() == 3
    assert w.text_view.toPlainText() == sample_project.document(4).text


def test_a_search_typed_while_loading_applies_once_the_project_is_open(qtbot, sample_project):
    w = _shown_from_glance(qtbot, sample_project.path)
    qtbot.keyClicks(w.search, "Brezno")
    qtbot.keyClick(w.search, Qt.Key.Key_Return)
    assert w.doc_model.waiting() and w.doc_model.rowCount() == 6  # the glance cannot search: it waits
    w.attach(sample_project, sample_project.annotator("alice"))
    assert not w.doc_model.waiting() and w.doc_model.rowCount() == 4
    assert all("Brezno" in sample_project.document(w.doc_model.document_id(i)).text or
               "Brezno" in (w.doc_model.summary(i).title or "") for i in range(4))


def test_closing_while_loading_keeps_nothing_half_done(qtbot, sample_project):
    w = _shown_from_glance(qtbot, sample_project.path)
    before = sample_project.get_setting("ui.place.alice")
    w.close()  # no project yet: nothing to save but the window's geometry
    assert sample_project.get_setting("ui.place.alice") == before


def test_a_project_that_cannot_be_opened_after_the_glance_is_reported_as_before(qtbot, sample_project, tmp_path,
                                                                              monkeypatch, capsys):
    from PySide6.QtWidgets import QApplication, QMessageBox

    from annotator.core.errors import ProjectError
    from annotator.qt.app import ProjectLoader

    path = _copy(sample_project, tmp_path)
    w = _shown_from_glance(qtbot, path)
    w._glance.close()
    path.write_text("replaced meanwhile\n")
    with pytest.raises(ProjectError) as usual:
        Project.open(path)
    shown, exits = [], []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, title, text: shown.append((title, text)))
    monkeypatch.setattr(QApplication, "exit", lambda *a: exits.append(a[-1]))  # (the test's application stays)
    loader = ProjectLoader(w, path)
    loader.start()
    qtbot.waitUntil(lambda: loader.exit_code is not None)
    loader.finish()
    assert loader.exit_code == 3 and exits == [3] and shown == [("annotator", str(usual.value))]
    assert capsys.readouterr().err == f"annotator: {usual.value}\n"
    assert w.loading()


# ---------------------------------------------------------------- what the glance does not serve
def _copy(sample_project, tmp_path: Path, name: str = "copy.annotator") -> Path:
    from annotator.storage.db import copy_to

    dest = tmp_path / name
    copy_to(sample_project.engine, dest)
    return dest


def test_glance_serves_a_project_at_the_head_revision_for_a_known_annotator(sample_project, tmp_path):
    path = _copy(sample_project, tmp_path)
    g = glance(path, "  alice ")
    assert g is not None and g.ready() and g.annotator == sample_project.annotator("alice")
    assert g.document_ids() == range(1, 7)
    assert g.summaries([1, 2, 3], g.annotator.id) == sample_project.summaries([1, 2, 3], g.annotator.id)
    assert g.document_ids(search="Brezno") is None and g.document_ids(status="done") is None  # filters wait
    g.close()


@pytest.mark.parametrize("case", ["no such file", "empty file", "not sqlite", "damaged", "no project tables",
                                  "older schema", "newer schema", "unknown annotator", "server"])
def test_glance_leaves_the_unusual_to_the_usual_start(case, sample_project, tmp_path):
    path = _copy(sample_project, tmp_path)
    name = "alice"
    if case == "no such file":
        path = tmp_path / "nope.annotator"
    elif case == "empty file":
        path.write_bytes(b"")
    elif case == "not sqlite":
        path.write_text("title,text\nA,B\n")
    elif case == "damaged":
        data = bytearray(path.read_bytes())
        data[100:4096] = b"\xff" * (4096 - 100)  # the header stays: SQLite finds the damage
        path.write_bytes(bytes(data))
    elif case == "no project tables":
        path.unlink()
        sqlite3.connect(path).execute("CREATE TABLE t(x)").connection.commit()
    elif case in ("older schema", "newer schema"):
        con = sqlite3.connect(path)
        con.execute("UPDATE alembic_version SET version_num = ?", ("0005" if case == "older schema" else "9999",))
        con.commit()
        con.close()
    elif case == "unknown annotator":
        name = "zoe"  # adding her writes: the usual start does it
    elif case == "server":
        path = "postgresql://localhost/news"
    assert glance(path, name) is None


def test_glance_never_writes(sample_project, tmp_path):
    path = _copy(sample_project, tmp_path)
    before = path.read_bytes()
    g = glance(path, "alice")
    assert g.ready()
    g.summaries(list(range(1, 7)), g.annotator.id)
    g.close()
    assert path.read_bytes() == before and head_revision()


# ---------------------------------------------------------------- the real entry point, in a new process
CHILD = r"""
import json, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
from annotator.qt.app import make_app

app = make_app()
seen = {}

def after(win):
    if win.loading():
        QTimer.singleShot(10, lambda: after(win))
        return
    from PySide6.QtGui import QAction
    seen["loaded"] = {"document": win.current_document_id, "menus": [a.text() for a in win.menuBar().actions()],
                      "about": win.findChild(QAction, "actionAbout") is not None,
                      "modules": "sqlmodel" in sys.modules, "count": win.count_label.text()}
    print("SEEN " + json.dumps(seen), flush=True)
    win.close()

class Watch(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint and "first" not in seen:
            lst = obj.parent()
            if lst is not None and lst.objectName() == "documentList" and lst.model().rowCount() > 0:
                win = lst.window()
                seen["first"] = {"loading": win.loading(), "rows": lst.model().rowCount(),
                                 "sqlmodel": "sqlmodel" in sys.modules, "sqlalchemy": "sqlalchemy" in sys.modules}
                QTimer.singleShot(0, lambda: after(win))
        return False

watch = Watch()
app.installEventFilter(watch)
from annotator.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _run_window(tmp_path: Path, *args: str) -> tuple[int, dict, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ANNOTATOR_DATA_DIR=str(tmp_path / "data"))
    r = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True, env=env, timeout=120)
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("SEEN ")]
    return r.returncode, (json.loads(lines[-1][5:]) if lines else {}), r.stderr


def test_the_entry_point_paints_rows_before_sqlmodel_is_imported(sample_project, tmp_path):
    path = _copy(sample_project, tmp_path)
    code, seen, err = _run_window(tmp_path, "--project", str(path), "--annotator", "alice")
    assert code == 0, err
    assert seen["first"] == {"loading": True, "rows": 6, "sqlmodel": False, "sqlalchemy": False}
    loaded = seen["loaded"]
    assert loaded["document"] == 1 and loaded["about"] and loaded["modules"]
    assert loaded["menus"] == ["&File", "&Edit", "&View", "&Annotate", "&Go", "&Project", "&Tools", "&Help"]
    assert "to do" in loaded["count"]


def test_the_entry_point_upgrades_an_older_project_as_before(tmp_path):
    """A project that needs a migration is backed up and upgraded before the window, as before."""
    dumps = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "projects").glob("schema-*.sql"))
    dump = dumps[-1]  # the newest frozen schema before the head
    assert dump.stem != f"schema-{head_revision()}"
    path = tmp_path / "old.annotator"
    con = sqlite3.connect(path)
    con.executescript(dump.read_text())
    name = con.execute("SELECT name FROM annotator WHERE role != 'gold' ORDER BY id").fetchone()[0]
    con.close()
    assert glance(path, name) is None
    code, seen, err = _run_window(tmp_path, "--project", str(path), "--annotator", name)
    assert code == 0, err
    assert seen["first"]["loading"] is False and seen["first"]["sqlmodel"] is True  # the usual start
    assert seen["loaded"]["about"]
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
    con.close()
    assert list(tmp_path.glob(f"old.annotator.pre-{head_revision()}-*.bak"))


def test_the_version_constant_is_the_installed_version():
    """``annotator.__version__`` is a constant (no importlib.metadata on the way to the window):
    it must say what pyproject.toml and the installed metadata say."""
    import importlib.metadata
    import tomllib

    import annotator

    pyproject = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    assert annotator.__version__ == pyproject["project"]["version"] == importlib.metadata.version("annotator")

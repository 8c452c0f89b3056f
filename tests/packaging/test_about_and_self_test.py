"""Help → About, and ``annotator --self-test`` run as a user (or CI, on the bundle) runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version

import pytest
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPushButton

import annotator
from annotator.qt.main_window import MainWindow


def open_about(qtbot, project):
    w = MainWindow(project, project.annotator("alice"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    help_menu = w.menu("&Help")
    (action,) = [a for a in help_menu.actions() if a.objectName() == "actionAbout"]
    assert action.text() == "&About Annotator"
    action.trigger()
    qtbot.waitUntil(lambda: w.feature("about_dialog") is not None and w.feature("about_dialog").isVisible())
    return w, w.feature("about_dialog")


def test_about_shows_versions_and_project_path(qtbot, sample_project):
    w, dialog = open_about(qtbot, sample_project)
    text = dialog.findChild(QLabel, "aboutDetails").text()
    for value in (annotator.__version__, qVersion(), version("PySide6"), version("spacy"), str(sample_project.path)):
        assert value in text
    assert f"Annotator {annotator.__version__}" in dialog.findChild(QLabel, "aboutTitle").text()
    assert not w.windowIcon().isNull()
    if os.environ.get("ANNOTATOR_SCREENSHOTS"):  # to look at it: ANNOTATOR_SCREENSHOTS=/some/dir pytest …
        dialog.grab().save(os.path.join(os.environ["ANNOTATOR_SCREENSHOTS"], "about.png"))


def test_about_copies_details_for_a_bug_report(qtbot, sample_project):
    _, dialog = open_about(qtbot, sample_project)
    copy = dialog.findChild(QPushButton, "aboutCopy")
    qtbot.mouseClick(copy, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text().splitlines()
    assert f"annotator: {annotator.__version__}" in copied
    assert f"Project: {sample_project.path}" in copied
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


@pytest.mark.slow
@pytest.mark.subprocess
def test_self_test_passes_in_a_fresh_process(tmp_path):
    env = {**os.environ, "ANNOTATOR_DATA_DIR": str(tmp_path / "user-data")}
    env.pop("QT_QPA_PLATFORM", None)  # the self-test must choose offscreen itself
    r = subprocess.run([sys.executable, "-m", "annotator", "--self-test"], capture_output=True, text=True,
                       env=env, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == f"annotator {annotator.__version__} self-test (source)"
    steps = [ln for ln in lines if ln.startswith(("ok ", "FAIL"))]
    assert len(steps) == 8 and all(s.startswith("ok ") for s in steps), r.stdout
    assert any(ln.startswith("window shown ") for ln in lines)
    assert lines[-1].startswith("self-test passed in ")
    # the user's own data folder was not touched: the self-test works in a temporary folder
    assert not (tmp_path / "user-data").exists()


def test_self_test_reports_a_failing_step(monkeypatch, qapp, capsys):
    """A broken installation (here: the sample articles are missing) fails with the step named."""
    import annotator.resources as res
    from annotator.qt import selftest

    monkeypatch.setattr(res, "resources_dir", lambda: res.Path(os.devnull) / "missing")
    lines: list[str] = []
    assert selftest.run(out=lines.append) == 1
    assert any(ln.startswith("FAIL create a project") for ln in lines), lines
    assert not any("self-test passed" in ln for ln in lines)

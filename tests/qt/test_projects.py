"""File → New / Open project: each opens in its own window, errors are sentences."""

import sqlite3

from annotator.core.model import Layer
from annotator.qt.extensions import projects


def _menu_texts(w):
    return [a.text() for a in w.menu("&File").actions()]


def test_new_then_open_project(qtbot, open_window, sample_project, tmp_path):
    w = open_window(sample_project, "alice")
    assert _menu_texts(w)[:3] == ["&New project…", "&Open project…", "Open &server project…"]
    feat = w.feature("projects")
    feat.new_action.trigger()
    dlg = feat.dialog
    assert dlg.isVisible()
    dlg.selectFile(str(tmp_path / "fresh"))
    dlg.accept()
    # then its stance target (empty: the sample's target is not offered)
    qtbot.waitUntil(lambda: feat.stance_dialog is not None and feat.stance_dialog.isVisible())
    assert feat.stance_dialog.textValue() == ""
    feat.stance_dialog.accept()
    qtbot.waitUntil(lambda: feat.opened is not None, timeout=20000)
    new = feat.opened
    assert new.project.schema().stance_target == ""
    assert new.project.path == (tmp_path / "fresh.annotator").resolve()
    assert new.annotator.name == "alice" and new.doc_model.total() == 0
    assert new.project.label_by_name("CLAIM", Layer.CLAIM) is not None  # the news schema
    # open the sample project's file again through Open
    feat.opened = None
    feat.open_action.trigger()
    feat.dialog.selectFile(str(sample_project.path))
    feat.dialog.accept()
    qtbot.waitUntil(lambda: feat.opened is not None, timeout=20000)
    assert feat.opened.doc_model.total() == 6
    for win in list(projects._windows):
        win.close()
        win.project.close()


def test_open_errors_are_explained(qtbot, open_window, sample_project, tmp_path):
    w = open_window(sample_project, "alice")
    feat = w.feature("projects")
    notes = tmp_path / "notes.annotator"
    notes.write_text("just text")
    feat.open(notes)
    qtbot.waitUntil(lambda: feat.error is not None, timeout=20000)
    assert "not an annotator project" in feat.error
    newer = tmp_path / "newer.annotator"
    con = sqlite3.connect(sample_project.path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    newer.write_bytes(sample_project.path.read_bytes())
    con = sqlite3.connect(newer)
    con.execute("UPDATE alembic_version SET version_num = 'zz99'")
    con.commit()
    con.close()
    feat.open(newer)
    qtbot.waitUntil(lambda: feat.error is not None and "newer version" in feat.error, timeout=20000)
    feat._url_chosen("mysql://nope")
    assert "PostgreSQL URL" in feat.error
    assert feat.opened is None

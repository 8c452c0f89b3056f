"""Start-up: the path to the first window imports no heavy module it does not need (spaCy,
Alembic, scikit-learn), the schema check reads the revision without Alembic, and the remembered
document opens after the window is shown."""

from __future__ import annotations

import json
import subprocess
import sys

from annotator.storage import db

HEAVY = ("alembic", "spacy", "thinc", "sklearn", "scipy", "nltk", "matplotlib", "pandas", "numpy")


def test_revisions_read_from_the_scripts_match_alembic():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(db.alembic_config())
    assert db.head_revision() == script.get_current_head()
    assert db.known_revisions() == {r.revision for r in script.walk_revisions()}


def test_current_revision_without_alembic_matches_alembic(project):
    from alembic.runtime.migration import MigrationContext

    with project.engine.connect() as c:
        assert db.current_revision(c) == MigrationContext.configure(c).get_current_revision() == db.head_revision()


def test_first_window_imports_no_heavy_module(sample_project, tmp_path):
    path = sample_project.path
    sample_project.close()
    code = f"""
import json, sys
from annotator.qt.app import make_app, start_workspace
from annotator.storage import Project
app = make_app()
project = Project.open({str(path)!r})
holder = start_workspace(project, "alice")
app.processEvents()
w = holder["window"]
print(json.dumps({{"shown": w.isVisible(), "rows": w.doc_model.rowCount(),
                   "heavy": sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})}}))
"""
    env = {"QT_QPA_PLATFORM": "offscreen", "ANNOTATOR_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin",
           "HOME": str(tmp_path)}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out == {"shown": True, "rows": 6, "heavy": []}


def test_remembered_document_opens_after_the_window_is_shown(qtbot, sample_project):
    from annotator.qt.app import start_workspace

    alice = sample_project.annotator("alice")
    second = sample_project.document_ids()[1]
    sample_project.set_setting(f"ui.place.{alice.name}", {"document": second, "scroll": 0, "cursor": 0})
    holder = start_workspace(sample_project, "alice")
    w = holder["window"]
    qtbot.addWidget(w)
    assert w.isVisible() and w.current_document_id is None  # shown first, nothing read yet
    qtbot.waitUntil(lambda: w.current_document_id == second)
    assert w.text_view.text() == sample_project.document(second).text
    assert w.doc_list.currentIndex().row() == w.doc_model.row_of(second)

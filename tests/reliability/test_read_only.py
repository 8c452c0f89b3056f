"""A project file that cannot be written opens read-only (issue 18).

Three ways a file cannot be written: on a read-only mount (its folder too: SQLite cannot make
-wal/-shm, so it is opened with ``immutable=1``), the file alone read-only (``mode=ro``), and
no permission (chmod; root ignores permissions, so as root the same cases are made with
mounts). Read commands and the window work; write commands say "read-only: PATH" (exit 3) and
change nothing; ``check`` says read-only, not damaged.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from annotator.storage import Project
from annotator.storage.db import copy_to
from tests.reliability import fs_helpers as fs

KINDS = ["read-only mount", "read-only file", "no permission on the folder"]


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(params=KINDS)
def ro_project(request, tmp_path: Path, sample_project):
    """(path, kind) of a sample project that cannot be written."""
    kind = request.param
    root = os.geteuid() == 0 if hasattr(os, "geteuid") else False
    folder = tmp_path / "ro"
    if kind == "read-only mount":
        with fs.tmpfs(folder, 4096):
            copy_to(sample_project.engine, folder / "news.annotator")
            fs.remount_ro(folder)
            yield folder / "news.annotator", kind
        return
    folder.mkdir()
    path = folder / "news.annotator"
    copy_to(sample_project.engine, path)
    if kind == "read-only file":
        if root:
            if not fs.can_mount():
                pytest.skip("as root, a read-only file needs a bind mount")
            with fs.bind_ro(path):
                yield path, kind
            return
        path.chmod(0o444)
        yield path, kind
        path.chmod(0o644)
        return
    if root:
        pytest.skip("root writes any folder; the read-only mount case covers this one")
    folder.chmod(0o555)
    try:
        yield path, kind
    finally:
        folder.chmod(0o755)


def test_read_commands_work_and_write_commands_refuse(ro_project, cli, tmp_path):
    path, kind = ro_project
    before = _digest(path.parent)
    out = tmp_path / "out"
    out.mkdir()
    stats = cli("stats", "--project", path, check=0)
    assert "documents   6" in stats.stdout
    cli("labels", "list", "--project", path, check=0)
    cli("export", "-f", "prodigy", "--merged", "--all-documents", "-o", out / "x.jsonl", "--project", path, check=0)
    assert len((out / "x.jsonl").read_text().splitlines()) == 6
    cli("agreement", "--project", path)  # a read command: no "read-only" complaint whatever it finds
    check = cli("check", "--project", path, check=0)
    assert "ok (schema" in check.stdout and "read-only:" in check.stdout and "damaged" not in check.stdout + check.stderr
    art = tmp_path / "a.txt"
    art.write_text("A new article\n\nIt should not be stored.")
    schema = tmp_path / "schema.json"
    cli("labels", "export", schema, "--project", path, check=0)
    for args in (["import", art], ["labels", "import", schema], ["check", "--repair-search"]):
        r = cli(*args, "--project", path, check=3)
        assert r.stderr.startswith(f"annotator: read-only: {path} cannot be written"), r.stderr
        assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    after = _digest(path.parent)
    assert after[path.name] == before[path.name]  # not a byte of the project changed
    # nothing else left behind (SQLite's mode=ro may open empty -wal/-shm where the folder is writable)
    assert set(after) - set(before) <= ({f"{path.name}-wal", f"{path.name}-shm"} if kind == "read-only file" else set())
    with Project.open(path) as p:
        assert p.read_only and p.count_documents() == 6
    print(f"\nread-only ({kind}): 5 read commands ok, 3 write commands refused with exit 3, 0 bytes changed")


def test_window_opens_read_only_with_editing_disabled(ro_project, qtbot):
    from annotator.qt.main_window import MainWindow

    path, _ = ro_project
    project = Project.open(path)
    try:
        w = MainWindow(project, project.ensure_annotator("alice"))
        qtbot.addWidget(w)
        w.show()
        assert "read-only" in w.windowTitle()
        assert w.doc_model.total() == 6
        edit = [w.delete_action, w.done_action, *w.label_actions.values(), *w.stance_actions.values(),
                *w.precise_label_actions.values(), *w.claim_stance_actions.values(), w.next_claimant_action,
                w.prev_claimant_action, *w.edge_actions.values()]  # (claim and edge keys: issue 19)
        assert edit and not any(a.isEnabled() for a in edit)
        assert w.next_action.isEnabled() and w.find_action.isEnabled()  # reading still works
        w.open_document(project.document_ids()[0])
        w.tag(next(iter(w.label_actions)))  # a label key pressed anyway: nothing is written, no traceback
        w.close()
    finally:
        project.close()


def test_a_writable_project_is_not_read_only(project):
    assert not project.read_only
    assert stat.S_ISREG(os.stat(project.path).st_mode)

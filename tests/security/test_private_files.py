"""Files that hold people's work are private: new projects, backups (daily, manual, before a
migration), restores, exports and bundles are 0600 (folders 0700) under a desktop's usual umask
022, and a copy is never wider than its source. Driven as a user does: the CLI, or the service
the window calls."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from annotator.services import recovery
from annotator.storage import Project

pytestmark = [pytest.mark.skipif(os.name != "posix", reason="POSIX file modes"), pytest.mark.subprocess]

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "projects"


def mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def tree_modes(p: Path) -> set[tuple[str, int]]:
    """(kind, mode) of a file, or of a folder and everything in it."""
    if p.is_file():
        return {("file", mode(p))}
    out = {("dir", mode(p))}
    for q in p.rglob("*"):
        out.add(("dir" if q.is_dir() else "file", mode(q)))
    return out


@pytest.fixture(autouse=True)
def desktop_umask():
    old = os.umask(0o022)  # what most desktops use: new files 0644
    yield
    os.umask(old)


@pytest.fixture
def private_project(tmp_path, cli) -> Path:
    """A project with the sample's work, then ``chmod 600`` by its owner."""
    path = tmp_path / "work" / "news.annotator"
    from annotator.services.sample import open_or_create_default

    open_or_create_default(path).close()
    os.chmod(path, 0o600)
    return path


def test_a_new_project_and_its_folder_and_wal_are_private(tmp_path):
    path = tmp_path / "new-folder" / "p.annotator"
    with Project.create(path) as p:
        p.set_setting("k", 1)
        wal = path.with_name(path.name + "-wal")
        assert wal.exists() and mode(wal) == 0o600
    assert mode(path) == 0o600 and mode(path.parent) == 0o700


def test_the_sample_project_of_a_first_start_is_private(tmp_path):
    from annotator.services.sample import open_or_create_default

    open_or_create_default(tmp_path / "sample.annotator").close()
    assert mode(tmp_path / "sample.annotator") == 0o600


def test_backups_of_a_chmod_600_project_are_0600(private_project, cli):
    daily = recovery.auto_backup(private_project)
    cli("check", "--backup", "--project", private_project, check=0)
    manual = [b for b in recovery.list_backups(private_project) if ".manual-" in b.name]
    assert daily is not None and len(manual) == 1
    assert mode(daily) == mode(manual[0]) == 0o600
    assert mode(recovery.backup_dir(private_project)) == 0o700


def test_check_restore_latest_does_not_widen_the_project(private_project, cli):
    cli("check", "--backup", "--project", private_project, check=0)
    cli("check", "--restore", "latest", "--project", private_project, check=0)
    assert mode(private_project) == 0o600
    aside = list(private_project.parent.glob(private_project.name + ".before-restore-*.bak"))
    assert aside and mode(aside[0]) == 0o600


def test_a_project_shared_with_the_group_still_gets_private_backups(private_project, cli):
    """Private by default: a 0644 (umask-made, older version) project gets 0600 backups."""
    os.chmod(private_project, 0o644)
    cli("check", "--backup", "--project", private_project, check=0)
    (backup,) = recovery.list_backups(private_project)
    assert mode(backup) == 0o600


def test_a_copy_is_never_wider_than_its_source(private_project, cli):
    os.chmod(private_project, 0o400)  # read-only to its owner, nobody else
    cli("check", "--backup", "--project", private_project, check=0)
    (backup,) = recovery.list_backups(private_project)
    assert mode(backup) == 0o400


def test_a_backup_before_a_migration_is_private(tmp_path):
    dump = sorted(FIXTURES.glob("schema-*.sql"))[0]
    path = tmp_path / "old.annotator"
    con = sqlite3.connect(path)
    con.executescript(dump.read_text())
    con.close()
    os.chmod(path, 0o600)
    with Project.open(path):
        pass
    (pre,) = tmp_path.glob("old.annotator.pre-*.bak")
    assert mode(pre) == 0o600 and mode(path) == 0o600


@pytest.mark.parametrize("fmt,extra,expected", [
    ("native", [], {("file", 0o600)}),
    ("spacy", [], {("file", 0o600)}),
    ("prodigy", ["--split", "0.5,0.5"], {("dir", 0o700), ("file", 0o600)}),
    ("brat", [], {("dir", 0o700), ("file", 0o600)}),
])
def test_exports_are_private(private_project, tmp_path, cli, fmt, extra, expected):
    out = tmp_path / f"out-{fmt}"
    cli("export", "--format", fmt, "--annotator", "alice", "--out", out, *extra, "--project", private_project, check=0)
    assert tree_modes(out) == expected


def test_bundles_are_private(private_project, tmp_path, cli):
    out = tmp_path / "alice.annbundle"
    cli("bundle", "export", "--annotator", "alice", "--out", out, "--with-text", "--project", private_project,
        check=0)
    assert mode(out) == 0o600

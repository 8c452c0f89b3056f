"""``annotator check``: integrity checks, automatic daily backups, restore."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pytest

from annotator.core.errors import ProjectError
from annotator.services import recovery
from annotator.storage import Project
from annotator.storage.db import copy_to


@pytest.fixture
def proj(tmp_path, sample_project) -> Path:
    path = tmp_path / "work.annotator"
    copy_to(sample_project.engine, path)
    return path


def damage(path: Path) -> None:
    """Overwrite a few pages in the middle of the file, as a failing disk would."""
    with Project.open(path):
        pass  # the last close checkpoints the WAL into the file
    size = path.stat().st_size
    with path.open("r+b") as fh:
        fh.seek(size // 2 // 4096 * 4096)
        fh.write(b"\xde\xad\xbe\xef" * 2048)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_check_reports_ok_and_counts(proj):
    r = recovery.check(proj)
    assert r.ok and r.documents == 6 and r.spans > 20 and r.revision


def test_check_finds_damage_and_restore_brings_back_the_backup(cli, proj, tmp_path):
    made = recovery.auto_backup(proj)
    assert made is not None and made.parent == recovery.backup_dir(proj)
    assert recovery.check(made).ok
    with Project.open(made) as b:
        spans_in_backup = b.span_count()
    damage(proj)
    r = cli("check", "--project", proj, tmp_path=tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "problem" in r.stderr and "Traceback" not in r.stderr
    assert "--restore latest" in r.stderr  # the message says what to do
    r = cli("check", "--project", proj, "--restore", "latest", tmp_path=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "restored" in r.stdout and "before-restore" in r.stdout
    with Project.open(proj) as p:
        assert p.count_documents() == 6 and p.span_count() == spans_in_backup
        assert p.integrity_check() == []
    # the damaged file was kept, not deleted
    kept = list(tmp_path.glob("work.annotator.before-restore-*.bak"))
    assert len(kept) == 1 and not recovery.check(kept[0]).ok
    assert cli("check", "--project", proj, tmp_path=tmp_path).returncode == 0


def test_restore_refuses_a_damaged_backup_and_leaves_the_project_alone(cli, proj, tmp_path):
    bad = tmp_path / "bad.bak"
    copy_to(Project.open(proj).engine, bad)
    damage(bad)
    before = sha(proj)
    with pytest.raises(ProjectError, match="not a usable backup"):
        recovery.restore(proj, bad)
    assert sha(proj) == before
    r = cli("check", "--project", proj, "--restore", bad, tmp_path=tmp_path)
    assert r.returncode == 3 and "not a usable backup" in r.stderr


def test_one_automatic_backup_a_day_kept_for_a_week(proj):
    day0 = dt.date(2025, 3, 1)
    for i in range(10):
        assert recovery.auto_backup(proj, today=day0 + dt.timedelta(days=i)) is not None
        assert recovery.auto_backup(proj, today=day0 + dt.timedelta(days=i)) is None  # once a day
    kept = recovery.daily_backups(proj)
    assert [p.name[-14:-4] for p in kept] == [(day0 + dt.timedelta(days=i)).isoformat() for i in range(3, 10)]
    assert all(recovery.check(p).ok for p in kept)
    assert not list(recovery.backup_dir(proj).glob("*.partial"))


def test_backup_sees_committed_work_still_in_the_wal(proj):
    with Project.open(proj) as p:
        alice = p.annotator("alice")
        p.add_span(1, alice.id, p.label_by_name("GPE").id, 0, 5)
        expected = p.span_count()
        assert Path(str(proj) + "-wal").stat().st_size > 0  # not checkpointed yet
        made = recovery.backup_now(proj)
    with Project.open(made) as b:
        assert b.span_count() == expected


def test_automatic_backup_failure_does_not_stop_opening(proj, tmp_path):
    recovery.backup_dir(proj).write_text("a file where the folder should be")
    messages = []
    assert recovery.auto_backup_safely(proj, on_error=messages.append) is None
    assert messages and "automatic backup" in messages[0]


def test_check_finds_spans_outside_their_text_and_a_broken_search_index(cli, proj, tmp_path):
    con = sqlite3.connect(proj)
    con.execute('UPDATE span SET "end" = 10000000 WHERE id = (SELECT min(id) FROM span)')
    con.execute("INSERT INTO document_fts(document_fts, rowid, title, text) VALUES ('delete', 2, 'x', 'y')")
    con.commit()
    con.close()
    r = recovery.check(proj)
    assert any("outside document" in p for p in r.problems)
    assert any("search index" in p for p in r.problems)
    out = cli("check", "--project", proj, "--repair-search", tmp_path=tmp_path)
    assert "search index rebuilt" in out.stdout
    assert not any("search index" in p for p in recovery.check(proj).problems)


def test_check_never_changes_the_file(cli, proj, tmp_path):
    with Project.open(proj):
        pass
    before = sha(proj)
    assert cli("check", "--project", proj, tmp_path=tmp_path).returncode == 0
    assert sha(proj) == before


def test_check_of_other_files(cli, tmp_path):
    r = cli("check", "--project", tmp_path / "nope.annotator", tmp_path=tmp_path)
    assert r.returncode == 3 and "no such project" in r.stderr
    f = tmp_path / "notes.annotator"
    f.write_text("not a database")
    r = cli("check", "--project", f, tmp_path=tmp_path)
    assert r.returncode == 3 and "not an annotator project" in r.stderr
    con = sqlite3.connect(tmp_path / "newer.annotator")
    con.executescript("CREATE TABLE alembic_version(version_num TEXT); INSERT INTO alembic_version VALUES('zz99');"
                      "CREATE TABLE document(id INTEGER PRIMARY KEY, text TEXT);")
    con.close()
    r = recovery.check(tmp_path / "newer.annotator")
    assert not r.ok and "newer version" in r.problems[0]

"""A full disk (a real tmpfs of a few hundred KB; root only, else skipped) and I/O errors
(``os.write``/``fsync`` made to fail with ENOSPC) during import, export, backup and check:
one sentence naming the path and what was kept, the README's exit code, no traceback, nothing
partial and no empty folder left (issue 18)."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from annotator.core.errors import ProjectError
from annotator.services import recovery
from annotator.storage import Project
from tests.reliability import fs_helpers as fs


def _articles(path: Path, n: int) -> Path:
    with path.open("w") as fh:
        for i in range(n):
            fh.write(json.dumps({"text": f"Article {i}. " + "Talks resumed in Karsk on Tuesday, officials said. " * 8})
                     + "\n")
    return path


def _one_sentence(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.strip().splitlines()
             if line.startswith("annotator:") and not line.startswith("annotator: creating project")]
    assert len(lines) == 1, stderr
    return lines[0]


def test_import_onto_a_full_disk_says_what_was_stored(tmp_path, cli):
    src = _articles(tmp_path / "big.jsonl", 6001)
    with fs.tmpfs(tmp_path / "small", 3000) as small:
        path = small / "p.annotator"
        r = cli("import", src, "--project", path, check=3)
        msg = _one_sentence(r.stderr)
        assert str(path) in msg and "disk is full" in msg and "was not stored" in msg, msg
        with Project.open(path) as p:
            stored = p.count_documents()
            assert p.integrity_check() == []
        # the sentence's count is what is there, and whole batches only
        assert f"{stored:,} documents were stored before it" in msg and stored % 2000 == 0, msg
        if stored:
            assert f"through {src}:{stored}" in msg, msg
    print(f"\ndisk full during import: 6001 records, {stored} stored (whole batches), message names {path.name}")


def test_export_to_a_full_disk_leaves_nothing(tmp_path, cli, sample_project):
    with fs.tmpfs(tmp_path / "small", 64) as small:
        fs.fill(small)
        before = sorted(os.listdir(small))
        for fmt, name in (("conll", "out.conll"), ("brat", "outdir")):
            r = cli("export", "-f", fmt, "--merged", "--all-documents", "-o", small / name, "--project",
                    sample_project.path, check=3)
            msg = _one_sentence(r.stderr)
            assert msg == f"annotator: cannot write {small / name}: the disk is full; nothing was written under that name"
            assert sorted(os.listdir(small)) == before  # no temporary file or folder left


def test_export_enospc_keeps_the_previous_export(tmp_path, sample_project, monkeypatch, capsys):
    """Without a mount: the writer's os.write fails with ENOSPC part-way."""
    from annotator.cli import main

    out = tmp_path / "x.jsonl"
    assert main(["export", "-f", "prodigy", "--merged", "--all-documents", "-o", str(out), "--project",
                 str(sample_project.path)]) == 0
    previous = out.read_bytes()
    real_write = os.write

    def full(fd, data):  # noqa: ANN001
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left on device")))
    capsys.readouterr()
    code = main(["export", "-f", "prodigy", "--merged", "--all-documents", "-o", str(out), "--force", "--project",
                 str(sample_project.path)])
    monkeypatch.setattr(os, "write", real_write)
    err = capsys.readouterr().err
    assert code == 3 and err.strip() == (f"annotator: cannot write {out}: the disk is full; the previous export "
                                         "there is unchanged"), err
    assert out.read_bytes() == previous and sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_backup_onto_a_full_disk_leaves_no_empty_folder(tmp_path, cli, sample_project):
    from annotator.storage.db import copy_to

    with fs.tmpfs(tmp_path / "small", 1024) as small:
        path = small / "news.annotator"
        copy_to(sample_project.engine, path)
        fs.fill(small)
        r = cli("check", "--project", path, "--backup", check=3)
        msg = _one_sentence(r.stderr)
        assert "disk is full" in msg and f"{path} was not changed" in msg and "no partial copy" in msg, msg
        assert not (small / "news.annotator.backups").exists()
        assert [p.name for p in small.iterdir() if ".bak" in p.name] == []


def test_backup_fsync_failure_says_so_and_cleans_up(tmp_path, sample_project, monkeypatch):
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.EIO, "Input/output error")))
    with pytest.raises(ProjectError) as e:
        recovery.backup_now(sample_project.path)
    assert "cannot write" in str(e.value) and "input/output error" in str(e.value) and "no partial copy" in str(e.value)
    assert not recovery.backup_dir(sample_project.path).exists()


def test_check_on_a_full_disk_does_not_call_an_intact_project_damaged(tmp_path, cli, sample_project):
    from annotator.storage.db import copy_to

    with fs.tmpfs(tmp_path / "small", 1024) as small:
        path = small / "news.annotator"
        copy_to(sample_project.engine, path)
        fs.fill(small)
        r = cli("check", "--project", path)
        assert "damaged" not in r.stdout + r.stderr and "problem" not in r.stderr, r.stdout + r.stderr
        assert r.returncode in (0, 3) and "Traceback" not in r.stderr
        assert "ok (schema" in r.stdout or "not checked" in r.stdout

"""Issue 18's hostile inputs: labels that would break exports, a --project that is not a
project (empty, a FIFO, a device, a symlink loop, damaged), and export --force killed
between its renames."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from annotator.storage import Project
from annotator.storage.db import copy_to

BAD_LABELS = {
    "newline": "ORG\nINJECTED",
    "carriage return": "ORG\rX",
    "tab": "ORG\tX",
    "NUL": "ORG\x00X",
    "escape": "\x1b[31mRED",
    "line separator": "A\u2028B",
    "10,000 characters": "L" * 10_000,
    "101 characters": "M" * 101,
    "only spaces": "   ",
    "leading space": " ORG",
}


def test_add_labels_refuses_labels_that_are_not_one_printable_line(tmp_path, cli):
    src = tmp_path / "labels.jsonl"
    records = [{"text": f"Acme Corp rises {i}", "spans": [{"start": 0, "end": 9, "label": lab}]}
               for i, lab in enumerate(BAD_LABELS.values())]
    records.append({"text": "Acme Corp is fine", "spans": [{"start": 0, "end": 9, "label": "COMPANY"}]})
    records.append({"text": "Ünïcode Label works", "spans": [{"start": 0, "end": 7, "label": "Ünïcode 東京"}]})
    src.write_text("".join(json.dumps(r) + "\n" for r in records))
    path = tmp_path / "p.annotator"
    r = cli("import", src, "--add-labels", "--project", path, check=1)
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == len(BAD_LABELS) and "Traceback" not in r.stderr
    for n, line in enumerate(errors, start=1):
        assert f"{src}:{n}:" in line and len(line) < 400, line  # named by line, and never 10,000 characters long
    assert "2 documents imported" in r.stdout
    with Project.open(path) as p:
        names = {lab.name for lab in p.labels()}
        assert {"COMPANY", "Ünïcode 東京"} <= names
        assert all(lab.isprintable() and len(lab) <= 100 for lab in names)
    out = tmp_path / "out.conll"
    cli("export", "-f", "conll", "-a", "imported", "-o", out, "--project", path, check=0)
    back = tmp_path / "back.annotator"
    cli("import-annotations", out, "-f", "conll", "--add-labels", "--project", back, check=0)  # our own import reads it back
    print(f"\nhostile labels: {len(BAD_LABELS)} tried, {len(BAD_LABELS)} refused by line, 2 good ones imported")


def test_labels_import_refuses_a_bad_schema_untouched(tmp_path, cli, project):
    project.close()
    for name, bad in BAD_LABELS.items():
        schema = tmp_path / "schema.json"
        schema.write_text(json.dumps({"name": "x", "labels": [{"name": "OK"}, {"name": bad}]}))
        r = cli("labels", "import", schema, "--project", project.path, check=1)
        assert "labels[1]" in r.stderr and "Traceback" not in r.stderr, (name, r.stderr)
    with Project.open(project.path) as p:
        assert "OK" not in {lab.name for lab in p.labels()}


def test_interchange_import_refuses_bad_labels_by_line(tmp_path, cli, project):
    project.close()
    src = tmp_path / "pr.jsonl"
    src.write_text(json.dumps({"text": "Acme Corp", "spans": [{"start": 0, "end": 4, "label": "A\nB"}]}) + "\n"
                   + json.dumps({"text": "Bolt Corp", "spans": [{"start": 0, "end": 4, "label": "GOODNEW"}]}) + "\n")
    r = cli("import-annotations", src, "--format", "prodigy", "--add-labels", "--project", project.path)
    assert r.returncode == 1 and f"{src}:1:" in r.stderr and "line break" in r.stderr, r.stderr
    with Project.open(project.path) as p:
        assert p.label_by_name("GOODNEW") is not None and p.label_by_name("A\nB") is None


def _not_projects(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    empty = tmp_path / "empty.annotator"
    empty.write_bytes(b"")
    text = tmp_path / "notes.annotator"
    text.write_text("just some notes\n")
    loop = tmp_path / "loop.annotator"
    os.symlink(loop, loop)
    dangling = tmp_path / "dangling.annotator"
    os.symlink(tmp_path / "nowhere", dangling)
    cases = {"empty file": (empty, "an empty file (0 bytes)"), "text file": (text, "not an SQLite database"),
             "symlink loop": (loop, "a symbolic link loop"), "dangling link": (dangling, "a symbolic link to a missing")}
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe.annotator"
        os.mkfifo(fifo)
        cases["FIFO"] = (fifo, "a named pipe (FIFO)")
    if Path("/dev/null").exists():
        cases["device"] = (Path("/dev/null"), "a device")
    return cases


def test_a_project_argument_that_is_not_a_project_is_refused_untouched(tmp_path, cli):
    art = tmp_path / "a.txt"
    art.write_text("Headline\n\nBody.")
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"name": "x", "labels": [{"name": "OK"}]}))
    for what, (path, fragment) in _not_projects(tmp_path).items():
        before = path.read_bytes() if path.is_file() and not path.is_symlink() else None
        for args in (["import", art], ["stats"], ["check"], ["labels", "import", schema]):
            r = cli(*args, "--project", path)
            assert r.returncode == 3, (what, args, r.stderr)
            assert str(path) in r.stderr and fragment in r.stderr and "Traceback" not in r.stderr, (what, r.stderr)
        if before is not None:
            assert path.read_bytes() == before, what  # untouched: not turned into a new project
        assert not Path(f"{path}-wal").exists() and not Path(f"{path}-journal").exists()


def test_import_refuses_fifos_devices_and_loops_by_name(tmp_path, project):
    from annotator.services.importing import import_paths

    loop = tmp_path / "loop.txt"
    os.symlink(loop, loop)
    paths = [loop]
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe.txt"
        os.mkfifo(fifo)
        paths.append(fifo)
    paths.append(Path("/dev/zero"))
    rep = import_paths(project, paths)  # a FIFO must not block, /dev/zero must not be read forever
    msgs = [str(e) for e in rep.errors]
    assert any(str(loop) in m and "symbolic link loop" in m for m in msgs), msgs
    assert any("/dev/zero" in m and "a device" in m for m in msgs), msgs
    if hasattr(os, "mkfifo"):
        assert any("pipe.txt" in m and "named pipe" in m for m in msgs), msgs
    assert rep.added == 0 and len(msgs) == len(paths)


def test_a_damaged_project_names_the_file_and_the_restore_command(tmp_path, cli, sample_project):
    path = tmp_path / "broken.annotator"
    copy_to(sample_project.engine, path)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for i in range(page * 2, len(data) - page, page):  # garble every page past the schema
        data[i + 8:i + 200] = os.urandom(192)
    path.write_bytes(bytes(data))
    r = cli("stats", "--project", path)
    assert r.returncode == 3 and "Traceback" not in r.stderr, r.stderr
    assert str(path) in r.stderr and "damaged" in r.stderr and "--restore latest" in r.stderr, r.stderr


def test_export_force_killed_between_renames_gets_the_previous_export_back(tmp_path, cli, sample_project):
    """A folder export (brat) replaces the previous folder in two renames; a kill between them
    leaves it as .NAME.old-PID. The next export to that name puts it back first."""
    out = tmp_path / "brat"
    cli("export", "-f", "brat", "--merged", "--all-documents", "-o", out, "--project", sample_project.path, check=0)
    files = {p.name: p.read_bytes() for p in out.iterdir()}
    dead = 2 ** 22 + 12345  # a pid that is not running
    while True:
        try:
            os.kill(dead, 0)
            dead += 1
        except ProcessLookupError:
            break
        except PermissionError:
            dead += 1
    os.replace(out, tmp_path / f".brat.old-{dead}")  # what the kill left
    r = cli("export", "-f", "brat", "--merged", "--all-documents", "-o", out, "--project", sample_project.path)
    assert r.returncode == 1 and "exists; use --force" in r.stderr  # the previous export is back, not lost
    assert {p.name: p.read_bytes() for p in out.iterdir()} == files
    assert not list(tmp_path.glob(".brat.*"))


def test_export_force_of_a_file_is_one_rename(tmp_path, sample_project, monkeypatch):
    from annotator.services import exporting

    out = tmp_path / "x.jsonl"
    out.write_text("previous\n")
    renames = []
    real = os.replace
    monkeypatch.setattr(exporting.os, "replace", lambda a, b: (renames.append((Path(a).name, Path(b).name)), real(a, b)))
    exporting.export(sample_project, exporting.ExportOptions("prodigy", out, merged=True, force=True,
                                                             all_documents=True))
    assert len(renames) == 1 and renames[0][1] == "x.jsonl"
    assert out.read_text() != "previous\n"


@pytest.mark.parametrize("fmt,suffix", [("doccano", ".jsonl"), ("conll", ".conll"), ("csv", ".csv"),
                                        ("native", ".jsonl"), ("prodigy", ".jsonl")])
def test_every_interchange_reader_takes_utf16_and_utf32_with_a_bom(tmp_path, sample_project, fmt, suffix):
    from annotator.services import exporting
    from annotator.services.interchange import import_annotations

    out = tmp_path / f"x{suffix}"
    exporting.export(sample_project, exporting.ExportOptions(fmt, out, merged=True, all_documents=True))
    text = out.read_bytes().decode("utf-8-sig")
    for enc, bom in (("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-32-le", b"\xff\xfe\x00\x00")):
        other = tmp_path / f"{enc}{suffix}"
        other.write_bytes(bom + text.encode(enc))
        copy_to(sample_project.engine, tmp_path / f"{fmt}-{enc}.annotator")
        copy_to(sample_project.engine, tmp_path / f"{fmt}-{enc}-ref.annotator")
        dest = Project.open(tmp_path / f"{fmt}-{enc}.annotator")
        ref = Project.open(tmp_path / f"{fmt}-{enc}-ref.annotator")
        try:
            a = import_annotations(dest, other, fmt, add_labels=True, annotator="x")
            b = import_annotations(ref, out, fmt, add_labels=True, annotator="x")
            assert not a.errors and not b.errors, (enc, a.errors, b.errors)
            assert (a.added, a.matched, a.spans) == (b.added, b.matched, b.spans) and a.spans > 0, enc
        finally:
            dest.close()
            ref.close()


@pytest.mark.parametrize("enc,bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
                                     ("utf-32-be", b"\x00\x00\xfe\xff")])
def test_brat_and_html_read_utf16_and_utf32_with_a_bom(tmp_path, sample_project, enc, bom):
    """The readers rewritten by issue 16 (brat) and added by issue 17 (HTML) decode a BOM too.
    brat's own rule stays: a UTF-8 BOM is character 0 of the .txt (tests/formats conformance);
    a UTF-16/32 BOM only says the encoding, so the offsets count the text after it."""
    from annotator.services import exporting
    from annotator.services.importing import import_paths
    from annotator.services.interchange import import_annotations

    utf8 = tmp_path / "brat"
    exporting.export(sample_project, exporting.ExportOptions("brat", utf8, merged=True, all_documents=True))
    other = tmp_path / f"brat-{enc}"
    other.mkdir()
    for f in utf8.iterdir():
        data = f.read_bytes()
        other.joinpath(f.name).write_bytes(bom + data.decode("utf-8").encode(enc) if f.suffix in (".txt", ".ann")
                                           else data)
    counts = []
    for folder in (utf8, other):
        dest = tmp_path / f"{folder.name}.annotator"
        copy_to(sample_project.engine, dest)
        with Project.open(dest) as p:
            r = import_annotations(p, folder, "brat", add_labels=True, annotator="x")
        assert not r.errors, (enc, r.errors)
        counts.append((r.matched, r.spans))
    assert counts[0] == counts[1] and counts[0][1] > 0

    page = Path(__file__).parents[1] / "fixtures" / "articles" / "html" / "01-wordpress-herald.html"
    texts = []
    for name, data in (("utf8.html", page.read_bytes()), (f"{enc}.html", bom + page.read_bytes().decode().encode(enc))):
        (tmp_path / name).write_bytes(data)
        with Project.create(tmp_path / f"{name}.annotator") as p:
            r = import_paths(p, [tmp_path / name])
            assert not r.errors and r.added == 1, (enc, r.errors)
            texts.append(p.document(r.document_ids[0]).text)
    assert texts[0] == texts[1]

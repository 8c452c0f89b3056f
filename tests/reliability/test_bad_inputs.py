"""The bad-input corpus (tests/fixtures/bad_inputs): every file gets a clear message naming
it, good records beside it still import, and nothing partial is stored."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from annotator.core.model import Layer
from annotator.services.importing import import_paths

BAD = Path(__file__).resolve().parent.parent / "fixtures" / "bad_inputs"
_spec = importlib.util.spec_from_file_location("bad_inputs_generate", BAD / "generate.py")
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)


def test_committed_corpus_matches_its_generator():
    for name, (data, _, _) in gen.CORPUS.items():
        assert (BAD / name).read_bytes() == data, f"regenerate {name}: python {BAD / 'generate.py'}"


@pytest.fixture
def good(tmp_path: Path) -> Path:
    p = tmp_path / "good.txt"
    p.write_text(gen.GOOD)
    return p


def check_import(project, files, good, fragment, yields, name):
    before = project.count_documents()
    rep = import_paths(project, [*files, good])
    msgs = [str(e) for e in rep.errors]
    if fragment is None:
        assert msgs == [], msgs
    else:
        assert msgs and all(name in m for m in msgs), msgs
        assert any(fragment in m for m in msgs), (fragment, msgs)
        assert all("Traceback" not in m and "Error(" not in m for m in msgs)
    assert rep.added == yields + 1 and project.count_documents() == before + yields + 1
    assert project.span_count() == 0  # no span of a refused record, no span without its document
    assert project.integrity_check() == []
    return rep


@pytest.mark.parametrize("name", sorted(gen.CORPUS))
def test_each_bad_input_is_explained(project, good, name):
    _, fragment, yields = gen.CORPUS[name]
    check_import(project, [BAD / name], good, fragment, yields, name)


def test_archive_member_names_never_touch_the_file_system(project, good, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rep = check_import(project, [BAD / "traversal.zip"], good, "unsafe file name", 1, "traversal.zip")
    assert len(rep.errors) == 4
    inner = [d for d in project.documents() if d.meta.get("archive") == "traversal.zip"]
    assert [d.meta["file"] for d in inner] == ["good.txt"] and inner[0].title == "Inside the archive"
    names = ("escape.txt", "evil.txt", "win.txt")
    for folder in {tmp_path, tmp_path.parent, Path(tempfile.gettempdir()), Path("/etc/cron.d")}:
        for n in names:
            assert not (folder / n).exists()
    assert not [p for p in Path(tempfile.gettempdir()).glob("annotator-zip-*")]  # temp copies are gone


@pytest.mark.slow
def test_big_inputs_are_bounded(project, good, tmp_path):
    cases = [
        (gen.big_article(tmp_path), "is 50.0 MB; one article may be at most 20.0 MB", 0),
        (gen.huge_jsonl_line(tmp_path), "line is 50.0 MB", 1),
        (gen.zip_bomb(tmp_path), "zip bomb", 1),
        (gen.lying_zip(tmp_path), "cannot be decompressed", 0),
    ]
    for path, fragment, yields in cases:
        other = tmp_path / f"good-{path.stem}.txt"
        other.write_text(f"{gen.GOOD}\nAbout {path.name}.")
        check_import(project, [path], other, fragment, yields, path.name)


def test_cli_reports_the_whole_corpus_without_a_traceback(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    gen.write_corpus(folder)
    env = {**os.environ, "ANNOTATOR_DATA_DIR": str(tmp_path / "data")}
    r = subprocess.run([sys.executable, "-m", "annotator", "import", str(folder), "--project",
                        str(tmp_path / "p.annotator")], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    for name, (_, fragment, _) in gen.CORPUS.items():
        if fragment is not None:
            assert any(name in line and fragment in line for line in r.stderr.splitlines()), name
    expected = sum(y for _, _, y in gen.CORPUS.values())
    assert f"{expected} documents imported" in r.stdout
    print(f"\nbad inputs: {len(gen.CORPUS)} corpus files + 4 generated big ones "
          f"({sum(1 for _, f, _ in gen.CORPUS.values() if f)} refused with a message)")


def test_hostile_html_is_shown_as_plain_text(qtbot, project):
    from PySide6.QtGui import QTextDocument

    from annotator.qt.main_window import MainWindow

    rep = import_paths(project, [BAD / "hostile-html.txt", BAD / "hostile-html.jsonl"])
    assert rep.added == 2 and not rep.errors
    w = MainWindow(project, project.ensure_annotator("alice"))
    qtbot.addWidget(w)
    w.show()
    for doc_id in rep.document_ids:
        stored = project.document(doc_id)
        assert "<img" in stored.text  # stored exactly as imported
        w.open_document(doc_id)
        doc: QTextDocument = w.text_view.document()
        assert doc.toRawText().replace("\u2029", "\n") == stored.text
        block = doc.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fmt = it.fragment().charFormat()
                assert not fmt.isImageFormat() and not fmt.isAnchor() and not fmt.anchorHref()
                it += 1
            block = block.next()
        assert not any(f.isImageFormat() for f in doc.allFormats())
        html = doc.toHtml()
        assert not re.search(r"<\s*(img|a|script|iframe|meta|style)\b", html.split("<body", 1)[1])
    titles = [w.doc_model.index(i, 0).data() for i in range(w.doc_model.rowCount())]
    assert any(t.endswith("<img src=x onerror=alert(1)>") for t in titles)  # shown as the characters it has

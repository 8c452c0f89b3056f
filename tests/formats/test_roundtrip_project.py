"""Project → file → new project → file: byte-identical for native, and for every other format
the second export equals the first (nothing the format carries is lost on the way back)."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from annotator.core.model import Layer, NewDocument, Origin, Role
from annotator.core.schema import load_schema
from annotator.services.exporting import ExportOptions, export
from annotator.services.importing import import_documents
from annotator.services.interchange import import_annotations
from annotator.services.sample import default_schema_path
from annotator.storage import Project

FORMATS = ["native", "spacy", "prodigy", "doccano", "conll", "brat", "csv"]
HARD = "Zoe\u0308 Hale met 李明 in 東京 😀 on Tuesday.\r\nThe 🇺🇦 delegation left Karsk.\r\n"


def new_project(path: Path) -> Project:
    return Project.create(path, load_schema(default_schema_path()))


def same(a: Path, b: Path) -> bool:
    if a.is_dir():
        return sorted(x.name for x in a.iterdir()) == sorted(x.name for x in b.iterdir()) and all(
            filecmp.cmp(x, b / x.name, shallow=False) for x in a.iterdir())
    return a.read_bytes() == b.read_bytes()


@pytest.fixture
def source(sample_project):
    """The sample project plus an article with combining marks, CJK, emoji, flags and CRLF."""
    p = sample_project
    did = import_documents(p, [NewDocument(HARD)]).document_ids[0]
    text = p.document(did).text
    assert "\r" not in text and "Zoë" in text  # stored normalised
    alice = p.annotator("alice").id
    lab = {x.name: x.id for x in p.labels() if x.layer != Layer.DOCUMENT}
    for quote, label in [("Zoë Hale", "PERSON"), ("李明", "PERSON"), ("東京", "GPE"), ("Karsk", "GPE"),
                         ("Tuesday", "DATE")]:
        s = text.index(quote)
        p.add_span(did, alice, lab[label], s, s + len(quote))
    s = text.index("The 🇺🇦")
    claim = p.add_span(did, alice, lab["CLAIM"], s, text.index("Karsk") + 5,
                       {"stance": "refutes", "claimant": "Zoë \"the\" Hale 😀"})
    zoe = [x for x in p.spans(did, alice) if x.start == 0][0]
    p.add_relation(alice, claim.id, zoe.id, "claimant")
    p.set_document_label(did, alice, "stance", p.label_by_name("AGAINST", Layer.DOCUMENT).id)
    return p


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_import_export(source, tmp_path, fmt):
    first, second = tmp_path / f"first.{fmt}", tmp_path / f"second.{fmt}"
    export(source, ExportOptions(fmt, first, annotator="alice"))
    target = new_project(tmp_path / "target.annotator")
    if fmt == "csv":  # a CSV of spans has no texts: the documents must be there first
        import_documents(target, [NewDocument(d.text, title=d.title) for d in source.documents()])
    rep = import_annotations(target, first, fmt, annotator="alice")
    assert not rep.errors and rep.spans > 0
    export(target, ExportOptions(fmt, second, annotator="alice"))
    assert same(first, second)
    if fmt in ("native", "brat", "csv", "doccano", "spacy", "prodigy"):
        # the hard article's spans arrive on the same characters
        alice = target.annotator("alice").id
        doc = next(d for d in target.documents() if d.text.startswith("Zoë"))
        got = sorted(doc.text[x.start:x.end] for x in target.spans(doc.id, alice))
        assert got == sorted(["Zoë Hale", "李明", "東京", "Karsk", "Tuesday", "The 🇺🇦 delegation left Karsk"])


def test_native_keeps_status_origin_relations_and_attrs(source, tmp_path):
    out = tmp_path / "n.jsonl"
    export(source, ExportOptions("native", out, annotator="alice"))
    target = new_project(tmp_path / "t.annotator")
    import_annotations(target, out, "native")  # annotator name from the file
    alice = target.annotator("alice")
    doc = next(d for d in target.documents() if d.text.startswith("Zoë"))
    claim = next(s for s in target.spans(doc.id, alice.id) if s.label_id == target.label_by_name("CLAIM").id)
    assert claim.attrs == {"stance": "refutes", "claimant": "Zoë \"the\" Hale 😀"}
    [rel] = target.relations(doc.id, alice.id)
    assert rel.head_span_id == claim.id and target.span(rel.tail_span_id).start == 0
    src_status = {source.document(d).content_hash: s for (d, _), s in source.statuses(source.annotator("alice").id).items()}
    got_status = {target.document(d).content_hash: s for (d, _), s in target.statuses(alice.id).items()}
    assert got_status == src_status


def test_pre_annotations_get_origin_import_and_leave_status(source, tmp_path):
    out = tmp_path / "p.jsonl"
    export(source, ExportOptions("prodigy", out, annotator="alice"))
    rep = import_annotations(source, out, "prodigy", annotator="dana", mode="pre")
    assert rep.added == 0 and rep.matched == len(rep.document_ids) == 4
    dana = source.annotator("dana")
    assert dana.role == Role.ANNOTATOR
    spans = [s for d in rep.document_ids for s in source.spans(d, dana.id)]
    assert spans and {s.origin for s in spans} == {Origin.IMPORT}
    assert source.statuses(dana.id) == {}


def test_existing_work_is_kept_unless_replace(source, tmp_path):
    out = tmp_path / "d.jsonl"
    export(source, ExportOptions("doccano", out, annotator="bo"))
    before = source.span_count(source.annotator("alice").id)
    rep = import_annotations(source, out, "doccano", annotator="alice")
    overlap = list(rep.document_ids)
    assert rep.skipped  # alice had work on some of bo's documents: left alone and reported
    assert all("annotations by this annotator" in s for s in rep.skipped)
    assert source.span_count(source.annotator("alice").id) >= before
    rep2 = import_annotations(source, out, "doccano", annotator="alice", replace=True)
    assert not rep2.skipped and len(rep2.document_ids) == len(overlap) + len(rep.skipped)


def test_unknown_labels_are_refused_unless_added(project, tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_text('{"text": "Bayer bought Monsanto", "label": [[0, 5, "COMPANY"]]}\n', encoding="utf-8")
    rep = import_annotations(project, f, "doccano", annotator="x")
    assert rep.errors and "COMPANY" in str(rep.errors[0]) and project.count_documents() == 0
    rep = import_annotations(project, f, "doccano", annotator="x", add_labels=True)
    assert not rep.errors and project.label_by_name("COMPANY").layer == Layer.ENTITY


def test_brat_file_from_elsewhere(project, tmp_path):
    """A brat folder as brat writes it: discontinuous fragments, attributes, notes, relations."""
    d = tmp_path / "brat"
    d.mkdir()
    text = "Hale said\ntroops left 東京 😀 on Tuesday."
    (d / "a.txt").write_bytes(text.encode())
    s = text.index("troops")
    (d / "a.ann").write_bytes((
        f"T1\tPERSON 0 4\tHale\n"
        f"T2\tCLAIM 0 9;10 {text.index(' on')}\tHale said troops left 東京 😀\n"
        f"A1\tstance T2 supports\n#1\tAnnotatorNotes T2\tclaimant: \"Hale\"\n"
        f"R1\tclaimant Arg1:T2 Arg2:T1\n"
        f"T3\tGPE {text.index('東京')} {text.index('東京') + 2}\t東京\n").encode())
    rep = import_annotations(project, d, "brat", annotator="b")
    assert not rep.errors and rep.spans == 3 and rep.relations == 1
    b = project.annotator("b").id
    [doc] = project.documents()
    got = {project.label(x.label_id).name: (doc.text[x.start:x.end], x.attrs) for x in project.spans(doc.id, b)}
    assert got["GPE"] == ("東京", {})
    assert got["CLAIM"] == ("Hale said\ntroops left 東京 😀", {"stance": "supports", "claimant": "Hale"})
    assert s > 0 and doc.text == text

"""The export service: views (annotator, gold, merged majority), splits, atomic files, CLI."""

from __future__ import annotations

from collections import Counter

import orjson
import pytest
import spacy
from spacy.tokens import DocBin

from annotator.core.model import Layer, NewDocument, Status
from annotator.services.exporting import (
    ExportError,
    ExportOptions,
    assign_splits,
    export,
)
from annotator.services.importing import Cancelled, import_documents


def native_docs(path):
    lines = path.read_bytes().splitlines()
    return orjson.loads(lines[0]), [orjson.loads(x) for x in lines[1:]]


def spans_of(doc):
    return sorted((doc["text"][s["start"]:s["end"]], s["label"]) for s in doc["spans"])


def test_merged_view_is_strict_majority(sample_project, tmp_path):
    p = sample_project
    out = tmp_path / "m.jsonl"
    export(p, ExportOptions("native", out, merged=True))
    head, docs = native_docs(out)
    assert head["view"] == "merged"
    first = next(d for d in docs if d["meta"]["file"].startswith("01"))
    got = spans_of(first)
    # alice, bo and chen all worked on 01: two of three agree on these, so they are in
    assert ("Veldoria", "GPE") in got and ("more than 10,000", "CARDINAL") in got
    assert ("Ostrava", "GPE") in got  # alice + bo (chen said LOC: outvoted)
    assert ("Ostrava", "LOC") not in got and ("10,000", "CARDINAL") not in got  # one vote each
    assert ("Northwire", "ORG") not in got and ("Tuesday", "DATE") not in got
    claim = next(s for s in first["spans"] if s["label"] == "CLAIM")
    assert claim["attrs"] == {"stance": "supports", "claimant": "two defence officials"}
    # by hand, from the annotators' own exports: every merged span has > half the votes
    votes: Counter = Counter()
    workers = 0
    for who in ("alice", "bo", "chen", "lead"):
        f = tmp_path / f"{who}.jsonl"
        export(p, ExportOptions("native", f, annotator=who))
        for d in native_docs(f)[1]:
            if d["hash"] == first["hash"]:
                workers += 1
                votes.update(set(spans_of(d)))
    assert set(got) == {k for k, v in votes.items() if 2 * v > workers}


def test_gold_view_and_documents_worked_on(project, tmp_path):
    ids = import_documents(project, [NewDocument(f"Story {i} about Karsk.") for i in range(5)]).document_ids
    gold = project.gold().id
    lab = project.label_by_name("GPE").id
    project.add_span(ids[0], gold, lab, 15, 20)
    project.set_status(ids[1], gold, Status.DONE)  # looked at, nothing there: a negative example
    out = tmp_path / "g.jsonl"
    rep = export(project, ExportOptions("native", out, gold=True))
    _, docs = native_docs(out)
    assert rep.documents == 2 and [d["text"] for d in docs] == ["Story 0 about Karsk.", "Story 1 about Karsk."]
    assert docs[0]["annotator"] == "gold" and docs[1]["spans"] == [] and docs[1]["status"] == "done"
    rep = export(project, ExportOptions("native", out, gold=True, all_documents=True, force=True))
    assert rep.documents == 5


def test_view_must_be_one_and_known(sample_project, tmp_path):
    with pytest.raises(ExportError, match="exactly one"):
        export(sample_project, ExportOptions("native", tmp_path / "x", annotator="alice", gold=True))
    with pytest.raises(ExportError, match="no annotator 'zed'.*alice"):
        export(sample_project, ExportOptions("native", tmp_path / "x", annotator="zed"))
    with pytest.raises(ExportError, match="unknown format"):
        export(sample_project, ExportOptions("xml", tmp_path / "x", annotator="alice"))


def test_split_is_seeded_and_stratified():
    ids = list(range(1, 101))
    strata = {i: ("FAVOR" if i <= 60 else "AGAINST" if i <= 90 else "NONE") for i in ids}
    a = assign_splits(ids, [0.8, 0.1, 0.1], 7, strata)
    assert a == assign_splits(list(reversed(ids)), [0.8, 0.1, 0.1], 7, strata)  # input order does not matter
    assert a != assign_splits(ids, [0.8, 0.1, 0.1], 8, strata)
    per = Counter((strata[i], s) for i, s in a.items())
    assert per[("FAVOR", "train")] == 48 and per[("FAVOR", "dev")] == 6 and per[("FAVOR", "test")] == 6
    assert per[("AGAINST", "train")] == 24 and per[("AGAINST", "dev")] == 3 and per[("AGAINST", "test")] == 3
    assert per[("NONE", "train")] == 8 and per[("NONE", "dev")] + per[("NONE", "test")] == 2
    plain = Counter(assign_splits(ids, [0.8, 0.2], 1).values())
    assert plain == {"train": 80, "dev": 20}
    with pytest.raises(ExportError):
        assign_splits(ids, [0.8, 0.3], 1)


def test_split_files_and_shards(sample_project, tmp_path):
    out = tmp_path / "corpus"
    rep = export(sample_project, ExportOptions("spacy", out, merged=True, split=[0.5, 0.5], seed=1, shard_docs=1))
    assert sorted(x.name for x in out.iterdir()) == ["dev", "train"]
    n = sum(len(DocBin().from_disk(f)) for f in out.rglob("*.spacy"))
    assert n == rep.documents == sum(rep.per_split.values())
    assert all(len(DocBin().from_disk(f)) == 1 for f in out.rglob("*.spacy"))


def test_cancel_leaves_nothing(sample_project, tmp_path):
    out = tmp_path / "exports"
    out.mkdir()
    with pytest.raises(Cancelled):
        export(sample_project, ExportOptions("spacy", out / "c.spacy", merged=True), cancelled=lambda: True)
    with pytest.raises(Cancelled):
        export(sample_project, ExportOptions("brat", out / "b", merged=True, split=[0.5, 0.5]), cancelled=lambda: True)
    assert list(out.iterdir()) == []


def test_force_replaces_a_folder_atomically(sample_project, tmp_path):
    out = tmp_path / "brat"
    export(sample_project, ExportOptions("brat", out, annotator="alice"))
    (out / "stale.ann").write_text("T1\tGPE 0 1\tx\n")
    export(sample_project, ExportOptions("brat", out, annotator="bo", force=True))
    assert not (out / "stale.ann").exists() and "Northwire" in (out / "26efe0d51cadfa9d.ann").read_text()
    assert not [x for x in tmp_path.iterdir() if x.name.startswith(".")]


def test_conll_output_reads_in_spacy_convert(sample_project, tmp_path):
    """spaCy's own CoNLL reader gives the same entities as our DocBin export."""
    from spacy.training.converters import conll_ner_to_docs

    export(sample_project, ExportOptions("conll", tmp_path / "a.conll", annotator="bo"))
    export(sample_project, ExportOptions("spacy", tmp_path / "a.spacy", annotator="bo"))
    theirs = conll_ner_to_docs((tmp_path / "a.conll").read_text(encoding="utf-8"), n_sents=0, no_print=True)
    ours = list(DocBin().from_disk(tmp_path / "a.spacy").get_docs(spacy.blank("en").vocab))
    def ents(docs):  # CoNLL keeps tokens, not the white space between them
        return [[([t.text for t in e if not t.is_space], e.label_) for e in d.ents] for d in docs]

    assert ents(theirs) == ents(ours) and sum(map(len, ents(ours))) > 10


@pytest.mark.subprocess
def test_cli_export(cli, sample_project, tmp_path):
    proj = sample_project.path
    out = tmp_path / "train"
    r = cli("export", "--format", "spacy", "--merged", "--out", out, "--split", "0.5,0.5", "--stratify",
            "--seed", "4", "--project", proj, tmp_path=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "exported to" in r.stdout and (out / "train.spacy").exists() and (out / "dev.spacy").exists()
    r = cli("export", "-f", "csv", "--annotator", "alice", "--out", out, "--project", proj, tmp_path=tmp_path)
    assert r.returncode == 1 and "--force" in r.stderr and (out / "train.spacy").exists()
    r = cli("export", "-f", "csv", "--annotator", "alice", "--out", tmp_path / "a.csv", "--project", proj,
            tmp_path=tmp_path)
    assert r.returncode == 0 and (tmp_path / "a.csv").read_bytes().startswith(b"\xef\xbb\xbfdocument,")
    r = cli("export", "-f", "spacy", "--annotator", "alice", "--gold", "--out", tmp_path / "x", "--project", proj,
            tmp_path=tmp_path)
    assert r.returncode == 2 and "not allowed with" in r.stderr
    r = cli("import-annotations", tmp_path / "a.csv", "--format", "csv", "--as", "eve", "--pre", "--project", proj,
            tmp_path=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "spans" in r.stdout


def test_stance_label_in_cats(sample_project, tmp_path):
    p = sample_project
    out = tmp_path / "a.spacy"
    export(p, ExportOptions("spacy", out, annotator="alice"))
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    alice = p.annotator("alice").id
    want = []
    for d in p.documents():
        labs = p.document_labels(d.id, alice)
        if labs:
            want.append(p.label(labs[0].label_id).name)
    got = [max(d.cats, key=d.cats.get) for d in docs if d.cats]
    assert got == want and all(set(d.cats) == {"FAVOR", "AGAINST", "NONE"} for d in docs if d.cats)
    assert p.label_by_name("FAVOR", Layer.DOCUMENT) is not None

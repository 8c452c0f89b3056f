"""Export to spaCy's DocBin and let spaCy itself check the result."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from annotator.core.model import Layer, NewDocument
from annotator.services.exporting import ExportOptions, OutputExists, export
from annotator.services.importing import import_documents

TEXTS = [
    "Veldoria moved 10,000 troops to Ostrava on Tuesday, said Anika Sorel of the Northwire agency.",
    "In 東京 😀 the minister Zoë Hale denied that Karsk sent troops to the border.",
    "Jonas Hale told reporters in Brezno that the Veldorian army had left.",
    "Officials in Ostrava said 300 soldiers crossed the river at dawn, according to Reuters.",
]


def _add(p, doc_id, who, label, quote, attrs=None, nth=0):
    text = p.document(doc_id).text
    start = -1
    for _ in range(nth + 1):
        start = text.index(quote, start + 1)
    return p.add_span(doc_id, who, p.label_by_name(label).id, start, start + len(quote), attrs)


@pytest.fixture
def annotated(project):
    """A small project whose gold set has entities (one overlap), a claim with a claimant
    relation, a span off token boundaries, and a stance per document."""
    rep = import_documents(project, [NewDocument(t) for t in TEXTS])
    ids = rep.document_ids
    gold = project.gold().id
    p = project
    _add(p, ids[0], gold, "GPE", "Veldoria")
    _add(p, ids[0], gold, "CARDINAL", "10,000")
    _add(p, ids[0], gold, "GPE", "Ostrava")
    _add(p, ids[0], gold, "DATE", "Tuesday")
    who = _add(p, ids[0], gold, "PERSON", "Anika Sorel")
    _add(p, ids[0], gold, "ORG", "Northwire agency")
    _add(p, ids[0], gold, "ORG", "Northwire")  # overlaps the longer ORG: only one can be in doc.ents
    claim = _add(p, ids[0], gold, "CLAIM", "Veldoria moved 10,000 troops to Ostrava",
                 {"stance": "supports", "claimant": "Anika Sorel"})
    p.add_relation(gold, claim.id, who.id, "claimant")
    _add(p, ids[1], gold, "GPE", "東京")
    _add(p, ids[1], gold, "PERSON", "Zoë Hale")
    _add(p, ids[1], gold, "GPE", "Kars")  # off token boundaries: expand makes it "Karsk"
    _add(p, ids[2], gold, "PERSON", "Jonas Hale")
    _add(p, ids[2], gold, "GPE", "Brezno")
    _add(p, ids[2], gold, "NORP", "Veldorian")
    _add(p, ids[3], gold, "GPE", "Ostrava")
    _add(p, ids[3], gold, "CARDINAL", "300")
    _add(p, ids[3], gold, "ORG", "Reuters")
    for d, stance in zip(ids, ["FAVOR", "AGAINST", "NONE", "FAVOR"]):
        p.set_document_label(d, gold, "stance", p.label_by_name(stance, Layer.DOCUMENT).id)
    return p


PEOPLE = ["Anika Sorel", "Jonas Hale", "Zoë Brandt", "李 明", "Marta Nowak", "Omar Haddad"]
PLACES = ["Ostrava", "Karsk", "Brezno", "東京", "Veldoria", "Lutsk"]
ORGS = ["Northwire", "Reuters", "the Borean Army", "NATO"]


@pytest.fixture
def corpus(project):
    """160 short annotated articles: enough for spaCy to consider training a blank pipeline."""
    docs = []
    for i in range(160):
        who, where, org = PEOPLE[i % 6], PLACES[(i // 6) % 6], ORGS[i % 4]
        text = f"{who} said on Tuesday that {i + 2} soldiers had reached {where}, {org} reported. 😀 Story {i}."
        docs.append(NewDocument(text))
    ids = import_documents(project, docs).document_ids
    gold = project.gold().id
    lab = {x.name: x.id for x in project.labels()}
    rows = []
    for d in ids:
        text = project.document(d).text
        pairs = [(text.split(" said")[0], "PERSON"), ("Tuesday", "DATE")]
        pairs += [(p, "GPE") for p in PLACES] + [(o, "ORG") for o in ORGS]
        for quote, label in pairs:
            if quote in text:
                s = text.index(quote)
                rows.append((d, gold, lab[label], s, s + len(quote), {}, "manual"))
    project.add_spans(rows)
    return project


def load(path: Path):
    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


def test_docbin_has_ents_spans_cats(annotated, tmp_path):
    out = tmp_path / "gold.spacy"
    rep = export(annotated, ExportOptions("spacy", out, gold=True))
    assert rep.documents == 4
    docs = load(out)
    d0, d1 = docs[0], docs[1]
    assert [(e.text, e.label_) for e in d0.ents] == [
        ("Veldoria", "GPE"), ("10,000", "CARDINAL"), ("Ostrava", "GPE"), ("Tuesday", "DATE"),
        ("Anika Sorel", "PERSON"), ("Northwire agency", "ORG")]
    # the overlap is reported, and kept in doc.spans
    assert [(i.kind, i.label) for i in rep.issues if i.kind == "overlap"] == [("overlap", "ORG")]
    assert ("Northwire", "ORG") in [(s.text, s.label_) for s in d0.spans["entity"]]
    assert [(s.text, s.label_) for s in d0.spans["claim"]] == [("Veldoria moved 10,000 troops to Ostrava", "CLAIM")]
    assert d0.cats == {"FAVOR": 1.0, "AGAINST": 0.0, "NONE": 0.0}
    info = d0.user_data["annotator"]
    assert info["attrs"]["claim"][0] == {"stance": "supports", "claimant": "Anika Sorel"}
    head_layer, head_i, tail_layer, tail_i, kind = info["relations"][0]
    assert kind == "claimant" and d0.spans[tail_layer][tail_i].text == "Anika Sorel"
    # CJK and emoji: exact offsets; the unaligned "Kars" snapped (and reported)
    assert [(e.text, e.label_) for e in d1.ents] == [("東京", "GPE"), ("Zoë Hale", "PERSON"), ("Karsk", "GPE")]
    assert [i.kind for i in rep.issues if i.label == "GPE"] == ["snapped"]
    assert d1.cats["AGAINST"] == 1.0


def test_skip_mode_reports_and_leaves_out(annotated, tmp_path):
    rep = export(annotated, ExportOptions("spacy", tmp_path / "g.spacy", gold=True, align="skip"))
    skipped = [i for i in rep.issues if i.kind == "skipped"]
    assert len(skipped) == 1 and skipped[0].label == "GPE" and "'Kars'" in skipped[0].detail
    assert "Karsk" not in [e.text for e in load(tmp_path / "g.spacy")[1].ents]


def test_refuses_to_overwrite_and_force(annotated, tmp_path):
    out = tmp_path / "gold.spacy"
    out.write_bytes(b"precious")
    with pytest.raises(OutputExists):
        export(annotated, ExportOptions("spacy", out, gold=True))
    assert out.read_bytes() == b"precious"
    export(annotated, ExportOptions("spacy", out, gold=True, force=True))
    assert len(load(out)) == 4
    assert [f.name for f in tmp_path.iterdir() if f.name.startswith(".")] == []  # no temporary files left


def _config(tmp_path: Path) -> Path:
    cfg = tmp_path / "ner.cfg"
    subprocess.run([sys.executable, "-m", "spacy", "init", "config", str(cfg), "--lang", "en", "--pipeline", "ner",
                    "--optimize", "efficiency", "--force"], check=True, capture_output=True, text=True)
    return cfg


def test_spacy_debug_data_finds_no_errors(corpus, tmp_path):
    out = tmp_path / "corpus"
    rep = export(corpus, ExportOptions("spacy", out, gold=True, split=[0.8, 0.2], seed=3))
    assert rep.per_split == {"train": 128, "dev": 32} and not rep.issues
    cfg = _config(tmp_path)
    r = subprocess.run([sys.executable, "-m", "spacy", "debug", "data", str(cfg), "--paths.train",
                        str(out / "train.spacy"), "--paths.dev", str(out / "dev.spacy")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "\u2718" not in r.stdout, r.stdout  # spaCy marks every error with ✘
    assert "128 training docs" in r.stdout and "32 evaluation docs" in r.stdout
    assert "checks passed" in r.stdout


@pytest.mark.slow
def test_spacy_trains_on_the_export(corpus, tmp_path):
    out = tmp_path / "corpus"
    export(corpus, ExportOptions("spacy", out, gold=True, split=[0.8, 0.2], seed=3))
    cfg = _config(tmp_path)
    r = subprocess.run([sys.executable, "-m", "spacy", "train", str(cfg), "--output", str(tmp_path / "model"),
                        "--paths.train", str(out / "train.spacy"), "--paths.dev", str(out / "dev.spacy"),
                        "--training.max_steps", "6", "--training.eval_frequency", "3"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    nlp = spacy.load(tmp_path / "model" / "model-last")
    assert set(nlp.get_pipe("ner").labels) >= {"GPE", "PERSON", "ORG"}

"""Conformance: files written the way doccano, Prodigy, brat and CoNLL corpora write them
(tests/formats/conformance/, made by make_fixtures.py from each tool's documented format)
are imported with the CLI, as a user would, and every case is either stored exactly (each
span's stored text is what the tool showed) or refused with a message naming file:line
and exit code 1 — never stored wrong with exit code 0."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "conformance"

# id, command, path, extra args, exit code, stored {(annotator, label, span text)}, documents,
# {(annotator, document label)}, substrings every one of which some error line contains
CASES = [
    ("doccano-seq-utf16", "import-annotations", "doccano/seq_labeling/admin.jsonl", ["-f", "doccano", "--as", "alice"],
     0, {("alice", "PERSON", "Kim Jong Un"), ("alice", "PERSON", "Putin"), ("alice", "GPE", "Moscow"),
         ("alice", "DATE", "Tuesday"), ("alice", "PERSON", "李明"), ("alice", "GPE", "東京"),
         ("alice", "PERSON", "Zoé Hale"), ("alice", "PERSON", "Hale"), ("alice", "GPE", "Karsk")}, 3, set(), []),
    ("doccano-seq-plain-import", "import", "doccano/seq_labeling/admin.jsonl", ["--as", "alice"],
     0, {("alice", "PERSON", "Kim Jong Un"), ("alice", "PERSON", "Putin"), ("alice", "GPE", "Moscow"),
         ("alice", "DATE", "Tuesday"), ("alice", "PERSON", "李明"), ("alice", "GPE", "東京"),
         ("alice", "PERSON", "Zoé Hale"), ("alice", "PERSON", "Hale"), ("alice", "GPE", "Karsk")}, 3, set(), []),
    ("doccano-relation", "import-annotations", "doccano/relation/admin.jsonl", ["-f", "doccano", "--as", "alice"],
     0, {("alice", "CLAIM", "10,000 troops 🇺🇦 crossed the border"), ("alice", "PERSON", "Hale")}, 1, set(), []),
    ("doccano-relation-dangling", "import-annotations", "doccano/relation_dangling.jsonl",
     ["-f", "doccano", "--as", "alice"],
     1, {("alice", "CLAIM", "10,000 troops 🇺🇦 crossed the border"), ("alice", "PERSON", "Hale")}, 1, set(),
     ["relation_dangling.jsonl:1", "relation 1"]),
    ("doccano-intent", "import-annotations", "doccano/intent/admin.jsonl", ["-f", "doccano", "--as", "alice"],
     0, {("alice", "GPE", "Karsk")}, 1, {("alice", "FAVOR")}, []),
    ("doccano-textcat", "import-annotations", "doccano/textcat/admin.jsonl", ["-f", "doccano", "--as", "alice"],
     0, set(), 1, {("alice", "AGAINST")}, []),
    ("doccano-codepoints-as-utf16", "import-annotations", "doccano/codepoints.jsonl", ["-f", "doccano", "--as", "x"],
     1, set(), 0, set(), ["codepoints.jsonl:1", "surrogate pair", "--offsets codepoints"]),
    ("doccano-codepoints-option", "import-annotations", "doccano/codepoints.jsonl",
     ["-f", "doccano", "--as", "x", "--offsets", "codepoints"], 0, {("x", "PERSON", "Putin")}, 1, set(), []),
    ("doccano-graphemes-option", "import-annotations", "doccano/graphemes.jsonl",
     ["-f", "doccano", "--as", "x", "--offsets", "graphemes"],
     0, {("x", "PERSON", "Putin"), ("x", "PERSON", "Hale")}, 1, set(), []),
    ("doccano-graphemes-plain-import", "import", "doccano/graphemes.jsonl", ["--as", "x", "--offsets", "graphemes"],
     0, {("x", "PERSON", "Putin"), ("x", "PERSON", "Hale")}, 1, set(), []),
    ("prodigy-ner-two-annotators", "import-annotations", "prodigy/ner_manual.jsonl", ["-f", "prodigy"],
     1, {("news_ner-alice", "PERSON", "Hale"), ("news_ner-alice", "PERSON", "李明"), ("news_ner-alice", "GPE", "東京"),
         ("news_ner-bob", "PERSON", "Hale"), ("news_ner-bob", "GPE", "東京"), ("news_ner-bob", "DATE", "Tuesday")},
     1, set(), ["ner_manual.jsonl:3", "'reject'", "ner_manual.jsonl:4", "'ignore'"]),
    ("prodigy-ner-as", "import-annotations", "prodigy/ner_manual.jsonl", ["-f", "prodigy", "--as", "carol"],
     1, {("carol", "PERSON", "Hale"), ("carol", "PERSON", "李明"), ("carol", "GPE", "東京")}, 1, set(),
     ["'reject'", "'ignore'"]),
    ("prodigy-ner-plain-import", "import", "prodigy/ner_manual.jsonl", ["--as", "alice"],
     1, {("alice", "PERSON", "Hale"), ("alice", "PERSON", "李明"), ("alice", "GPE", "東京")}, 3, set(),
     ["ner_manual.jsonl:2", "already in the project", "ner_manual.jsonl:3", "'reject'"]),
    ("prodigy-spans-manual", "import-annotations", "prodigy/spans_manual.jsonl", ["-f", "prodigy"],
     1, {("news_ner-alice", "PERSON", "Hale"), ("news_ner-alice", "CLAIM", "10,000 troops 😀 crossed the border")},
     1, set(), ["spans_manual.jsonl:2", "'reject'"]),
    ("prodigy-utf16-spans", "import-annotations", "prodigy/utf16_spans.jsonl", ["-f", "prodigy", "--as", "x"],
     1, set(), 0, set(), ["utf16_spans.jsonl:1", "UTF-16"]),
    ("prodigy-utf16-spans-plain-import", "import", "prodigy/utf16_spans.jsonl", ["--as", "x"],
     1, set(), 0, set(), ["utf16_spans.jsonl:1", "--offsets utf16"]),
    ("prodigy-utf16-spans-plain-option", "import", "prodigy/utf16_spans.jsonl", ["--as", "x", "--offsets", "utf16"],
     0, {("x", "PERSON", "Hale"), ("x", "GPE", "Karsk")}, 1, set(), []),
    ("prodigy-textcat", "import-annotations", "prodigy/textcat.jsonl", ["-f", "prodigy"],
     1, set(), 2, {("stance-alice", "FAVOR"), ("stance-alice", "AGAINST"), ("stance-bob", "FAVOR")},
     ["textcat.jsonl:2", "'AGAINST' left out", "textcat.jsonl:4", "'reject'"]),
    ("brat-every-line-type", "import-annotations", "brat/every_line", ["-f", "brat", "--as", "b"],
     1, {("b", "PERSON", "Hale"), ("b", "CLAIM", "10,000 troops attacked Karsk"), ("b", "GPE", "Karsk"),
         ("b", "EVENT", "attacked"), ("b", "PERSON", "Zoë Hale")}, 1, set(),
     ["doc1.ann:9", "event E1", "doc1.ann:11", "equivalence", "doc1.ann:12", "A2"]),
    ("brat-discontinuous", "import-annotations", "brat/discontinuous", ["-f", "brat", "--as", "b"],
     1, {("b", "GPE", "Karsk City"), ("b", "LOC", "South America"), ("b", "EVENT", "met in")}, 1, set(),
     ["doc2.ann:1", "discontinuous", "' and South '", "doc2.ann:5", "T1"]),
    ("brat-bom-crlf", "import-annotations", "brat/bom_crlf", ["-f", "brat", "--as", "b"],
     0, {("b", "GPE", "Paris"), ("b", "PERSON", "Hale"), ("b", "PERSON", "Zoë")}, 1, set(), []),
    ("brat-bom-not-counted", "import-annotations", "brat/bom_not_counted", ["-f", "brat", "--as", "b"],
     1, set(), 0, set(), ["doc4.ann:1", "without its byte-order mark", "document refused"]),
    ("conll-2003-iob1-4-columns", "import-annotations", "conll/conll2003.txt", ["-f", "conll", "--as", "c",
                                                                                 "--add-labels"],
     0, {("c", "LOC", "Veldoria"), ("c", "LOC", "Karsk"), ("c", "LOC", "Ostrava"), ("c", "PER", "Jan Hale"),
         ("c", "ORG", "Northwire"), ("c", "PER", "Zoe Novak"), ("c", "LOC", "Prague")}, 2, set(), []),
    ("conll-io", "import-annotations", "conll/io.conll", ["-f", "conll", "--as", "c", "--add-labels"],
     0, {("c", "PER", "Jan Hale"), ("c", "PER", "Zoe"), ("c", "LOC", "Karsk Ostrava")}, 1, set(), []),
    ("conll-iob2", "import-annotations", "conll/iob2.conll", ["-f", "conll", "--as", "c", "--add-labels"],
     0, {("c", "PER", "Jan Hale"), ("c", "PER", "Zoe Novak")}, 1, set(), []),
    ("conll-bioes", "import-annotations", "conll/bioes.conll", ["-f", "conll", "--as", "c", "--add-labels"],
     0, {("c", "PER", "Jan Hale"), ("c", "PER", "Zoe"), ("c", "LOC", "New Karsk City")}, 1, set(), []),
    ("conll-bad-tag", "import-annotations", "conll/bad_tag.conll", ["-f", "conll", "--as", "c", "--add-labels"],
     1, {("c", "PER", "Zoe")}, 1, set(), ["bad_tag.conll:3", "'B_PER'"]),
]


def stored(path: Path) -> tuple[set, int, set]:
    from annotator.storage import Project

    p = Project.open(path)
    try:
        names = {a.id: a.name for a in p.annotators(include_gold=True)}
        labels = {lab.id: lab.name for lab in p.labels()}
        spans, cats, n = set(), set(), 0
        for d in p.documents():
            n += 1
            spans |= {(names[s.annotator_id], labels[s.label_id], d.text[s.start:s.end]) for s in p.spans(d.id)}
            cats |= {(names[c.annotator_id], labels[c.label_id]) for c in p.document_labels(d.id)}
        return spans, n, cats
    finally:
        p.close()


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_real_tool_file_is_read_exactly_or_refused(case, cli, tmp_path):
    name, command, rel, args, code, spans, docs, cats, messages = case
    src = HERE / rel
    path = tmp_path / src.name
    (shutil.copytree if src.is_dir() else shutil.copy)(src, path)
    project = tmp_path / "p.annotator"
    r = cli(command, path, "--project", project, *args)
    assert r.returncode == code, r.stderr
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    for m in messages:
        assert any(m in line for line in errors), (m, r.stderr)
    if code == 0:
        assert not errors
    assert stored(project) == (spans, docs, cats)


def test_brat_every_line_type_keeps_relations_attributes_notes_and_normalisations(cli, tmp_path):
    from annotator.storage import Project

    cli("import-annotations", HERE / "brat/every_line", "-f", "brat", "--as", "b", "--project", tmp_path / "p",
        check=1)
    p = Project.open(tmp_path / "p")
    try:
        [d] = list(p.documents())
        by_text = {d.text[s.start:s.end]: s for s in p.spans(d.id)}
        assert by_text["10,000 troops attacked Karsk"].attrs == {"stance": "supports"}
        assert by_text["Karsk"].attrs == {"norm": [{"type": "Reference", "db": "Wikidata", "id": "Q1234",
                                                    "text": "Karsk"}]}
        assert by_text["Hale"].attrs == {"note": "the minister of defence"}
        [rel] = p.relations(d.id)
        assert (rel.head_span_id, rel.tail_span_id, rel.kind) == (
            by_text["10,000 troops attacked Karsk"].id, by_text["Hale"].id, "claimant")
    finally:
        p.close()


def test_doccano_relation_project_keeps_the_relation(cli, tmp_path):
    r = cli("import-annotations", HERE / "doccano/relation/admin.jsonl", "-f", "doccano", "--as", "a",
            "--project", tmp_path / "p", check=0)
    assert "1 relations" in r.stdout


def test_conll2003_reads_as_spacys_own_converter_reads_it():
    """Our reader and spaCy's CoNLL-2003 converter find the same entities (IOB1, 4 columns)."""
    from spacy.training.converters import conll_ner_to_docs

    from annotator.formats.conll import read

    text = (HERE / "conll/conll2003.txt").read_text(encoding="utf-8")
    theirs = [(e.text, e.label_) for doc in conll_ner_to_docs(text, n_sents=0, no_print=True) for e in doc.ents]
    recs = list(read(HERE / "conll/conll2003.txt"))
    ours = [(r.text[s.start:s.end], s.label) for r in recs for s in r.spans]
    assert ours == theirs and len(ours) == 7 and len(recs) == 2  # spaCy joins the documents; we keep two


def test_spacy_multi_label_cats_keep_one_and_report_the_other(cli, tmp_path):
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    doc = nlp("Troops must go to the border, and they must not.")
    doc.cats = {"FAVOR": 1.0, "AGAINST": 1.0, "NONE": 0.0}
    DocBin(docs=[doc]).to_disk(tmp_path / "cats.spacy")
    r = cli("import-annotations", tmp_path / "cats.spacy", "-f", "spacy", "--as", "s", "--project",
            tmp_path / "p", check=1)
    assert "cats.spacy:1" in r.stderr and "'AGAINST' left out" in r.stderr
    assert stored(tmp_path / "p")[2] == {("s", "FAVOR")}


def test_a_span_inside_a_combining_sequence_never_makes_a_second_copy(cli, tmp_path):
    project = tmp_path / "p.annotator"
    cli("import", HERE / "normalisation/nfc.jsonl", "--project", project, check=0)
    r = cli("import", HERE / "normalisation/nfd_span.jsonl", "--project", project, "--as", "a", check=1)
    assert "already in the project" in r.stderr
    r = cli("import-annotations", HERE / "normalisation/nfd_span.jsonl", "-f", "prodigy", "--as", "a",
            "--project", project, check=1)
    assert "nfd_span.jsonl:1" in r.stderr and "stored as 'Zü'" in r.stderr
    assert stored(project) == ({("a", "GPE", "Zü")}, 1, set())


# ------------------------------------------------------------------ our exports, read by the tools' rules
HARD = "Zoé Hale\tsaid 李明 met 東京 😀 officials.\nThe 🇺🇦 team\u2028left Karsk\nat 10:00 q\u0323\u0307."
HARD_SPANS = [("Zoé Hale", "PERSON"), ("Hale\tsaid", "CLAIM"), ("李明", "PERSON"), ("東京", "GPE"),
              ("officials.\nThe 🇺🇦 team", "CLAIM"), ("team\u2028left Karsk", "CLAIM"), ("🇺🇦", "NORP"),
              ("Karsk", "GPE"), ("q\u0323\u0307", "CARDINAL")]


@pytest.fixture
def hard_project(cli, tmp_path):
    import json

    assert HARD == __import__("unicodedata").normalize("NFC", HARD)
    spans = [{"start": HARD.index(s), "end": HARD.index(s) + len(s), "label": lab} for s, lab in HARD_SPANS]
    f = tmp_path / "hard.jsonl"
    f.write_text(json.dumps({"text": HARD, "spans": spans}, ensure_ascii=False) + "\n", encoding="utf-8")
    project = tmp_path / "hard.annotator"
    cli("import", f, "--project", project, "--as", "alice", check=0)
    return project


def test_doccano_export_reads_right_with_utf16_slicing(cli, tmp_path, hard_project):
    """What doccano's front end does with our export: JavaScript slices the text in UTF-16 units."""
    import json

    out = tmp_path / "d.jsonl"
    cli("export", "-f", "doccano", "--annotator", "alice", "--out", out, "--project", hard_project, check=0)
    [line] = out.read_bytes().rstrip(b"\n").split(b"\n")  # JSON Lines: \n ends a line (U+2028 does not)
    obj = json.loads(line)
    units = obj["text"].encode("utf-16-le")
    got = sorted((units[2 * a:2 * b].decode("utf-16-le"), lab) for a, b, lab in obj["label"])
    assert got == sorted(HARD_SPANS)
    # and it reads back into the same spans
    cli("import-annotations", out, "-f", "doccano", "--as", "bo", "--project", hard_project, check=0)
    spans = stored(hard_project)[0]
    assert {(lab, s) for who, lab, s in spans if who == "bo"} == {(lab, s) for s, lab in HARD_SPANS}


def test_doccano_export_in_code_points_and_graphemes(cli, tmp_path, hard_project):
    import json

    import regex

    for unit in ("codepoints", "graphemes"):
        out = tmp_path / f"{unit}.jsonl"
        cli("export", "-f", "doccano", "--annotator", "alice", "--out", out, "--project", hard_project,
            "--offsets", unit, check=0)
        obj = json.loads(out.read_text(encoding="utf-8"))
        text = obj["text"]
        pieces = regex.findall(r"\X", text) if unit == "graphemes" else list(text)
        got = sorted(("".join(pieces[a:b]), lab) for a, b, lab in obj["label"])
        assert got == sorted(HARD_SPANS), unit


def brat_check(folder: Path) -> list[tuple[str, int, int, str]]:
    """brat v1.3's reading of a folder (server/src/annotation.py, re-stated): the .txt decoded
    whole as UTF-8 (a BOM and each \\r count), .ann lines split where Python's codecs reader
    splits them (str.splitlines); a T line is ID<TAB>TYPE START END[;START END]<TAB>TEXT where
    TEXT equals the fragments' texts joined by one space and fragments do not overlap.
    Returns (type, covering start, covering end, text) per T line; fails on a line brat rejects."""
    out = []
    for ann in sorted(folder.glob("*.ann")):
        doc = ann.with_suffix(".txt").read_bytes().decode("utf-8")
        for line in ann.read_bytes().decode("utf-8").splitlines(keepends=True):
            tid, tail = line.split("\t", 1)
            assert tid[:1] in "TRAE#N*", line
            if tid[0] != "T":
                continue
            data, data_tail = tail[:tail.index("\t")], tail[tail.index("\t"):]
            typ, rest = data.split(" ", 1)
            frags = [tuple(map(int, f.split(" "))) for f in rest.split(";")]
            seen = []
            for a, b in frags:
                assert 0 <= a <= b <= len(doc), line
                assert not any(b >= c and a < d for c, d in seen), f"fragments overlap: {line!r}"
                seen.append((a, b))
            spanlen = sum(b - a for a, b in frags) + len(frags) - 1
            text = data_tail[1:spanlen + 1]
            assert text == " ".join(doc[a:b] for a, b in frags), f"text mismatch: {line!r}"
            rest_tail = data_tail[spanlen + 1:]
            assert rest_tail == "" or rest_tail[0].isspace(), line
            out.append((typ, frags[0][0], frags[-1][1], doc))
    return out


def test_brat_export_passes_brats_text_check_and_covers_our_spans(cli, tmp_path, hard_project):
    out = tmp_path / "brat"
    r = cli("export", "-f", "brat", "--annotator", "alice", "--out", out, "--project", hard_project, check=0)
    assert "snapped" not in r.stderr
    got = sorted((doc[a:b], typ) for typ, a, b, doc in brat_check(out))
    assert got == sorted(HARD_SPANS)
    # a span over a line break is brat fragments around it; reading it back gives the span
    cli("import-annotations", out, "-f", "brat", "--as", "bo", "--project", hard_project, check=0)
    assert {(lab, s) for who, lab, s in stored(hard_project)[0] if who == "bo"} == {(lab, s) for s, lab in HARD_SPANS}

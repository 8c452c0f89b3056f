"""Each importer with good and bad input: clear messages, nothing half-written."""

import codecs
import json

import pytest

from annotator.core.model import Layer
from annotator.services.importing import import_paths

ARTICLE = "Troops gather near Brezno\r\n\r\nKARSK, March 4, 2025 (Northwire) — Veldoria moved 10,000 troops.\r\n"


def counts(p):
    return p.count_documents(), p.span_count()


def test_txt_file_and_folder(project, tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_bytes(ARTICLE.encode())
    (folder / "sub" / "b.txt").write_text("Second story\n\nBody text about Ostrava.")
    (folder / "ignored.png").write_bytes(b"\x89PNG\x00\x00")
    rep = import_paths(project, [folder])
    assert rep.added == 2 and not rep.errors
    doc = project.document(rep.document_ids[0])
    assert "\r" not in doc.text and doc.title == "Troops gather near Brezno"
    assert doc.published == "2025-03-04" and doc.source == "Northwire"
    # the same again: deduplicated
    rep2 = import_paths(project, [folder])
    assert rep2.added == 0 and rep2.duplicates == 2


def test_jsonl_prodigy_and_doccano_spans(project, tmp_path):
    text = "Zoe\u0308 met Hale in 東京 😀 on Tuesday.\r\nMore."
    s = text.index("Hale")
    t = text.index("東京")
    lines = [
        {"text": text, "meta": {"source": "wire", "title": "T1"},
         "spans": [{"start": s, "end": s + 4, "label": "PERSON"}, {"start": t, "end": t + 2, "label": "GPE"}]},
        {"text": "Second " + text, "label": [[7 + s, 7 + s + 4, "PERSON"]]},
    ]
    f = tmp_path / "x.jsonl"
    f.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    rep = import_paths(project, [f], annotator="prodigy")
    assert rep.added == 2 and rep.spans == 3 and not rep.errors
    a = project.annotator("prodigy")
    d1 = project.document(rep.document_ids[0])
    assert d1.title == "T1" and d1.source == "wire"
    got = sorted(d1.text[sp.start:sp.end] for sp in project.spans(d1.id, a.id))
    assert got == ["Hale", "東京"]
    assert d1.text.startswith("Zoë")  # NFC


BAD_LINES = [
    (b'{"text": "ok one"}', None),
    (b'{"text": "truncated', "truncated"),
    (b'[1, 2]', "JSON object"),
    (b'{"title": "no text"}', "no \"text\""),
    (b'{"text": "   "}', "empty"),
    (b'{"text": "abc", "spans": [{"start": 0, "end": 9, "label": "GPE"}]}', "outside the text"),
    (b'{"text": "abc", "spans": [{"start": 2, "end": 1, "label": "GPE"}]}', "reversed"),
    (b'{"text": "abc def", "spans": [{"start": 0, "end": 3, "label": "NOPE"}]}', "unknown label"),
    (b'{"text": "a   b", "spans": [{"start": 1, "end": 3, "label": "GPE"}]}', "white space"),
    (b'{"text": "bad \xff byte"}', "UTF-8"),
    (b'{"text": "ok two"}', None),
]


def test_jsonl_bad_lines_are_reported_and_rest_imports(project, tmp_path):
    f = tmp_path / "mixed.jsonl"
    f.write_bytes(b"\n".join(line for line, _ in BAD_LINES) + b"\n")
    rep = import_paths(project, [f])
    assert rep.added == 2
    msgs = [str(e) for e in rep.errors]
    expected = [(i + 1, m) for i, (_, m) in enumerate(BAD_LINES) if m]
    assert len(msgs) == len(expected)
    for (line, fragment), msg in zip(expected, msgs):
        assert f"mixed.jsonl:{line}:" in msg and fragment in msg
    assert project.span_count() == 0  # no spans from refused records


@pytest.mark.parametrize("name, data, fragment", [
    ("binary.txt", b"\x7fELF\x02\x01\x00\x00binary", "binary"),
    ("latin1.txt", "caf\xe9 story".encode("latin-1"), "UTF-8"),
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\t\n", "empty"),
    ("empty.jsonl", b"", "empty"),
    ("nul.txt", b"a\x00b", "NUL"),
])
def test_bad_files_are_explained(project, tmp_path, name, data, fragment):
    f = tmp_path / name
    f.write_bytes(data)
    good = tmp_path / "good.txt"
    good.write_text("A good article\n\nwith text.")
    rep = import_paths(project, [f, good])
    assert rep.added == 1
    assert len(rep.errors) == 1 and name in str(rep.errors[0]) and fragment in str(rep.errors[0])


def test_utf16_with_bom_is_read(project, tmp_path):
    f = tmp_path / "u16.txt"
    f.write_bytes(codecs.BOM_UTF16_LE + "Title ü\n\nBody 東京".encode("utf-16-le"))
    rep = import_paths(project, [f])
    assert rep.added == 1 and project.document(rep.document_ids[0]).text == "Title ü\n\nBody 東京"


def test_huge_file_is_refused(project, tmp_path):
    f = tmp_path / "big.txt"
    f.write_text("x" * 5000)
    g = tmp_path / "big.jsonl"
    g.write_text(json.dumps({"text": "y" * 5000}) + "\n" + json.dumps({"text": "small"}) + "\n")
    rep = import_paths(project, [f, g], max_bytes=1000)
    assert rep.added == 1 and len(rep.errors) == 2
    assert "big.txt: is 4.9 KB; one article may be at most 1000 bytes" in str(rep.errors[0])
    assert "big.jsonl:1" in str(rep.errors[1])


def test_csv_with_text_column(project, tmp_path):
    f = tmp_path / "a.csv"
    f.write_text('id,body,title\n1,"Line one\nline two",First\n2,,Empty\n3,Third body,Third\n')
    rep = import_paths(project, [f])
    assert rep.added == 0 and "no column 'text'" in str(rep.errors[0]) and "body" in str(rep.errors[0])
    rep = import_paths(project, [f], text_column="body")
    assert rep.added == 2 and len(rep.errors) == 1 and "a.csv:4" in str(rep.errors[0])
    titles = [d.title for d in project.list_documents()]
    assert titles == ["First", "Third"]
    assert project.document(rep.document_ids[0]).meta == {"id": "1"}


def test_add_labels_creates_unknown_labels(project, tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_text('{"text": "Acme Corp rises", "spans": [{"start": 0, "end": 9, "label": "COMPANY"}]}\n')
    rep = import_paths(project, [f], add_labels=True)
    assert rep.spans == 1 and project.label_by_name("COMPANY", Layer.ENTITY)


def test_cancel_leaves_only_whole_batches(project, tmp_path, monkeypatch):
    import annotator.services.importing as imp

    monkeypatch.setattr(imp, "BATCH", 10)
    f = tmp_path / "many.jsonl"
    f.write_text("".join(json.dumps({"text": f"article {i}"}) + "\n" for i in range(35)))
    seen = [0]

    def cancelled():
        seen[0] += 1
        return seen[0] > 25

    with pytest.raises(imp.Cancelled):
        import_paths(project, [f], cancelled=cancelled)
    assert project.count_documents() == 20

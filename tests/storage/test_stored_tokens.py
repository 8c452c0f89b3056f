"""Tokens stored once with the document (migration 0006): the compact form rebuilds exactly the
``Doc`` spaCy's tokenizer makes, exports read them instead of tokenising, and they are made again
when the text or the language changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text as sql

from annotator.core import tokens as core
from annotator.core.model import Layer, NewDocument
from annotator.services.exporting import ExportOptions, export
from annotator.services.importing import import_documents
from annotator.storage import tokens as stored

# the tokenizer's edge cases: leading/trailing/multiple spaces, tabs, CRLF, emoji (outside the
# BMP), CJK, combining marks, exceptions with norms of their own ("n't" -> "not", "gonna"), a
# special case as the first token (spaCy then leaves the sentence start unmarked), a token
# longer than the one-byte form, an abbreviation, a URL
TEXTS = [
    "  lead\n\nspaces  and\ttabs 😀 東京 e\u0301 a\r\nb  ",
    "He's gonna say it: don't, can't, won't. U.S. troops crossed at 10,000km.",
    "Veldoria moved more than 10,000 troops to Ostrava's border 🇺🇦 ",
    "x" * 700 + " tail",
    "See https://example.org/a?b=c&d=e (PDF) — «quoted» 'single' “curly”.",
    "a",
    " ",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_stored_tokens_rebuild_the_tokenizers_doc_exactly(text):
    from spacy.tokens import DocBin

    nlp = core.blank("en")
    blob = core.tokenize(text)
    made = nlp.make_doc(text)
    rebuilt = core.make_doc(nlp, text, blob)
    assert core.covered(blob) == len(text)
    assert [(t.text, t.whitespace_, t.idx, t.norm_) for t in rebuilt] == \
        [(t.text, t.whitespace_, t.idx, t.norm_) for t in made]
    # what an export writes: the same bytes as spaCy's own make_doc + DocBin
    assert DocBin(docs=[rebuilt]).to_bytes() == DocBin(docs=[made]).to_bytes()
    ti = core.TokenIndex(text, blob=blob)
    assert list(zip(ti.starts, ti.ends)) == [(t.idx, t.idx + len(t)) for t in made if not t.is_space]


def test_compact_form_is_about_a_byte_per_token():
    text = " ".join(["troops", "crossed", "the", "border"] * 500)
    blob = core.tokenize(text)
    assert len(blob) < 2000 + 16 * 2  # 2,000 tokens, a 16-byte header


def _doc_ids(project) -> dict[int, str]:
    return {d.id: d.text for d in project.documents()}


def test_tokens_are_made_once_then_read(project):
    import_documents(project, [NewDocument(t, title=f"t{i}") for i, t in enumerate(TEXTS[:5])])
    texts = _doc_ids(project)
    assert stored.count_stored(project) == 0  # not at import: made the first time they are needed
    first = stored.blobs(project, texts, "en")
    assert stored.count_stored(project) == len(texts)
    assert stored.stored(project, texts, "en") == first
    did = next(iter(texts))
    idx = stored.token_index(project, did, texts[did], "en")
    assert list(zip(idx.starts, idx.ends)) == list(zip(core.TokenIndex(texts[did]).starts,
                                                       core.TokenIndex(texts[did]).ends))


def test_tokens_are_made_again_when_text_or_language_changes(project):
    import_documents(project, [NewDocument("Troops crossed the border.", title="a")])
    (did, text), = _doc_ids(project).items()
    stored.blobs(project, {did: text}, "en")
    assert stored.stored(project, {did: text}, "de") == {}  # another language: not valid
    with project.write() as c:  # the text changes (no such edit today; the trigger guards it)
        c.execute(sql("UPDATE document SET text = 'Troops did not cross.' WHERE id = :i"), {"i": did})
    assert stored.count_stored(project) == 0
    new = "Troops did not cross."
    assert core.TokenIndex(new, blob=stored.blobs(project, {did: new}, "en")[did]).starts == [0, 7, 11, 15, 20]


def test_spacy_export_reads_stored_tokens_and_writes_the_same_file(sample_project, tmp_path: Path, monkeypatch):
    first = export(sample_project, ExportOptions("spacy", tmp_path / "a.spacy", annotator="alice"))
    assert first.documents > 0
    assert stored.count_stored(sample_project) >= first.documents  # made and stored by the first export
    # the second export must not run the tokenizer: count its calls
    lang_class = type(core.blank("en"))
    real = lang_class.make_doc
    calls: list[str] = []

    def counting(self, text):
        calls.append(text)
        return real(self, text)

    monkeypatch.setattr(lang_class, "make_doc", counting)
    export(sample_project, ExportOptions("spacy", tmp_path / "b.spacy", annotator="alice"))
    assert calls == []
    assert (tmp_path / "a.spacy").read_bytes() == (tmp_path / "b.spacy").read_bytes()


def test_prodigy_and_conll_exports_match_with_and_without_stored_tokens(sample_project, tmp_path: Path):
    for fmt in ("prodigy", "conll"):
        with sample_project.write() as c:
            c.execute(sql("DELETE FROM document_token"))
        export(sample_project, ExportOptions(fmt, tmp_path / f"cold.{fmt}", annotator="alice"))
        export(sample_project, ExportOptions(fmt, tmp_path / f"warm.{fmt}", annotator="alice"))
        assert (tmp_path / f"cold.{fmt}").read_bytes() == (tmp_path / f"warm.{fmt}").read_bytes()


def test_workspace_snapping_uses_stored_tokens(project):
    import_documents(project, [NewDocument("Ostrava's border troops said 10,000 more.", title="a")])
    (did, text), = _doc_ids(project).items()
    idx = stored.token_index(project, did, text, "en")
    assert stored.count_stored(project) == 1
    s = text.index("0,0")
    assert text[slice(*idx.snap(s, s + 2))] == "10,000"
    assert project.labels(Layer.ENTITY)


def test_spacy_export_leaves_srsly_as_it_found_it(sample_project, tmp_path: Path):
    import srsly.msgpack
    from spacy.tokens import DocBin

    export(sample_project, ExportOptions("spacy", tmp_path / "a.spacy", annotator="alice", split=(0.5, 0.5)))
    assert "get_all" not in vars(srsly.msgpack.msgpack_encoders)  # the registry's own lookup is back
    docs = [d for part in ("train", "dev") for d in DocBin().from_disk(tmp_path / "a.spacy" / f"{part}.spacy")
            .get_docs(core.blank("en").vocab)]
    assert docs and all(d.user_data["annotator"]["annotator"] == "alice" for d in docs)

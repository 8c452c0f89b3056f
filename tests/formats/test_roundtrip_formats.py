"""Property tests: every format's writer and reader agree, over random texts and spans
(emoji, CJK, combining marks, line breaks) — exact where the format can carry it."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.util import filter_spans

from annotator.formats.records import ExportContext, RecRelation, RecSpan, Record
from annotator.services.exporting import interchange

PIECES = ["Veldoria", "東京", "😀", "Zoë", "Zoe\u0301", "李明", "‍👩‍👩‍👧", "U.S.", "don't", "10,000", "—", ",", ".",
          "Karsk's", "(Ostrava)", "e\u0301\u0323", "🇺🇦", "\u00a0", "a-b", "x"]
SEPS = [" ", " ", " ", "\n", "\n\n", "  ", ""]
ENTITY = ["PERSON", "ORG", "GPE", "DATE"]
STANCE = ("FAVOR", "AGAINST", "NONE")
CTX = dict(language="en", view="alice", categories={"stance": STANCE},
           labels=tuple({"name": n, "layer": "entity"} for n in ENTITY) + ({"name": "CLAIM", "layer": "claim"},))
NLP = spacy.blank("en")
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def records(draw) -> Record:
    words = draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=14))
    seps = draw(st.lists(st.sampled_from(SEPS), min_size=len(words), max_size=len(words)))
    text = "".join(w + s for w, s in zip(words, seps)).strip() or "x"
    spans: list[RecSpan] = []
    for _ in range(draw(st.integers(0, 6))):
        a = draw(st.integers(0, len(text) - 1))
        b = draw(st.integers(a + 1, len(text)))
        if not text[a:b].strip():
            continue
        if draw(st.booleans()):
            spans.append(RecSpan(a, b, draw(st.sampled_from(ENTITY)), "entity"))
        else:
            attrs = {"stance": draw(st.sampled_from(["supports", "refutes", "neutral"])),
                     "claimant": draw(st.text(alphabet="ab \t\"😀東\n:", max_size=8))}
            spans.append(RecSpan(a, b, "CLAIM", "claim", attrs))
    seen, uniq = set(), []
    for s in spans:
        if (s.start, s.end, s.layer, s.label) not in seen:
            seen.add((s.start, s.end, s.layer, s.label))
            uniq.append(s)
    rels = []
    claims = [i for i, s in enumerate(uniq) if s.layer == "claim"]
    ents = [i for i, s in enumerate(uniq) if s.layer == "entity"]
    if claims and ents and draw(st.booleans()):
        rels.append(RecRelation(claims[0], ents[-1], "claimant"))
    cats = {"stance": draw(st.sampled_from(STANCE))} if draw(st.booleans()) else {}
    return Record(text, title="T", content_hash=f"h{len(text)}", annotator="alice", status="done", cats=cats,
                  spans=uniq, relations=rels, meta={"file": "x.txt"}).canonical()


def roundtrip(fmt: str, rec: Record, align: str = "skip") -> tuple[list[Record], list]:
    ic = interchange(fmt)
    d = Path(tempfile.mkdtemp())
    try:
        path = d / "out"
        w = ic.writer(path, ExportContext(align=align, **CTX))
        issues = w.write(Record(**{k: getattr(rec, k) for k in rec.__slots__}))
        w.close()
        out = list(ic.read(path, categories={"stance": STANCE}))
    finally:
        shutil.rmtree(d)
    assert all(isinstance(r, Record) for r in out), out
    return out, issues


def spans_of(rec: Record, with_attrs: bool = True) -> list[tuple]:
    return [(s.start, s.end, s.label) + ((s.attrs,) if with_attrs else ()) for s in rec.spans]


def rels_of(rec: Record) -> list[tuple]:
    return sorted((spans_of(rec)[r.head][:3], spans_of(rec)[r.tail][:3], r.kind) for r in rec.relations)


def aligned_only(rec: Record) -> Record:
    """What a token-based format can carry with --align skip."""
    doc = NLP.make_doc(rec.text)
    keep = [i for i, s in enumerate(rec.spans) if doc.char_span(s.start, s.end) is not None]
    index = {old: new for new, old in enumerate(keep)}
    return Record(rec.text, spans=[rec.spans[i] for i in keep], cats=rec.cats,
                  relations=[RecRelation(index[r.head], index[r.tail], r.kind) for r in rec.relations
                             if r.head in index and r.tail in index])


@SETTINGS
@given(records())
def test_native_keeps_everything(rec):
    [back], issues = roundtrip("native", rec)
    assert not issues
    back.where = rec.where
    assert back == rec


@SETTINGS
@given(records())
def test_brat_keeps_spans_attributes_relations(rec):
    """Exact, except a span that starts or ends with a line break: a brat T line cannot hold
    one, so it is trimmed to the text inside and reported as snapped."""
    from annotator.formats.brat import fragments

    [back], issues = roundtrip("brat", rec)
    assert back.text == rec.text
    trimmed = [s for s in rec.spans if (f := fragments(rec.text, s.start, s.end))[0][0] != s.start
               or f[-1][1] != s.end]
    want = Record(rec.text, spans=[RecSpan(fragments(rec.text, s.start, s.end)[0][0],
                                           fragments(rec.text, s.start, s.end)[-1][1], s.label, s.layer, s.attrs)
                                   for s in rec.spans], relations=rec.relations)
    assert spans_of(back) == spans_of(want.canonical())
    if not trimmed:
        assert rels_of(back) == rels_of(rec)
    assert sorted(i.kind for i in issues) == sorted(["not-carried"] * len(rec.cats) + ["snapped"] * len(trimmed))


@SETTINGS
@given(records())
def test_spans_csv_keeps_spans_attributes_relations_cats(rec):
    [back], _ = roundtrip("spans_csv", rec)
    assert back.content_hash == rec.content_hash and back.cats == rec.cats
    assert spans_of(back) == spans_of(rec) and rels_of(back) == rels_of(rec)
    assert back.meta["_span_texts"] == [rec.text[s.start:s.end] for s in rec.spans]


@SETTINGS
@given(records())
def test_doccano_keeps_spans_and_cats_and_reports_the_rest(rec):
    [back], issues = roundtrip("doccano", rec)
    assert back.text == rec.text and back.cats == rec.cats and back.status == rec.status
    assert spans_of(back, False) == spans_of(rec, False)
    assert len(issues) == sum(1 for s in rec.spans if s.attrs) + len(rec.relations)


@SETTINGS
@given(records())
def test_prodigy_keeps_token_aligned_spans(rec):
    [back], issues = roundtrip("prodigy", rec)
    want = aligned_only(rec)
    assert back.text == rec.text and back.cats == rec.cats
    assert spans_of(back) == spans_of(want) and rels_of(back) == rels_of(want)
    assert len([i for i in issues if i.kind == "skipped"]) == len(rec.spans) - len(want.spans)


@SETTINGS
@given(records())
def test_spacy_keeps_token_aligned_spans_layers_attrs(rec):
    [back], issues = roundtrip("spacy", rec)
    want = aligned_only(rec)
    assert back.text == rec.text and back.cats == rec.cats and back.meta == rec.meta
    assert [(s.start, s.end, s.label, s.layer, s.attrs) for s in back.spans] == \
        [(s.start, s.end, s.label, s.layer, s.attrs) for s in want.spans]
    assert rels_of(back) == rels_of(want)


@SETTINGS
@given(records(), st.sampled_from(["expand", "contract"]))
def test_snapping_modes_report_every_change(rec, mode):
    [back], issues = roundtrip("spacy", rec, align=mode)
    doc = NLP.make_doc(rec.text)
    moved = [s for s in rec.spans if doc.char_span(s.start, s.end) is None]
    assert len([i for i in issues if i.kind in ("snapped", "skipped") and i.label != "claimant"]) == len(moved)
    for s in back.spans:  # everything that arrived is on token boundaries
        assert doc.char_span(s.start, s.end) is not None


@SETTINGS
@given(records())
def test_conll_keeps_entity_tokens(rec):
    [back], issues = roundtrip("conll", rec)
    doc = NLP.make_doc(rec.text)
    ents = filter_spans([doc.char_span(s.start, s.end, label=s.label) for s in rec.spans
                         if s.layer == "entity" and doc.char_span(s.start, s.end) is not None])
    assert back.text.split() == [t.text for t in doc if not t.is_space]
    assert [(back.text[s.start:s.end].split(), s.label) for s in back.spans] == \
        [([t.text for t in e if not t.is_space], e.label_) for e in sorted(ents, key=lambda e: e.start)]

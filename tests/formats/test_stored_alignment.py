"""Token-aligned exports work from the tokens stored with each document, without building a
spaCy ``Doc``: the tokens and every span found on them must be exactly spaCy's (``make_doc``,
``Doc.char_span`` in every alignment mode), on hard texts."""

from __future__ import annotations

import pytest

from annotator.core.tokens import blank, tokenize
from annotator.formats._interchange import StoredTokens, align, align_stored, make_doc
from annotator.formats.records import RecSpan, Record

TEXTS = [
    "Zoe\u0308 Hale met 李明 in 東京 😀 on Tuesday.\r\nThe 🇺🇦 delegation left Karsk.\r\n",
    "  Leading spaces, \"quotes\" and a tab\there;  two  spaces\n\n\nthree newlines don't matter?! ",
    "U.S. officials can't say; e-mail ops@example.org or see https://example.org/a?b=1 — 10,000 troops.",
    "\u00a0non-breaking\u00a0spaces\u2028line sep\x0bvt\x1fus end",
    "a b",
]


def _tokens(doc):
    return [(t.text, t.idx, t.idx + len(t.text), t.i, bool(t.whitespace_)) for t in doc]


@pytest.mark.parametrize("text", TEXTS)
def test_stored_tokens_are_spacys(text):
    nlp = blank("en")
    doc = nlp.make_doc(text)
    toks = StoredTokens(tokenize(text, "en"))
    got = [(text[a:b], a, b, i, w) for i, (a, b, w) in enumerate(zip(toks.starts, toks.ends, toks.spaces))]
    assert got == _tokens(doc)


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("mode", ["strict", "expand", "contract"])
def test_char_span_matches_spacy_everywhere(text, mode):
    doc = blank("en").make_doc(text)
    toks = StoredTokens(tokenize(text, "en"))
    for a in range(len(text)):
        for b in range(a + 1, len(text) + 1):
            want = doc.char_span(a, b, alignment_mode=mode)
            got = toks.char_span(a, b, mode)
            if want is None:
                assert got is None, (a, b, mode)
                continue
            assert got is not None, (a, b, mode)
            assert (got.start, got.end) == (want.start, want.end), (a, b, mode)
            if len(want):
                assert (got.start_char, got.end_char) == (want.start_char, want.end_char), (a, b, mode)


@pytest.mark.parametrize("mode", ["expand", "contract", "skip"])
def test_align_stored_gives_the_same_spans_and_issues(mode):
    text = TEXTS[0] + TEXTS[1]
    blob = tokenize(text, "en")
    spans = [RecSpan(a, b, "X") for a in range(0, len(text), 3) for b in range(a + 1, min(len(text), a + 9) + 1, 2)]
    rec = Record(text, spans=spans, where="document 1", tokens=blob)
    want, want_issues = align(make_doc(blank("en"), rec), rec, mode)
    got, got_issues = align_stored(StoredTokens(blob), rec, mode)
    assert [(i, sp.start, sp.end, sp.start_char, sp.end_char) for i, sp in got] == \
        [(i, sp.start, sp.end, sp.start_char, sp.end_char) for i, sp in want]
    assert [str(x) for x in got_issues] == [str(x) for x in want_issues]
    assert any(x.kind in ("snapped", "skipped") for x in got_issues)

"""Span F1 (exact / overlap, one-to-one), the error split, the confusion matrix and token tags."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from annotator.core.agreement import NOT_ANNOTATED, CodingData, Undefined, cohen_kappa, compare, token_tags
from annotator.core.agreement.spans import BOTH, BOUNDARY, LABEL, ONLY_A, ONLY_B, align
from annotator.core.tokens import TokenIndex


def test_exact_and_overlap_f1():
    a = [(0, 5, "PER"), (10, 20, "ORG"), (30, 35, "GPE")]
    b = [(0, 5, "PER"), (12, 20, "ORG"), (30, 35, "LOC"), (40, 44, "GPE")]
    pc = compare(a, b)
    assert pc.f1("exact").value == pytest.approx(2 * 1 / 7)
    assert pc.f1("overlap").value == pytest.approx(2 * 2 / 7)
    assert pc.f1("exact").items == 7
    assert pc.f1("overlap", "ORG").value == 1.0
    assert pc.f1("exact", "ORG").value == 0.0
    assert pc.errors == {BOUNDARY: 1, LABEL: 1, ONLY_B: 1}
    assert pc.confusion[("GPE", "LOC")] == 1 and pc.confusion[(NOT_ANNOTATED, "GPE")] == 1
    assert pc.confusion[("PER", "PER")] == 1 and pc.confusion[("ORG", "ORG")] == 1


def test_overlap_matching_is_one_to_one_and_maximal():
    # one long span of A overlaps three short spans of B: only one can match
    a = [(0, 30, "X")]
    b = [(0, 5, "X"), (10, 15, "X"), (20, 25, "X")]
    assert compare(a, b).f1("overlap").value == pytest.approx(2 * 1 / 4)
    # a greedy "largest overlap first" would pair a0-b1 and leave a1 without a partner
    a = [(0, 10, "X"), (8, 9, "X")]
    b = [(0, 3, "X"), (5, 10, "X")]
    assert compare(a, b).f1("overlap").value == 1.0


def test_boundary_plus_label_and_only_a():
    pc = compare([(0, 10, "A"), (50, 60, "A")], [(2, 12, "B")])
    assert pc.errors == {BOTH: 1, ONLY_A: 1}
    assert pc.confusion == {("A", "B"): 1, ("A", NOT_ANNOTATED): 1}


def test_nothing_marked_is_undefined():
    r = compare([], []).f1("exact")
    assert isinstance(r, Undefined) and "neither" in r.reason
    assert compare([(0, 1, "X")], []).f1("exact").value == 0.0


def test_identical_spans_twice_match_once_each():
    pc = compare([(0, 5, "X"), (0, 5, "X")], [(0, 5, "X")])
    assert pc.exact["X"] == 1 and pc.f1("exact").value == pytest.approx(2 / 3)


def test_token_tags_on_unicode_text():
    text = "Zoë 👍 met 北京 officials in Ostrava.\nCafe\u0301 talks"
    idx = TokenIndex(text)
    toks = [text[s:e] for s, e in zip(idx.starts, idx.ends)]
    assert "👍" in toks and "Ostrava" in toks
    s = text.index("北京")
    o = text.index("Ostrava")
    spans = [(s, s + 2, "GPE"), (o, o + 7, "GPE"), (0, 3, "PERSON")]
    io = token_tags(idx.starts, idx.ends, spans)
    bio = token_tags(idx.starts, idx.ends, [(0, text.index("met") + 3, "PERSON")], "BIO")
    assert io[toks.index("北京")] == "GPE" and io[toks.index("Ostrava")] == "GPE" and io[0] == "PERSON"
    assert bio[:4] == ["B-PERSON", "I-PERSON", "I-PERSON", "O"]


spans_st = st.lists(st.tuples(st.integers(0, 40), st.integers(1, 6), st.sampled_from("XY")), max_size=6).map(
    lambda xs: [(s, s + n, lab) for s, n, lab in xs])


@settings(max_examples=60, deadline=None)
@given(spans_st, spans_st)
def test_properties(a, b):
    ab, ba = compare(a, b), compare(b, a)
    if a or b:
        assert ab.f1("exact").value == pytest.approx(ba.f1("exact").value)
        assert ab.f1("overlap").value == pytest.approx(ba.f1("overlap").value)
        assert ab.f1("exact").value <= ab.f1("overlap").value + 1e-12
    # the alignment uses every span exactly once
    al = align(a, b)
    assert sorted(i for i, _, _ in al if i is not None) == list(range(len(a)))
    assert sorted(j for _, j, _ in al if j is not None) == list(range(len(b)))
    assert sum(ab.confusion.values()) == len(al)


@settings(max_examples=30, deadline=None)
@given(spans_st, spans_st)
def test_token_kappa_matches_sklearn(a, b):
    text = " ".join(f"w{i}" for i in range(16))  # 16 tokens, 47 characters
    idx = TokenIndex(text)
    ta, tb = token_tags(idx.starts, idx.ends, a), token_tags(idx.starts, idx.ends, b)
    ours = cohen_kappa(CodingData.from_rows(list(zip(ta, tb))))
    if ours.defined:
        assert ours.value == pytest.approx(cohen_kappa_score(ta, tb))
    else:
        assert len(set(ta) | set(tb)) == 1

"""Coding measures against published worked examples and reference implementations."""

from __future__ import annotations

import math
import warnings

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.metrics.agreement import AnnotationTask
from sklearn.metrics import cohen_kappa_score

from annotator.core.agreement import (
    NOT_ANNOTATED,
    CodingData,
    Undefined,
    cohen_kappa,
    confusion_matrix,
    fleiss_kappa,
    krippendorff_alpha_nominal,
    observed_agreement,
)


def pairs(table: dict[tuple, int]) -> CodingData:
    rows = [ab for ab, n in table.items() for _ in range(n)]
    return CodingData.from_rows(rows)


# Cohen (1960), p. 37 (Table 1) and p. 45, as counts out of 200 (the cells are the paper's
# proportions × 200; the same data DKPro Agreement's Cohen1960Test uses).
COHEN_P37 = {(1, 1): 25, (1, 2): 12, (1, 3): 3, (2, 1): 13, (2, 2): 2, (2, 3): 15, (3, 1): 12, (3, 2): 16,
             (3, 3): 2}
COHEN_P45 = {(1, 1): 88, (1, 2): 14, (1, 3): 18, (2, 1): 10, (2, 2): 40, (2, 3): 10, (3, 1): 2, (3, 2): 6,
             (3, 3): 12}


def test_cohen_1960_worked_example():
    d = pairs(COHEN_P45)
    k = cohen_kappa(d)
    # p_o = .70, p_c = .41, kappa = (.70 - .41) / (1 - .41) = .492
    assert observed_agreement(d).value == pytest.approx(0.70)
    assert k.value == pytest.approx((0.70 - 0.41) / 0.59)
    assert round(k.value, 3) == 0.492
    assert k.items == 200


def test_cohen_1960_table_1_near_chance():
    d = pairs(COHEN_P37)
    # p_o = .25 + .02 + .02 = .29 (N = 100 here), p_c = .35: kappa is negative
    assert observed_agreement(d).value == pytest.approx(0.29)
    assert cohen_kappa(d).value == pytest.approx((0.29 - 0.35) / 0.65)


# Fleiss (1971), p. 379: 30 subjects, 6 raters each, 5 diagnoses. Published: P̄ = .556,
# P̄e = .220, kappa = .430.
FLEISS_1971 = [
    (4, 4, 4, 4, 4, 4), (2, 2, 2, 5, 5, 5), (2, 3, 3, 3, 3, 5), (5, 5, 5, 5, 5, 5), (2, 2, 2, 4, 4, 4),
    (1, 1, 3, 3, 3, 3), (3, 3, 3, 3, 5, 5), (1, 1, 3, 3, 3, 4), (1, 1, 4, 4, 4, 4), (5, 5, 5, 5, 5, 5),
    (1, 4, 4, 4, 4, 4), (1, 2, 4, 4, 4, 4), (2, 2, 2, 3, 3, 3), (1, 4, 4, 4, 4, 4), (2, 2, 4, 4, 4, 5),
    (3, 3, 3, 3, 3, 5), (1, 1, 1, 4, 5, 5), (1, 1, 1, 1, 1, 2), (2, 2, 4, 4, 4, 4), (1, 3, 3, 5, 5, 5),
    (5, 5, 5, 5, 5, 5), (2, 4, 4, 4, 4, 4), (2, 2, 4, 5, 5, 5), (1, 1, 4, 4, 4, 4), (1, 4, 4, 4, 4, 5),
    (2, 2, 2, 2, 2, 4), (1, 1, 1, 1, 5, 5), (2, 2, 4, 4, 4, 4), (1, 3, 3, 3, 3, 3), (5, 5, 5, 5, 5, 5),
]

# Wikipedia's "Fleiss' kappa" worked example: 10 subjects, 14 raters, 5 categories, counts per
# category. Published: P̄ = 0.378, P̄e = 0.213, kappa = 0.210.
WIKIPEDIA_FLEISS = [
    (0, 0, 0, 0, 14), (0, 2, 6, 4, 2), (0, 0, 3, 5, 6), (0, 3, 9, 2, 0), (2, 2, 8, 1, 1),
    (7, 7, 0, 0, 0), (3, 2, 6, 3, 0), (2, 5, 3, 2, 2), (6, 5, 2, 1, 0), (0, 2, 2, 3, 7),
]


def test_fleiss_1971_worked_example():
    d = CodingData.from_rows(FLEISS_1971)
    k = fleiss_kappa(d)
    assert k.items == 30
    assert round(k.value, 3) == 0.430
    assert observed_agreement(d).value == pytest.approx(0.5556, abs=5e-4)


def test_fleiss_wikipedia_example():
    rows = []
    for counts in WIKIPEDIA_FLEISS:
        rows.append([cat for cat, n in enumerate(counts, 1) for _ in range(n)])
    k = fleiss_kappa(CodingData.from_rows(rows))
    assert round(k.value, 3) == 0.210


# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", reliability data with
# missing values: 4 observers, 12 units (None = missing). Published nominal alpha: 0.743.
K2011 = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}


def k2011() -> CodingData:
    return CodingData.from_items([{c: K2011[c][u] for c in K2011} for u in range(12)])


def test_krippendorff_2011_missing_values():
    a = krippendorff_alpha_nominal(k2011())
    assert round(a.value, 3) == 0.743
    assert a.items == 11  # unit 12 has a single value and is not pairable
    ref = krippendorff.alpha(reliability_data=[[np.nan if v is None else v for v in K2011[c]] for c in K2011],
                             level_of_measurement="nominal")
    assert a.value == pytest.approx(ref)


def test_fleiss_needs_equal_ratings_and_says_so():
    r = fleiss_kappa(k2011())
    assert isinstance(r, Undefined) and "different numbers of ratings" in r.reason


@pytest.mark.parametrize("fn", [cohen_kappa, fleiss_kappa, krippendorff_alpha_nominal])
def test_one_label_only_is_undefined_not_one(fn):
    d = CodingData.from_rows([("x", "x")] * 5)
    r = fn(d)
    assert isinstance(r, Undefined) and r.value is None
    assert "one" in r.reason and r.items == 5
    assert observed_agreement(d).value == 1.0  # observed agreement itself is defined


@pytest.mark.parametrize("fn", [cohen_kappa, krippendorff_alpha_nominal, observed_agreement])
def test_no_common_items_is_undefined(fn):
    d = CodingData.from_rows([("x", None), (None, "y")])
    r = fn(d)
    assert isinstance(r, Undefined) and r.items == 0


def test_single_annotator_is_undefined():
    d = CodingData.from_rows([("x",), ("y",)])
    assert isinstance(cohen_kappa(d), Undefined)
    assert isinstance(fleiss_kappa(d), Undefined)
    assert isinstance(krippendorff_alpha_nominal(d), Undefined)


def test_confusion_matrix_with_not_annotated():
    d = CodingData.from_rows([("a", "a"), ("a", "b"), ("b", None), (None, None), (None, "a")])
    labels, m = confusion_matrix(d)
    assert labels == ["a", "b", NOT_ANNOTATED]
    assert m.tolist() == [[1, 1, 0], [0, 0, 1], [1, 0, 0]]


labels = st.sampled_from(["FAVOR", "AGAINST", "NONE", "x"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(labels, labels), min_size=1, max_size=40))
def test_cohen_matches_sklearn(rows):
    d = CodingData.from_rows(rows)
    ours = cohen_kappa(d)
    a, b = [r[0] for r in rows], [r[1] for r in rows]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn warns about a single label, then returns nan
        ref = cohen_kappa_score(a, b)
    if ours.defined:
        assert ours.value == pytest.approx(ref)
    else:
        assert math.isnan(ref)  # sklearn says nan for the same 0/0


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 5).flatmap(lambda m: st.lists(
    st.lists(st.one_of(st.none(), labels), min_size=m, max_size=m), min_size=1, max_size=30)))
def test_alpha_matches_krippendorff_and_nltk(rows):
    d = CodingData.from_rows(rows)
    ours = krippendorff_alpha_nominal(d)
    triples = [(f"c{j}", f"i{i}", v) for i, row in enumerate(rows) for j, v in enumerate(row) if v is not None]
    if not ours.defined:
        return
    codes = {lab: k for k, lab in enumerate(["FAVOR", "AGAINST", "NONE", "x"])}
    data = [[np.nan if row[j] is None else codes[row[j]] for row in rows] for j in range(len(rows[0]))]
    assert ours.value == pytest.approx(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    # NLTK drops items with fewer than two values the same way
    assert ours.value == pytest.approx(AnnotationTask(data=triples).alpha())


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 5).flatmap(lambda m: st.lists(st.lists(labels, min_size=m, max_size=m), min_size=1,
                                                    max_size=30)))
def test_alpha_without_missing_values_matches_krippendorff_and_nltk(rows):
    """Every coder coded every item: the path that counts agreeing pairs column by column."""
    d = CodingData.from_rows(rows)
    ours = krippendorff_alpha_nominal(d)
    if not ours.defined:
        assert len({v for row in rows for v in row}) == 1
        return
    assert ours.items == len(rows)
    codes = {lab: k for k, lab in enumerate(["FAVOR", "AGAINST", "NONE", "x"])}
    data = [[codes[row[j]] for row in rows] for j in range(len(rows[0]))]
    assert ours.value == pytest.approx(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    triples = [(f"c{j}", f"i{i}", v) for i, row in enumerate(rows) for j, v in enumerate(row)]
    assert ours.value == pytest.approx(AnnotationTask(data=triples).alpha())


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 6).flatmap(lambda m: st.lists(st.lists(labels, min_size=m, max_size=m), min_size=2,
                                                    max_size=25)))
def test_fleiss_matches_its_definition(rows):
    """NLTK's multi_kappa is Davies & Fleiss (1982), not Fleiss (1971), so Fleiss' kappa is checked
    against the 1971 definition written out independently in plain Python."""
    d = CodingData.from_rows(rows)
    ours = fleiss_kappa(d)
    m, n = len(rows[0]), len(rows)
    cats = sorted({v for r in rows for v in r})
    p_i = [(sum(r.count(c) ** 2 for c in cats) - m) / (m * (m - 1)) for r in rows]
    p_j = [sum(r.count(c) for r in rows) / (n * m) for c in cats]
    pe = sum(p * p for p in p_j)
    if pe == 1:
        assert not ours.defined
    else:
        assert ours.value == pytest.approx((sum(p_i) / n - pe) / (1 - pe))

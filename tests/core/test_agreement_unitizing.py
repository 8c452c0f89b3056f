"""Krippendorff's unitizing alpha against DKPro Agreement's published test values, a small
example worked by hand, and a literal port of DKPro's sweep on random data."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.agreement import Undefined, unitizing_alpha


def krippendorff_2004_p254():
    """Krippendorff (2004: p. 254) as in DKPro's unitizing Krippendorff2004Test: two raters,
    continuum [150, 450), units (offset, length, rater, category)."""
    units = [(225, 70, 0, "c"), (370, 30, 0, "c"), (220, 80, 1, "c"), (355, 20, 1, "c"), (400, 20, 1, "c"),
             (180, 60, 0, "k"), (300, 50, 0, "k"), (180, 60, 1, "k"), (300, 50, 1, "k")]
    return [(r, off, off + ln, c) for off, ln, r, c in units]


def test_dkpro_krippendorff_2004_example():
    r = unitizing_alpha(krippendorff_2004_p254(), raters=2, length=300, begin=150)
    # DKPro asserts these to 4 decimals (offset 0.0001; overall offset 0.0005)
    assert r.observed["c"] == pytest.approx(0.0144, abs=1e-4)
    assert r.expected["c"] == pytest.approx(0.0532, abs=1e-4)
    assert r.per_category["c"].value == pytest.approx(0.7286, abs=1e-4)
    assert r.observed["k"] == pytest.approx(0.0, abs=1e-4)
    assert r.expected["k"] == pytest.approx(0.0490, abs=1e-4)
    assert r.per_category["k"].value == pytest.approx(1.0, abs=1e-4)
    assert r.alpha.value == pytest.approx(0.8591, abs=5e-4)
    assert r.alpha.items == 9


def test_small_example_by_hand():
    """Continuum of 10 characters; A marks [2, 5) X, B marks [3, 5) X.

    Do: one overlapping pair, δ² = (2-3)² + (5-5)² = 1; Do = 2·1 / (R(R-1)L²) = 2/200 = 0.01.
    De: N = 2 units of lengths 3 and 2; gaps of A: 2, 5; of B: 3, 5.
      l=3: (N-1)(2·27 - 3·9 + 3)/3 = 10; gaps ≥ 3: (3-3+1) + 2·(5-3+1) = 7, · 9 = 63 → 73
      l=2: (N-1)(2·8 - 3·4 + 2)/3 = 2;  gaps ≥ 2: 1 + 2 + 4 + 4 = 11, · 4 = 44 → 46
      De = (2/10)·119 / (R·L·(R·L - 1) - Σ l(l-1)) = 23.8 / (380 - 8) = 23.8 / 372
    alpha = 1 - 0.01 · 372 / 23.8
    """
    r = unitizing_alpha([(0, 2, 5, "X"), (1, 3, 5, "X")], raters=2, length=10)
    assert r.observed["X"] == pytest.approx(0.01)
    assert r.expected["X"] == pytest.approx(23.8 / 372)
    assert r.alpha.value == pytest.approx(1 - 0.01 * 372 / 23.8)


def test_undefined_cases():
    assert isinstance(unitizing_alpha([(0, 1, 3, "X")], raters=1, length=10).alpha, Undefined)
    r = unitizing_alpha([], raters=2, length=10, categories=["X"])
    assert isinstance(r.alpha, Undefined) and isinstance(r.per_category["X"], Undefined)
    assert "nobody" in r.per_category["X"].reason
    assert isinstance(unitizing_alpha([], raters=2, length=0).alpha, Undefined)


def test_overlapping_units_of_one_rater_are_merged():
    r = unitizing_alpha([(0, 0, 4, "X"), (0, 2, 6, "X"), (1, 0, 6, "X")], raters=2, length=20)
    assert r.merged == 1
    assert r.alpha.value == pytest.approx(1.0)


# ---------------------------------------------------------------- literal port of DKPro's loops
def _distance(o1, l1, c1, o2, l2, c2):
    bd, ld = o1 - o2, l1 - l2
    if c1 is not None and c2 is not None and -l1 < bd < l2:
        return bd * bd + (bd + ld) * (bd + ld)
    if c1 is not None and c2 is None and -ld >= bd >= 0:
        return l1 * l1
    if c1 is None and c2 is not None and -ld <= bd <= 0:
        return l2 * l2
    return 0.0


def _next(units, it, rater, cat):
    for u in it:
        if u[2] == rater and u[3] == cat:
            return u
    return None


def dkpro(units, R, B, L, cat):
    """units: (offset, length, rater, category), sorted by offset as DKPro's study keeps them."""
    units = sorted(units, key=lambda u: (u[0], u[1], u[2]))
    do = 0.0
    for r1 in range(R):
        for r2 in range(r1 + 1, R):
            it1, it2 = iter(units), iter(units)
            n1, n2 = _next(units, it1, r1, cat), _next(units, it2, r2, cat)
            o1 = o2 = B
            l1 = l2 = 0
            c1 = c2 = None
            pos = B
            while pos < B + L and (n1 is not None or n2 is not None):
                if pos == o1 + l1:
                    if n1 is not None and pos == n1[0]:
                        l1, c1 = n1[1], n1[3]
                        n1 = _next(units, it1, r1, cat)
                    else:
                        l1, c1 = (n1[0] if n1 is not None else B + L) - pos, None
                    o1 = pos
                if pos == o2 + l2:
                    if n2 is not None and pos == n2[0]:
                        l2, c2 = n2[1], n2[3]
                        n2 = _next(units, it2, r2, cat)
                    else:
                        l2, c2 = (n2[0] if n2 is not None else B + L) - pos, None
                    o2 = pos
                do += _distance(o1, l1, c1, o2, l2, c2)
                pos = min(o1 + l1, o2 + l2)
    do = do * 2.0 / (R * (R - 1) * L * L)
    mine = [u for u in units if u[3] == cat]
    n_c = len(mine)
    sq = sum(u[1] * (u[1] - 1) for u in mine)
    gaps = []
    for r in range(R):
        it = iter(units)
        nu = _next(units, it, r, cat)
        off, ln, pos = B, 0, B
        while pos < B + L:
            if pos == off + ln:
                if nu is not None and pos == nu[0]:
                    ln = nu[1]
                    nu = _next(units, it, r, cat)
                else:
                    ln = (nu[0] if nu is not None else B + L) - pos
                    gaps.append(ln)
                off = pos
            pos = off + ln
    gaps.sort(reverse=True)
    total = 0.0
    for u in mine:
        ln = u[1]
        s1 = (n_c - 1.0) * (2.0 * ln ** 3 - 3.0 * ln * ln + ln) / 3.0
        s2 = sum(g - ln + 1.0 for g in gaps if g >= ln) * ln * ln
        total += s1 + s2
    de = total * (2.0 / L) / (R * L * (R * L - 1) - sq)
    return do, de


@st.composite
def studies(draw):
    R = draw(st.integers(2, 4))
    L = draw(st.integers(5, 60))
    units = []
    for r in range(R):
        for cat in ("a", "b"):
            pos = draw(st.integers(0, 3))
            while pos < L - 1 and draw(st.booleans()):
                ln = draw(st.integers(1, min(8, L - pos)))
                units.append((pos, ln, r, cat))
                pos += ln + draw(st.integers(0, 6))  # same rater and label: no overlap (DKPro's rule)
    return R, L, units


@settings(max_examples=80, deadline=None)
@given(studies())
def test_matches_dkpro_port_on_random_studies(study):
    R, L, units = study
    ours = unitizing_alpha([(r, o, o + ln, c) for o, ln, r, c in units], raters=R, length=L,
                           categories=["a", "b"])
    for cat in ("a", "b"):
        do, de = dkpro(units, R, 0, L, cat)
        assert ours.observed[cat] == pytest.approx(do, abs=1e-12)
        assert ours.expected[cat] == pytest.approx(de, abs=1e-12)

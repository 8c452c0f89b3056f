"""γ (Mathet et al. 2015) against pygamma-agreement: the values its own test suite publishes, and the
package itself on random continua."""

from __future__ import annotations

import logging
import math
from pathlib import Path

import numpy as np
import pygamma_agreement as pa
import pytest
from pyannote.core import Segment

from annotator.core.agreement.gamma import (
    Dissimilarity,
    best_alignment,
    gamma,
    gamma_from_sums,
    unitary_disorder,
)
from annotator.core.agreement.result import Undefined

DATA = Path(__file__).parents[1] / "fixtures" / "gamma"
PAPER = Dissimilarity(alpha=3, beta=1, delta_empty=1)  # what pygamma's published γ tests use


def load(name: str) -> tuple[list, int, float]:
    """pygamma's CSV: annotator, category, start, end. Annotators in sorted order (pygamma's)."""
    rows = [line.split(",") for line in (DATA / name).read_text().split()]
    names = sorted({r[0] for r in rows})
    units = [(names.index(a), float(s), float(e), c) for a, c, s, e in rows]
    return units, len(names), max(u[2] for u in units)  # pygamma's continuum ends at its last unit


# ------------------------------------------------------------- pygamma's tests/test_alignement.py
LIZA = [(0, 1, 5, "Carol"), (0, 6, 8, "Bob"), (0, 12, 18, "Carol"), (0, 7, 20, "Alice")]
PIERROT = [(1, 2, 6, "Carol"), (1, 7, 8, "Bob"), (1, 12, 18, "Alice"), (1, 8, 10, "Alice"), (1, 7, 19, "Jeremy")]
HADRIEN = [(2, 1, 6, "Carol"), (2, 8, 10, "Alice"), (2, 7, 19, "Jeremy"), (2, 19, 20, "Alice")]
CATS = ("Alice", "Bob", "Carol", "Jeremy")  # pygamma indexes its matrix in sorted order
MATRIX = ((0, 0.5, 0.3, 0.7), (0.5, 0, 0.6, 0.4), (0.3, 0.6, 0, 0.7), (0.7, 0.4, 0.7, 0))


def test_unitary_alignment_disorder_of_pygamma_example():
    dis = Dissimilarity(alpha=1, beta=1, delta_empty=0.5, categories=CATS, matrix=MATRIX)
    triple = [(0, 12, 18, "Carol"), (1, 12, 18, "Alice"), None]
    # pygamma reports a lone unitary alignment's disorder divided by its mean units per annotator (2/3)
    assert unitary_disorder(triple, dis) / (2 / 3) == pytest.approx(0.574999988079071, rel=1e-3)


def test_alignment_and_best_alignment_of_pygamma_example():
    dis = Dissimilarity(alpha=3, beta=1, delta_empty=0.5, categories=CATS, matrix=MATRIX)
    by_hand = [
        [LIZA[0], PIERROT[0], HADRIEN[0]],
        [LIZA[1], PIERROT[1], HADRIEN[1]],
        [LIZA[3], PIERROT[4], HADRIEN[2]],
        [LIZA[2], PIERROT[2], None],
        [None, PIERROT[3], HADRIEN[3]],
    ]
    units = LIZA + PIERROT + HADRIEN
    mean_units = len(units) / 3
    assert sum(unitary_disorder(t, dis) for t in by_hand) / mean_units == pytest.approx(6.1655581547663765, rel=1e-3)
    best = best_alignment(units, 3, dis)
    assert best.disorder == pytest.approx(0.43478875578596043, rel=1e-3)
    # a partition: every unit exactly once, at most one unit per annotator in a unitary alignment
    seen = sorted(i for t in best.tuples for i in t if i is not None)
    assert seen == list(range(len(units)))
    for t in best.tuples:
        assert all(i is None or units[i][0] == r for r, i in enumerate(t))


# ------------------------------------------------------------- pygamma's tests/test_gammas.py
@pytest.mark.parametrize(("name", "sampler", "alignments", "disorder", "low", "high"), [
    ("AlexPaulSuzan.csv", "shuffle", 6, 0.96, 0.44, 0.47),
    ("3by100.csv", "statistical", 127, None, 0.79, 0.81),
    ("2by1000.csv", "statistical", 1085, None, 0.39, 0.42),
])
def test_published_gamma_values(name, sampler, alignments, disorder, low, high):
    units, n, length = load(name)
    best = best_alignment(units, n, PAPER)
    assert len(best.tuples) == alignments
    if disorder is not None:
        assert best.disorder == pytest.approx(disorder, rel=0.01)
    g = gamma([(units, length)], n, PAPER, sampler=sampler)
    assert g.samples == 30 and len(g.sample_disorders) == 30 and g.alignments == alignments
    assert g.observed == pytest.approx(best.disorder)
    assert low <= g.gamma.value <= high
    assert g.gamma.items == len(units) and g.gamma.unit == "spans"


def test_a_seed_gives_the_same_gamma_and_other_seeds_stay_close():
    units, n, length = load("AlexPaulSuzan.csv")
    a = gamma([(units, length)], n, PAPER, samples=40, seed=7)
    b = gamma([(units, length)], n, PAPER, samples=40, seed=7)
    c = gamma([(units, length)], n, PAPER, samples=40, seed=8)
    assert a.gamma == b.gamma and a.sample_disorders == b.sample_disorders
    assert a.sample_disorders != c.sample_disorders
    # the two estimates of the expected disorder differ by less than their sampling error allows
    se = math.hypot(np.std(a.sample_disorders, ddof=1), np.std(c.sample_disorders, ddof=1)) / math.sqrt(40)
    assert abs(a.expected - c.expected) < 4 * se
    assert 0 < a.relative_spread < 0.1


# ------------------------------------------------------------- what γ is for
def test_precision_stops_sampling_once_the_expected_disorder_is_known():
    units, n, length = load("2by1000.csv")
    g = gamma([(units, length)], n, PAPER, samples=30, precision=0.01, sampler="statistical")
    assert 5 <= g.samples < 30 and g.samples == len(g.sample_disorders)
    assert g.relative_spread <= 0.01


@pytest.mark.parametrize("name", ["3by100.csv", "AlexPaulSuzan.csv"])
def test_the_three_solvers_give_the_same_alignment(monkeypatch, name):
    """Small groups go to the subset DP, large narrow ones to the text-order DP, the rest to HiGHS:
    forcing every group through one path changes nothing."""
    from annotator.core.agreement import gamma as gm

    units, n, _length = load(name)
    default = best_alignment(units, n, PAPER)
    monkeypatch.setattr(gm, "EXACT_MAX", 1)
    chain = best_alignment(units, n, PAPER)
    monkeypatch.setattr(gm, "WIDTH_MAX", 0)
    milp = best_alignment(units, n, PAPER)
    monkeypatch.setattr(gm, "EXACT_MAX", 12)
    subset = best_alignment(units, n, PAPER)
    for other in (chain, milp, subset):
        assert other.disorder == pytest.approx(default.disorder, abs=1e-9)
        assert len(other.tuples) == len(default.tuples)
    rng = np.random.default_rng(5)
    monkeypatch.setattr(gm, "EXACT_MAX", 1)
    monkeypatch.setattr(gm, "WIDTH_MAX", 12)
    for _ in range(10):
        units, n = _random_continuum(rng)
        chain = best_alignment(units, n)
        monkeypatch.setattr(gm, "WIDTH_MAX", 0)
        milp = best_alignment(units, n)
        monkeypatch.setattr(gm, "WIDTH_MAX", 12)
        assert chain.disorder == pytest.approx(milp.disorder, abs=1e-9) and len(chain.tuples) == len(milp.tuples)


def test_near_misses_cost_little_and_misses_cost_a_lot():
    """Mathet et al.'s point: a boundary one character off is a small disagreement, a span only
    one annotator marked a large one."""
    a = [(0, 10, 20, "X"), (0, 40, 52, "Y"), (0, 80, 95, "X")]
    same = a + [(1, s, e, c) for _r, s, e, c in a]
    shifted = a + [(1, 11, 20, "X"), (1, 40, 53, "Y"), (1, 80, 95, "X")]
    missing = a + [(1, 10, 20, "X"), (1, 40, 52, "Y")]
    g = {k: gamma([(u, 120)], 2, samples=20) for k, u in (("same", same), ("shifted", shifted), ("missing", missing))}
    assert g["same"].gamma.value == 1.0 and g["same"].observed == 0
    assert 0.9 < g["shifted"].gamma.value < 1.0
    assert g["missing"].gamma.value < g["shifted"].gamma.value
    al = best_alignment(shifted, 2)
    assert len(al.tuples) == 3 and all(None not in t for t in al.tuples)


def test_documents_do_not_align_across_their_border():
    """The last unit of one document and the first of the next are never paired, although laid end to
    end they would touch; the corpus' observed disorder is the documents' summed."""
    d1 = ([(0, 90, 100, "X")], 100)
    d2 = ([(1, 0, 10, "X")], 100)
    g = gamma([d1, d2], 2, samples=5)
    assert g.alignments == 2
    assert g.observed == pytest.approx((1 + 1) / 1)  # two lone units, Δ∅ each, over 1 unit per annotator
    glued = best_alignment([(0, 90, 100, "X"), (1, 100, 110, "X")], 2)
    assert len(glued.tuples) == 1  # in one continuum the near miss is aligned


def test_undefined_and_degenerate_cases():
    assert isinstance(gamma([([], 10)], 2).gamma, Undefined)
    assert "two annotators" in gamma([([(0, 1, 3, "X")], 10)], 1).gamma.reason
    one = gamma([([(0, 0, 10, "X")], 10)], 2, samples=10)  # pygamma's edge case: one unit, two annotators
    assert one.gamma.defined and one.gamma.value <= 0
    with pytest.raises(ValueError):
        gamma([([(0, 1, 3, "X")], 10)], 2, sampler="uniform")
    with pytest.raises(ValueError):
        Dissimilarity(alpha=0)


def test_bootstrap_statistic_reproduces_gamma_on_the_full_sample():
    units, n, length = load("3by100.csv")
    docs = [([u for u in units if lo <= u[1] < lo + 200], length) for lo in range(0, int(length) + 1, 200)]
    g = gamma(docs, n, PAPER, samples=10)
    # with every document drawn once, the statistic is γ with the expected disorder per unit pooled
    pooled = gamma_from_sums(g.doc_features.sum(axis=0))[0]
    assert pooled == pytest.approx(g.gamma.value, abs=0.02)


# ------------------------------------------------------------- the package itself

def _random_continuum(rng: np.random.Generator) -> tuple[list, int]:
    n = int(rng.integers(2, 5))
    base = [(int(s), int(s + rng.integers(2, 25))) for s in rng.integers(0, 200, size=int(rng.integers(3, 10)))]
    units = []
    for r in range(n):
        for s, e in base:
            if rng.random() < 0.8:
                s2, e2 = s + int(rng.integers(-3, 4)), e + int(rng.integers(-3, 4))
                if e2 > s2:
                    units.append((r, s2, e2, "ABC"[int(rng.integers(0, 3))]))
        for _ in range(int(rng.integers(0, 3))):
            s = int(rng.integers(0, 200))
            units.append((r, s, s + int(rng.integers(1, 20)), "ABC"[int(rng.integers(0, 3))]))
    return list(dict.fromkeys(units)), n  # pygamma keeps a unit once per annotator


def _continuum(units, n):
    c = pa.Continuum()
    for r in range(n):
        c.add_annotator(f"r{r}")
    for r, s, e, cat in units:
        c.add(f"r{r}", Segment(s, e), cat)
    return c


@pytest.fixture(autouse=True)
def _quiet_pygamma():
    logging.disable(logging.WARNING)  # pygamma logs "CBC solver not installed. Using GLPK." on each solve
    yield
    logging.disable(logging.NOTSET)


def test_best_alignment_equals_pygamma_on_random_continua():
    rng = np.random.default_rng(0)
    for trial in range(12):
        units, n = _random_continuum(rng)
        alpha, beta = [(1, 1), (3, 1), (1, 2)][trial % 3]
        theirs = _continuum(units, n).get_best_alignment(pa.CombinedCategoricalDissimilarity(alpha=alpha, beta=beta))
        ours = best_alignment(units, n, Dissimilarity(alpha=alpha, beta=beta))
        assert ours.disorder == pytest.approx(float(theirs.disorder), rel=1e-4)
        assert len(ours.tuples) == len(theirs.unitary_alignments)


def test_gamma_agrees_with_pygamma_shuffle_sampler_on_random_continua():
    """Both estimate the same expected disorder with the paper's sampler, from different random
    numbers: the estimates must agree within their sampling error."""
    rng = np.random.default_rng(11)
    units, n = _random_continuum(rng)
    c = _continuum(units, n)
    np.random.seed(4772)
    theirs = c.compute_gamma(pa.CombinedCategoricalDissimilarity(), n_samples=30, sampler=pa.ShuffleContinuumSampler())
    t_dis = [float(a.disorder) for a in theirs.chance_alignments]
    ours = gamma([(units, max(u[2] for u in units))], n, samples=30)
    assert ours.observed == pytest.approx(float(theirs.observed_disorder), rel=1e-4)
    se = math.hypot(np.std(t_dis, ddof=1), np.std(ours.sample_disorders, ddof=1)) / math.sqrt(30)
    assert abs(ours.expected - float(np.mean(t_dis))) < 4 * se
    assert ours.gamma.value == pytest.approx(float(theirs.gamma), abs=0.1)

"""Figures in claims as intervals, and conflicts between them."""

import math

import pytest
from text_to_num import text2num

from annotator.core.claim_matching import figure_conflicts, normalise_entity, similarity_matrix
from annotator.core.quantities import incompatible, parse_quantities


def one(text):
    qs = parse_quantities(text)
    assert len(qs) == 1, qs
    q = qs[0]
    assert text[q.start:q.end] == q.text, "offsets index the text"
    return q


@pytest.mark.parametrize("text, quoted, low, high, qualifier, counted", [
    ("Veldoria has moved more than 10,000 troops", "more than 10,000", 10_000, math.inf, "gt", "troops"),
    ("Roughly 15,000 Veldorian soldiers are now stationed", "Roughly 15,000", 13_500, 16_500, "approx", "troops"),
    ("at least 2,000 people had fled villages", "at least 2,000", 2_000, math.inf, "ge", "displaced"),
    ("which now says 18,000 soldiers are deployed", "18,000", 17_100, 18_900, "round", "troops"),
    ("put the death toll at seven", "seven", 7, 7, "exact", "killed"),
    ("between 10,000 and 15,000 troops", "between 10,000 and 15,000", 10_000, 15_000, "range", "troops"),
    ("10,000–12,000 troops", "10,000–12,000", 10_000, 12_000, "range", "troops"),
    ("fewer than twenty-one soldiers", "fewer than twenty-one", 0, 21, "lt", "troops"),
    ("nearly 500 tanks", "nearly 500", 450, 500, "nearly", "tanks"),
    ("two thousand five hundred refugees", "two thousand five hundred", 2375, 2625, "round", "displaced"),
    ("viewed 2 million times", "2 million", 1_900_000, 2_100_000, "round", "time"),
    ("a pay offer of 6.5 percent", "6.5", 6.5, 6.5, "exact", "percent"),
])
def test_intervals(text, quoted, low, high, qualifier, counted):
    q = one(text)
    assert (q.text, q.low, q.high, q.qualifier, q.counted) == (quoted, pytest.approx(low), pytest.approx(high),
                                                                qualifier, counted)


def test_open_bounds_and_contains():
    q = one("more than 10,000 troops")
    assert not q.contains(10_000) and q.contains(10_001) and q.contains(1e9)
    q = one("at least 2,000 people fled")
    assert q.contains(2_000) and not q.contains(1_999)


def test_factors_dates_and_pronouns_are_not_counts():
    qs = parse_quantities('the deployment had "tripled in a week" and that at least 40 tanks had been seen')
    assert [(q.text, q.qualifier) for q in qs] == [("tripled", "factor"), ("at least 40", "ge")]
    assert parse_quantities("KARSK, March 4, 2025 — since the 2019 ceasefire") == []
    assert parse_quantities("without offering one of his own") == []
    assert [q.value for q in parse_quantities("2000 people fled")] == [2000]


def test_two_counts_in_one_claim_keep_their_own_nouns():
    qs = parse_quantities("three civilians were killed and eleven wounded")
    assert [(q.value, q.counted) for q in qs] == [(3, "killed"), (11, "wounded")]


def test_number_words_agree_with_text2num():
    for words in ["three", "eleven", "forty two", "two thousand five hundred", "one hundred and twelve"]:
        assert one(f"{words} soldiers").value == text2num(words.replace(" and", ""), "en")


def test_unicode_offsets_survive():
    text = "😀 緊張 Zoë: more than 10,000 troops"
    q = one(text)
    assert text[q.start:q.end] == "more than 10,000"


def test_conflicts_between_claims():
    troops = {
        "wire": "Veldoria has moved more than 10,000 troops to its northern border",
        "herald": "Roughly 15,000 Veldorian soldiers are now stationed along the northern border",
        "bulletin": "which now says 18,000 soldiers are deployed",
    }
    assert figure_conflicts(troops["wire"], troops["herald"]) == [], "more than 10,000 fits roughly 15,000"
    assert figure_conflicts(troops["wire"], troops["bulletin"]) == []
    (c,) = figure_conflicts(troops["herald"], troops["bulletin"])
    assert c.quantity == "troops" and "15,000" in c.describe() and "18,000" in c.describe()
    (c,) = figure_conflicts("three civilians were killed and eleven wounded",
                            "Ostrava's interior ministry put the death toll at seven")
    assert (c.quantity, c.a.value, c.b.value) == ("killed", 3, 7)
    assert figure_conflicts("40 tanks", "3,000 soldiers") == [], "different things counted never conflict"
    a, b = one("more than 12 troops"), one("12 troops")
    assert incompatible(a, b), "an open bound excludes the figure itself"
    assert not incompatible(one("tripled"), one("3 troops")), "a factor is not a count"


def test_entities_meet_across_spellings():
    assert normalise_entity("Veldoria") == normalise_entity("Veldorian") == normalise_entity("Veldoria's")
    assert normalise_entity("Ostrava") == normalise_entity("Ostravan")


def test_similarity_matches_sklearn_tfidf():
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = ["more than 10,000 troops to the northern border", "roughly 15,000 soldiers along the northern border",
             "dock workers end strike"]
    sim = similarity_matrix(texts)
    assert sim[0, 1] > sim[0, 2] and sim[1, 0] == pytest.approx(sim[0, 1])
    assert sim[0, 0] == pytest.approx(1.0)
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english").fit_transform(texts)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit_transform(texts)
    expected = ((words @ words.T).toarray() + (chars @ chars.T).toarray()) / 2
    assert sim == pytest.approx(expected)

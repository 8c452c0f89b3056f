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


@pytest.mark.parametrize("text, quoted, low, high, qualifier, what", [
    ("Veldoria has moved more than 10,000 troops", "more than 10,000", 10_000, math.inf, "gt", "troops deployed"),
    ("Roughly 15,000 Veldorian soldiers are now stationed", "Roughly 15,000", 13_500, 16_500, "approx",
     "troops deployed"),
    ("at least 2,000 people had fled villages", "at least 2,000", 2_000, math.inf, "ge", "people displaced"),
    ("which now says 18,000 soldiers are deployed", "18,000", 17_100, 18_900, "round", "troops deployed"),
    ("put the death toll at seven", "seven", 7, 7, "exact", "killed"),
    ("between 10,000 and 15,000 troops", "between 10,000 and 15,000", 10_000, 15_000, "range", "troops deployed"),
    ("10,000–12,000 troops", "10,000–12,000", 10_000, 12_000, "range", "troops deployed"),
    ("fewer than twenty-one soldiers", "fewer than twenty-one", 0, 21, "lt", "troops deployed"),
    ("nearly 500 tanks", "nearly 500", 450, 500, "nearly", "tanks"),
    ("two thousand five hundred refugees", "two thousand five hundred", 2375, 2625, "round", "people displaced"),
    ("viewed 2 million times", "2 million", 1_900_000, 2_100_000, "round", "time"),
    ("a pay offer of 6.5 percent", "6.5", 6.5, 6.5, "exact", "percent"),
])
def test_intervals(text, quoted, low, high, qualifier, what):
    q = one(text)
    assert (q.text, q.low, q.high, q.qualifier, q.what) == (quoted, pytest.approx(low), pytest.approx(high),
                                                             qualifier, what)


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
    assert [(q.value, q.counted, q.event) for q in qs] == [(3, "civilians", "killed"), (11, None, "wounded")]


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
    assert c.quantity == "troops deployed" and "15,000" in c.describe() and "18,000" in c.describe()
    (c,) = figure_conflicts("three civilians were killed and eleven wounded",
                            "Ostrava's interior ministry put the death toll at seven")
    assert (c.quantity, c.a.value, c.b.value) == ("civilians killed", 3, 7)
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


# --------------------------------------------------------------- what happened to what is counted
DEPLOYMENT = [
    "Veldoria has sent more than 10,000 troops to its northern border",
    "Roughly 15,000 Veldorian soldiers are now stationed along the border",
    "more than 10,000 troops",
    "the army deployed 12,000 soldiers near Brezno",
    "Veldoria has massed at least 11,000 troops on the frontier",
    "Some 14,000 Veldorian troops were moved north last week",
]
CASUALTIES = [
    "at least 2,000 Veldorian soldiers have been killed",
    "2,000 soldiers killed",
    "the fighting killed 2,000 soldiers",
    "the number of troops killed has reached 2,000",
    "2,000 soldiers have lost their lives",
    "the deaths of 2,000 soldiers were confirmed",
    "Two thousand soldiers died in the assault",
    "a death toll of 2,000 soldiers",
]


@pytest.mark.parametrize("text", DEPLOYMENT)
def test_deployment_phrasings(text):
    q = one(text)
    assert (q.counted, q.event_class) == ("troops", "deployed"), q


@pytest.mark.parametrize("text", CASUALTIES)
def test_casualty_phrasings(text):
    q = one(text)
    assert (q.counted, q.event) == ("troops", "killed"), q


@pytest.mark.parametrize("casualty", CASUALTIES)
@pytest.mark.parametrize("deployment", DEPLOYMENT)
def test_casualty_figures_are_never_compared_with_deployment_figures(casualty, deployment):
    from annotator.core.claim_matching import figures_relation
    from annotator.core.quantities import comparable

    assert not comparable(one(casualty), one(deployment))
    assert figure_conflicts(casualty, deployment) == []
    assert figures_relation(casualty, deployment) == "different"


def test_deployment_figures_that_fit_stay_compatible():
    from annotator.core.claim_matching import figures_relation

    a, b = "Veldoria has moved more than 10,000 troops north", "Roughly 15,000 Veldorian troops are on the border"
    assert figure_conflicts(a, b) == [] and figures_relation(a, b) == "same"
    (c,) = figure_conflicts("the army deployed 12,000 soldiers", "18,000 soldiers were sent")
    assert c.quantity == "troops deployed"


@pytest.mark.parametrize("a, b, events", [
    ("three civilians were killed and eleven wounded", "eleven civilians were killed", ("killed", "killed")),
    ("300 troops were captured", "300 troops were killed", ("captured", "killed")),
    ("at least 2,000 people had fled villages", "2,000 people were killed", ("displaced", "killed")),
    ("150 soldiers are missing", "150 soldiers were wounded", ("missing", "wounded")),
])
def test_each_casualty_event_is_its_own_quantity(a, b, events):
    qa, qb = parse_quantities(a)[0], parse_quantities(b)[0]
    assert (qa.event, qb.event) == events
    from annotator.core.quantities import comparable

    assert comparable(qa, qb) == (events[0] == events[1])


def _parsed(words, heads, deps, pos, lemmas=None):
    """A spaCy Doc with a dependency parse given by hand (as a parser would set it): tests the
    parse reading without a trained pipeline, which PyPI does not ship."""
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    spaces = [True] * len(words)
    for i, w in enumerate(words[1:], 1):
        if w in (",", "."):
            spaces[i - 1] = False
    spaces[-1] = False
    return Doc(Vocab(), words=words, spaces=spaces, heads=heads, deps=deps, pos=pos,
               lemmas=lemmas or [w.lower() for w in words])


def test_dependency_parse_finds_the_event_across_a_long_clause():
    # "2,000 soldiers, officials in the capital said on Tuesday, have been killed": the patterns
    # stop at the comma; the parse links the number to its noun and the noun to "killed"
    words = ["2,000", "soldiers", ",", "officials", "said", ",", "have", "been", "killed"]
    heads = [1, 8, 4, 4, 8, 8, 8, 8, 8]
    deps = ["nummod", "nsubjpass", "punct", "nsubj", "parataxis", "punct", "aux", "auxpass", "ROOT"]
    pos = ["NUM", "NOUN", "PUNCT", "NOUN", "VERB", "PUNCT", "AUX", "AUX", "VERB"]
    doc = _parsed(words, heads, deps, pos, ["2,000", "soldier", ",", "official", "say", ",", "have", "be", "kill"])
    assert parse_quantities(doc.text)[0].event is None, "the patterns alone cannot see it"
    (q,) = parse_quantities(doc.text, doc=doc)
    assert (q.text, q.counted, q.event) == ("2,000", "troops", "killed")


def test_dependency_parse_keeps_deployment_and_casualties_apart_in_one_sentence():
    # "Veldoria sent 10,000 troops and 2,000 of them were killed"
    words = ["Veldoria", "sent", "10,000", "troops", "and", "2,000", "of", "them", "were", "killed"]
    heads = [1, 1, 3, 1, 1, 9, 5, 6, 9, 1]
    deps = ["nsubj", "ROOT", "nummod", "dobj", "cc", "nsubjpass", "prep", "pobj", "auxpass", "conj"]
    pos = ["PROPN", "VERB", "NUM", "NOUN", "CCONJ", "NUM", "ADP", "PRON", "AUX", "VERB"]
    doc = _parsed(words, heads, deps, pos, ["Veldoria", "send", "10,000", "troop", "and", "2,000", "of", "they",
                                            "be", "kill"])
    sent, killed = parse_quantities(doc.text, doc=doc)
    assert (sent.counted, sent.event) == ("troops", "sent")
    assert killed.event == "killed"
    from annotator.core.quantities import comparable

    assert not comparable(sent, killed)


def test_an_installed_pipeline_is_used_when_set(monkeypatch):
    """``set_pipeline`` routes every claim through a parser: here a blank English pipeline whose
    "parser" is a component that sets the heads a parser would."""
    import spacy
    from spacy.language import Language

    from annotator.core import quantities

    @Language.component("fixed_parse_for_test")
    def fixed_parse(doc):
        # "2,000 soldiers , officials said , have been killed"
        for tok, head, dep, pos in zip(doc, [1, 8, 4, 4, 8, 8, 8, 8, 8],
                                       ["nummod", "nsubjpass", "punct", "nsubj", "parataxis", "punct", "aux",
                                        "auxpass", "ROOT"],
                                       ["NUM", "NOUN", "PUNCT", "NOUN", "VERB", "PUNCT", "AUX", "AUX", "VERB"]):
            tok.head, tok.dep_, tok.pos_ = doc[head], dep, pos
        return doc

    nlp = spacy.blank("en")
    nlp.add_pipe("fixed_parse_for_test")
    quantities.set_pipeline(nlp)
    try:
        (q,) = parse_quantities("2,000 soldiers, officials said, have been killed")
        assert q.event == "killed"
    finally:
        quantities.set_pipeline(None)
    assert parse_quantities("2,000 soldiers, officials said, have been killed")[0].event is None

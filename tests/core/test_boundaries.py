"""Word-aware snapping and edge moves (Qt-free): hyphenated names whole, possessives out,
grapheme clusters (ZWJ emoji, combining marks) never cut, results on spaCy token boundaries."""

from annotator.core.boundaries import move_edge, next_cluster, previous_cluster, resize, snap_selection
from annotator.core.tokens import TokenIndex

T = "Kim Jong-un met O'Brien's aide; Pyongyang's state-run KCNA said 👩‍👩‍👧 东京 Ą́dam don't."


def _s(r):
    return T[r[0]:r[1]]


def test_word_at_reader_words():
    ti = TokenIndex(T)
    assert _s(ti.word_at(T.index("Jong") + 1)) == "Jong-un"
    assert _s(ti.word_at(T.index("un met"))) == "Jong-un"
    assert _s(ti.word_at(T.index("Brien"))) == "O'Brien"
    assert _s(ti.word_at(T.index("Pyong"))) == "Pyongyang"
    assert _s(ti.word_at(T.index("run"))) == "state-run"
    assert _s(ti.word_at(T.index("don't") + 1)) == "don't"
    assert _s(ti.word_at(T.index(";"))) == ";"
    assert _s(ti.word_at(T.index("Ą́dam") + 2)) == "Ą́dam"
    for r in (ti.word_at(T.index(w)) for w in ("Jong", "Brien", "Pyong", "run", "don't")):
        assert ti.is_aligned(*r)


def test_selection_ending_inside_a_hyphenated_name_takes_the_whole_name():
    ti = TokenIndex(T)
    k = T.index("Kim")
    assert _s(snap_selection(T, ti, k, T.index("-un") + 1)) == "Kim Jong-un"  # "Kim Jong-"
    assert _s(snap_selection(T, ti, k, T.index("Jong") + 2)) == "Kim Jong-un"
    assert _s(snap_selection(T, ti, T.index("un met"), T.index("met") + 3)) == "Jong-un met"
    # a possessive is a separate token, not part of a hyphenated word: it stays out
    p = T.index("Pyongyang")
    assert _s(snap_selection(T, ti, p, p + 9)) == "Pyongyang"


def test_zwj_family_is_never_cut_though_spacy_splits_it():
    ti = TokenIndex(T)
    e = T.index("👩")
    assert len([s for s in ti.starts if e <= s < e + 5]) == 5  # five spaCy tokens
    assert _s(snap_selection(T, ti, e + 2, e + 3)) == "👩‍👩‍👧"
    said = T.index("said")
    assert _s(move_edge(T, ti, said, said + 4, "end", 1)) == "said 👩‍👩‍👧"
    assert _s(move_edge(T, ti, e, e + 5, "start", 1) or (0, 0)) == ""  # would be empty: refused


def test_character_moves_are_grapheme_clusters():
    a = T.index("Ą́dam")
    assert next_cluster(T, a) == a + 2 and previous_cluster(T, a + 2) == a
    e = T.index("👩")
    assert next_cluster(T, e) == e + 5 and previous_cluster(T, e + 5) == e
    ti = TokenIndex(T)
    assert _s(move_edge(T, ti, a, a + 5, "start", 1, "character")) == "dam"
    assert _s(move_edge(T, ti, T.index("said"), e, "end", 1, "character")) == "said 👩‍👩‍👧"
    assert move_edge(T, ti, a, a + 2, "end", -1, "character") is None  # empty


def test_resize_snaps_the_dragged_edge_only():
    ti = TokenIndex(T)
    k = T.index("Kim")
    # a character-precise start stays where it is when the end is dragged with snapping
    got = resize(T, ti, k + 1, k + 3, "end", T.index("Jong") + 1, precise=False)
    assert _s(got) == "im Jong-un"
    assert _s(resize(T, ti, k, k + 3, "end", T.index("Jong") + 1, precise=True)) == "Kim J"
    assert resize(T, ti, k, k + 3, "start", k + 3, precise=False) is None
    a = T.index("Ą́dam")
    assert _s(resize(T, ti, a, a + 5, "start", a + 1, precise=True)) == "Ą́dam"  # not a bare combining mark

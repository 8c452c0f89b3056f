from annotator.core.tokens import TokenIndex

TEXT = "Veldoria moved more than 10,000 troops to Ostrava's border."


def test_expand_partial_selection_to_tokens():
    ti = TokenIndex(TEXT)
    s = TEXT.index("ldoria")
    assert ti.snap(s, s + 3) == (0, len("Veldoria"))
    s = TEXT.index("0,0")
    assert TEXT.__getitem__(slice(*ti.snap(s, s + 3))) == "10,000"


def test_contract_and_strict():
    ti = TokenIndex(TEXT)
    s = TEXT.index("re than 10")
    a, b = ti.snap(s, s + len("re than 10"), "contract")
    assert TEXT[a:b] == "than"
    assert ti.snap(0, 8, "strict") == (0, 8)
    assert ti.snap(0, 7, "strict") is None


def test_whitespace_only_selection_gives_nothing():
    ti = TokenIndex("a   b")
    assert ti.snap(1, 4) is None


def test_caret_inside_token_selects_token():
    ti = TokenIndex(TEXT)
    assert ti.token_at(2) == (0, 8)
    assert ti.snap(2, 2) == (0, 8)


def test_emoji_and_cjk_tokens():
    t = "NHK said 「緊張」 😱 now"
    ti = TokenIndex(t)
    i = t.index("😱")
    assert ti.snap(i, i + 1) == (i, i + 1)

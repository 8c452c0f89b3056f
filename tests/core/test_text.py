import unicodedata

from hypothesis import given, strategies as st

from annotator.core.text import content_hash, normalise, normalise_with_offsets


def test_crlf_and_cr_become_lf():
    assert normalise("a\r\nb\rc\n") == "a\nb\nc\n"


def test_nfc():
    assert normalise("Zoe\u0308") == "Zoë"


def test_offsets_follow_crlf():
    src = "Title\r\n\r\nKarsk said 10,000 troops."
    start = src.index("10,000")
    text, m = normalise_with_offsets(src, [start, start + 6])
    assert text[m[start]:m[start + 6]] == "10,000"


def test_offsets_follow_nfc():
    src = "Cafe\u0301 owner Zoe\u0308 Kovac\u030cevic\u0301 spoke"
    s, e = src.index("Zoe"), src.index(" spoke")
    text, m = normalise_with_offsets(src, [s, e])
    assert text[m[s]:m[e]] == "Zoë Kovačević"
    assert text == unicodedata.normalize("NFC", src)


@given(st.text(alphabet="ab\r\n\u0301e😀", max_size=40), st.data())
def test_span_text_is_normalised_span(src, data):
    if not src:
        return
    a = data.draw(st.integers(0, len(src)))
    b = data.draw(st.integers(a, len(src)))
    text, m = normalise_with_offsets(src, [a, b])
    assert "\r" not in text
    assert text[m[a]:m[b]].replace("\n", "") == normalise(src[a:b]).replace("\n", "")


def test_hash_is_stable():
    assert content_hash("x") == content_hash("x") != content_hash("y")

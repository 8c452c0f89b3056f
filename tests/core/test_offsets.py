from hypothesis import given, strategies as st

from annotator.core.offsets import OffsetMap, utf8_byte_offsets

TEXT = "a😀b 東京 e\u0301 🇴🇸!"


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def test_known_positions():
    m = OffsetMap(TEXT)
    assert m.utf16_length == utf16_len(TEXT)
    for cp in range(len(TEXT) + 1):
        assert m.to_utf16(cp) == utf16_len(TEXT[:cp])
        assert m.from_utf16(m.to_utf16(cp)) == cp


def test_inside_surrogate_pair_snaps():
    m = OffsetMap("x😀y")
    assert m.from_utf16(2) == 1  # middle of the emoji -> its start
    assert m.from_utf16(2, snap="right") == 2


def test_ascii_is_identity():
    m = OffsetMap("plain text")
    assert [m.to_utf16(i) for i in range(11)] == list(range(11))


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60), st.data())
def test_round_trip_property(text, data):
    m = OffsetMap(text)
    cp = data.draw(st.integers(0, len(text)))
    u = m.to_utf16(cp)
    assert u == utf16_len(text[:cp])
    assert m.from_utf16(u) == cp


def test_utf8_byte_offsets():
    offs = utf8_byte_offsets(TEXT)
    for i in range(len(TEXT) + 1):
        assert offs[i] == len(TEXT[:i].encode("utf-8"))

import pytest

from annotator.core.article import extract_date, extract_source, extract_title
from annotator.core.errors import InputError
from annotator.core.model import Layer
from annotator.core.schema import load_schema, save_schema, schema_from_dict
from annotator.services.sample import default_schema_path


def test_default_schema_has_news_layers():
    s = load_schema(default_schema_path())
    names = {lab.name for lab in s.labels}
    assert {"PERSON", "ORG", "GPE", "NORP", "DATE", "CARDINAL", "EVENT", "CLAIM"} <= names
    assert {lab.name for lab in s.by_layer(Layer.DOCUMENT)} == {"FAVOR", "AGAINST", "NONE"}
    assert s.stance_target


def test_schema_round_trip(tmp_path):
    s = load_schema(default_schema_path())
    save_schema(s, tmp_path / "s.json")
    assert load_schema(tmp_path / "s.json") == s


@pytest.mark.parametrize("bad, msg", [
    ({"labels": [{"name": "X", "layer": "nope"}]}, "unknown layer"),
    ({"labels": [{"name": "X", "color": "red"}]}, "#rrggbb"),
    ({"labels": [{"name": "X"}, {"name": "X"}]}, "twice"),
    ({"labels": [{"name": "X", "hotkey": "1"}, {"name": "Y", "hotkey": "1"}]}, "hotkey"),
    ({"labels": "x"}, "list"),
])
def test_bad_schema_is_explained(bad, msg):
    with pytest.raises(InputError, match=msg):
        schema_from_dict(bad)


def test_article_metadata():
    t = "Headline here\n\nKARSK, March 4, 2025 (Northwire) — Text."
    assert extract_title(t) == "Headline here"
    assert extract_date(t) == "2025-03-04"
    assert extract_source(t) == "Northwire"
    assert extract_date("Published 5 March 2025\nbody") == "2025-03-05"
    assert extract_date("no date at all") is None

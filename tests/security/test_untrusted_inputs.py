"""Untrusted files: a spaCy DocBin whose user data carries a pickle (a numpy object array, which
would run code when loaded) is refused with a sentence naming the file; nothing runs, nothing
is stored, and the rest of the input still imports."""

from __future__ import annotations

import pickle

import pytest

spacy = pytest.importorskip("spacy")
pytestmark = pytest.mark.subprocess


class _Plant:
    """Unpickling this creates ``path``: proof that code ran."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def hostile_docbin(path, marker, text="Alice said hello."):
    import srsly
    from spacy.tokens import DocBin

    db = DocBin(store_user_data=True)
    db.add(spacy.blank("en")(text))
    # what srsly's msgpack-numpy writes for an array of dtype object: a pickle in "data"
    payload = {b"nd": True, b"type": "|O", b"kind": b"", b"shape": (1,), b"data": pickle.dumps([_Plant(str(marker))])}
    db.user_data[0] = srsly.msgpack_dumps({"annotator": {"x": payload}})
    path.write_bytes(db.to_bytes())


def test_a_docbin_with_a_pickle_is_refused_with_a_sentence(tmp_path, cli):
    from spacy.tokens import DocBin

    marker = tmp_path / "code-ran"
    folder = tmp_path / "in"
    folder.mkdir()
    hostile_docbin(folder / "a-hostile.spacy", marker)
    good = DocBin()
    good.add(spacy.blank("en")("Bo wrote back."))
    good.to_disk(folder / "b-good.spacy")
    project = tmp_path / "p.annotator"
    r = cli("import-annotations", "--format", "spacy", folder, "--project", project)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert f"{folder / 'a-hostile.spacy'}: document 1 carries a pickled Python object" in r.stderr
    assert not marker.exists()
    from annotator.storage import Project

    with Project.open(project) as p:
        assert [d.text for d in p.documents()] == ["Bo wrote back."]

"""An import batch written as one ``INSERT … SELECT FROM json_each`` (annotator.storage.bulk)
stores exactly the rows that ``Project.insert_documents`` (executemany) stores: every column,
its SQLite type, the ids in order, and the full-text index."""

import sqlite3
import time

import pytest

from annotator.core.schema import load_schema
from annotator.core.text import content_hash, normalise
from annotator.services.sample import default_schema_path
from annotator.storage import Project, bulk

TEXTS = [
    "Plain headline\n\nKARSK, March 4 (Northwire) — A report.",
    "Emoji 👍🏽 and flags 🇮🇹, CJK 東京マラソン, combining e\u0301 → NFC, Zoë",
    "Controls \x01 \x1f \x7f \x85 tab\tthere, line\u2028separator, BOM \ufeff, nonchar \ufffe",
    'Quotes " and \\ backslashes \\u0041 and </script> and a slash /',
    "CRLF\r\nlines\rhere",
    "x" * 70_000,
]


def _rows(now: float) -> list[dict]:
    rows = []
    for i, raw in enumerate(TEXTS):
        text = normalise(raw)
        rows.append(dict(text=text, title=f"Title {i} ‘quoted’" if i % 2 else "", source=None if i % 3 else "Reuters",
                         url=None if i % 2 else f"https://x.example/{i}", published="2026-03-04" if i % 2 else None,
                         content_hash=content_hash(text), meta={"id": i, "ünï": ["v", 1.5, None, True], "t": "a\u0000b"},
                         length=len(text), created_at=now))
    return rows


def _stored(path) -> tuple[list, list]:
    con = sqlite3.connect(path)
    try:
        docs = con.execute("SELECT id, text, title, source, url, published, content_hash, meta, length, created_at, "
                           "typeof(title), typeof(source), typeof(url), typeof(published), typeof(meta), "
                           "typeof(length), typeof(created_at) FROM document ORDER BY id").fetchall()
        fts = con.execute("SELECT rowid, title, text FROM document_fts ORDER BY rowid").fetchall()
    finally:
        con.close()
    return docs, fts


def _insert(path, rows, fast: bool) -> dict[str, int]:
    Project.create(path, load_schema(default_schema_path())).close()
    with Project.open(path) as p, p.write() as c:
        return bulk.insert_documents(c, rows) if fast else Project.insert_documents(c, rows)


@pytest.mark.parametrize("odd", [None, "published is a number", "created_at differs", "a NUL in a title"])
def test_one_statement_stores_what_executemany_stores(tmp_path, odd):
    rows = _rows(time.time())
    if odd == "published is a number":  # (what the JSON may say): the batch goes the usual way
        rows[1]["published"] = 2024
    elif odd == "created_at differs":
        rows[2]["created_at"] += 1.0
    elif odd == "a NUL in a title":  # (JSON may say so; SQLite's JSON would end the string there)
        rows[3]["title"] = "a\x00b"
    ids_fast = _insert(tmp_path / "fast.annotator", rows, fast=True)
    ids_usual = _insert(tmp_path / "usual.annotator", rows, fast=False)
    assert ids_fast == ids_usual and len(ids_fast) == len(TEXTS)
    fast, usual = _stored(tmp_path / "fast.annotator"), _stored(tmp_path / "usual.annotator")
    assert fast == usual
    assert [r[1] for r in fast[0]] == [normalise(t) for t in TEXTS]


def test_the_usual_import_batch_takes_the_one_statement(tmp_path):
    path = tmp_path / "p.annotator"
    Project.create(path, load_schema(default_schema_path())).close()
    rows = _rows(time.time())
    with Project.open(path) as p, p.write() as c:
        assert bulk._payloads(c, rows) is not None
        rows[0]["source"] = {"name": "not text"}
        assert bulk._payloads(c, rows) is None  # (executemany refuses it, as before)


def test_a_batch_larger_than_one_statement_is_split_in_order(tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "_MAX_PAYLOAD", 6 * 80_000)  # about one long text per statement
    rows = _rows(time.time())
    ids = _insert(tmp_path / "fast.annotator", rows, fast=True)
    _insert(tmp_path / "usual.annotator", rows, fast=False)
    assert _stored(tmp_path / "fast.annotator") == _stored(tmp_path / "usual.annotator")
    assert sorted(ids.values()) == [ids[r["content_hash"]] for r in rows]


def test_the_connection_keeps_its_page_cache_size(tmp_path):
    path = tmp_path / "p.annotator"
    Project.create(path, load_schema(default_schema_path())).close()
    with Project.open(path) as p, p.write() as c:
        before = c.exec_driver_sql("PRAGMA cache_size").scalar()
        bulk.insert_documents(c, _rows(time.time()))
        assert c.exec_driver_sql("PRAGMA cache_size").scalar() == before

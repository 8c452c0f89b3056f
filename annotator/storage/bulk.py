"""Writing an import batch of documents in one SQLite statement.

``Project.insert_documents`` inserts rows with ``executemany``: one ``sqlite3_step`` per row, and
the Python ``sqlite3`` module takes the GIL back after each one to bind the next row. The importer
writes a batch on a second thread while the main thread prepares the next batch in Python, so
each of those steps waited for the main thread to let go of the GIL (a 2,000-row batch that takes
0.5 s alone took 5 s beside a busy Python thread). Here the batch goes to SQLite as one JSON
array and one ``INSERT … SELECT … FROM json_each(?)``: a single step, the GIL released for all of
it. The rows stored are the same, column for column and in the same order (ids); the FTS5
triggers run as before.

The fast path is taken on SQLite only, for rows whose values are what the document table gets
from the importer (text without NUL, ``None``, whole numbers, one ``created_at`` per batch;
``meta`` through the column's own JSON serialiser); any other batch goes through
``Project.insert_documents``. (Every character but NUL comes back from SQLite's JSON unchanged;
checked over all of Unicode.)
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import Connection, select

from annotator.storage.project import D, Project

_TEXT_COLUMNS = ("text", "title", "source", "url", "published", "content_hash")
_COLUMNS = (*_TEXT_COLUMNS, "meta", "length")
_INSERT = (f"INSERT INTO document ({', '.join(_COLUMNS)}, created_at) SELECT "
           + ", ".join(f"json_extract(j.value, '$[{i}]')" for i in range(len(_COLUMNS)))
           + ", ?2 FROM json_each(?1) AS j ORDER BY j.key")
# one statement's JSON stays well below SQLite's longest string (1e9 bytes by default)
_MAX_PAYLOAD = 64 * 1024 * 1024
_BATCH_CACHE_KIB = -64 * 1024  # PRAGMA cache_size: negative is KiB


def insert_documents(c: Connection, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Insert prepared document rows (an import batch, in the caller's write transaction), as
    ``Project.insert_documents`` does; returns content hash -> new id."""
    if not rows:
        return {}
    payloads = _payloads(c, rows) if c.dialect.name == "sqlite" else None
    if payloads is None:
        return Project.insert_documents(c, rows)
    raw = c.connection.driver_connection  # the same sqlite3 connection, in the same transaction
    now = _bind(c, "created_at", rows[0]["created_at"])
    # a bigger page cache while the batch goes in: the index pages every row of it touches
    # (content hash, full text) stay in memory (~12% less CPU on a 60,000-document project)
    cache = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute(f"PRAGMA cache_size={_BATCH_CACHE_KIB}")
    try:
        for payload in payloads:
            raw.execute(_INSERT, (payload, now))
    finally:
        raw.execute(f"PRAGMA cache_size={int(cache)}")
    hashes = [r["content_hash"] for r in rows]
    out: dict[str, int] = {}
    for i in range(0, len(hashes), 900):
        out.update(c.execute(select(D.c.content_hash, D.c.id).where(D.c.content_hash.in_(hashes[i:i + 900]))).all())
    return out


def _bind(c: Connection, column: str, value: Any) -> Any:
    """``value`` as SQLAlchemy binds it to ``column`` (e.g. a float for ``created_at``)."""
    proc = D.c[column].type.dialect_impl(c.dialect).bind_processor(c.dialect)
    return proc(value) if proc is not None else value


def _payloads(c: Connection, rows: Sequence[dict[str, Any]]) -> list[str] | None:
    """The rows as JSON arrays in the column order of ``_INSERT``, in pieces below
    ``_MAX_PAYLOAD``; None if a row holds a value this path would not store the same way."""
    for col in (*_TEXT_COLUMNS, "length"):
        if D.c[col].type.dialect_impl(c.dialect).bind_processor(c.dialect) is not None:
            return None  # (SQLite's String and Integer bind values as they are)
    meta_bind = D.c.meta.type.dialect_impl(c.dialect).bind_processor(c.dialect)
    now = rows[0]["created_at"]
    if type(_bind(c, "created_at", now)) is not float:
        return None
    pieces: list[list[list[Any]]] = []
    piece: list[list[Any]] = []
    size = 0
    limit = _MAX_PAYLOAD // 6  # characters (one is at most 6 bytes of JSON)
    values = itemgetter(*_TEXT_COLUMNS)
    for r in rows:
        if r["created_at"] != now or type(r["length"]) is not int or type(r["meta"]) is not dict:
            return None
        vals = list(values(r))
        n = 200
        for v in vals:
            if type(v) is str:
                if "\x00" in v:  # (SQLite's JSON ends a string at an escaped NUL)
                    return None
                n += len(v)
            elif v is not None:
                return None
        try:
            meta = meta_bind(r["meta"]) if meta_bind else r["meta"]
        except (TypeError, ValueError):  # (not JSON: the usual path says so its own way)
            return None
        if type(meta) is not str:
            return None
        vals.append(meta)
        vals.append(r["length"])
        n += len(meta)
        if piece and size + n > limit:
            pieces.append(piece)
            piece, size = [], 0
        piece.append(vals)
        size += n
    pieces.append(piece)
    try:
        return [orjson.dumps(p).decode("utf-8") for p in pieces]
    except (orjson.JSONEncodeError, UnicodeError):  # e.g. a lone surrogate: not UTF-8
        return None

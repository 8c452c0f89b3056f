"""Reading one document's spans fast: the workspace opens an article with 20,000 spans.

``Project.spans`` goes through SQLAlchemy's row processing, which decodes each span's JSON
attributes with the standard library (~10 µs a span, 200-400 ms for 20,000). Here the rows come
from the DB-API cursor, and attributes are decoded with orjson only when there are any (most
spans have none; SQLite hands those, and the usual origin, back as NULL, so no string is made for
them). Same rows, same order, same ``SpanData`` as ``Project.spans``.

Where the time went for 20,000 spans (quiet machine): SQLite sorting by (start, end, id) with a
temporary B-tree, ~6 ms of ~18: rows come in start order from the (document, annotator, start)
index instead, and only runs of spans that start together are sorted here. ``SpanData``'s
generated ``__init__`` (a frozen dataclass: one ``object.__setattr__`` per field), ~15 ms: its
slots are filled directly (~8 ms), which makes the same objects (``tests/storage/test_spanread.py``).
"""

from __future__ import annotations

from dataclasses import fields
from itertools import compress, islice
from operator import eq

import orjson
from sqlalchemy import func, select, type_coerce
from sqlalchemy.types import String

from annotator.core.model import Origin, SpanData
from annotator.storage.project import S, Project

_ORIGIN = {str(o): o for o in Origin}
_FIELDS = ("id", "document_id", "annotator_id", "label_id", "start", "end", "attrs", "origin")
# filling the slots directly is what the generated __init__ does, as long as there is nothing more
_SLOTS_ONLY = (tuple(f.name for f in fields(SpanData)) == _FIELDS and "__post_init__" not in vars(SpanData)
               and getattr(SpanData, "__slots__", None) == _FIELDS)


def document_spans(project: Project, document_id: int, annotator_id: int | None = None, *,
                   outer_first: bool = False) -> list[SpanData]:
    """``Project.spans(document_id, annotator_id)``, read without per-row processing (SQLite).
    ``outer_first``: spans that start together come longest first, as the span list shows them
    (start, end descending, id) instead of (start, end, id)."""
    if project.url is not None:  # PostgreSQL hands JSON back decoded already
        spans = project.spans(document_id, annotator_id)
        return sorted(spans, key=lambda s: (s.start, -s.end, s.id)) if outer_first else spans
    cols = [S.c.id, S.c.label_id, S.c.start, S.c.end, func.nullif(type_coerce(S.c.attrs, String), "{}"),
            func.nullif(S.c.origin, str(Origin.MANUAL))]
    if annotator_id is None:
        cols.append(S.c.annotator_id)
    q = select(*cols).where(S.c.document_id == document_id)
    if annotator_id is not None:
        q = q.where(S.c.annotator_id == annotator_id)
    with project.read() as c:
        rows = c.execute(q.order_by(S.c.start)).cursor.fetchall()
    _order_ties(rows, outer_first)
    return _spans(rows, document_id, annotator_id)


def _order_ties(rows: list[tuple], outer_first: bool) -> None:
    """Rows in start order: put each run of rows with the same start in (end, id) order, or
    (end descending, id) with ``outer_first``."""
    starts = [r[2] for r in rows]
    same = list(compress(range(1, len(rows)), map(eq, starts, islice(starts, 1, None))))  # i: start[i-1] == start[i]
    if not same:
        return

    def key(r: tuple) -> tuple[int, int]:
        return (-r[3] if outer_first else r[3], r[0])

    k = 0
    while k < len(same):
        j = k
        while j + 1 < len(same) and same[j + 1] == same[j] + 1:
            j += 1
        lo, hi = same[k] - 1, same[j] + 1
        rows[lo:hi] = sorted(rows[lo:hi], key=key)
        k = j + 1


def _spans(rows: list[tuple], document_id: int, annotator_id: int | None) -> list[SpanData]:
    loads, origin, manual, d = orjson.loads, _ORIGIN, Origin.MANUAL, document_id
    if annotator_id is None or not _SLOTS_ONLY:
        return [SpanData(i, d, annotator_id if annotator_id is not None else rest[0], lab, s, e,
                         loads(attrs) if attrs else {}, origin.get(o) or Origin(o) if o else manual)
                for i, lab, s, e, attrs, o, *rest in rows]
    slot = vars(SpanData)
    set_id, set_doc, set_ann, set_lab, set_start, set_end, set_attrs, set_origin = (slot[n].__set__ for n in _FIELDS)
    new, a, out = object.__new__, annotator_id, []
    append = out.append
    for i, lab, s, e, attrs, o in rows:
        x = new(SpanData)
        set_id(x, i)
        set_doc(x, d)
        set_ann(x, a)
        set_lab(x, lab)
        set_start(x, s)
        set_end(x, e)
        set_attrs(x, loads(attrs) if attrs else {})
        set_origin(x, origin.get(o) or Origin(o) if o else manual)
        append(x)
    return out

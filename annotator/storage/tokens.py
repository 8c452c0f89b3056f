"""Documents' tokens, stored once (table ``document_token``, migration 0006).

The compact form is :func:`annotator.core.tokens.encode`. Tokens are made the first time they
are needed (the workspace's snapping, an export, token agreement) and stored; later reads cost a
query and a numpy decode. A stored row counts only for the same tokenizer (language and spaCy
version) and the same text length; anything else is made again and replaced. A trigger drops
the row when a document's text changes.

Functions take a ``Project`` and return plain values (bytes, ``TokenIndex``); nothing outside
``annotator.storage`` touches the table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import DBAPIError

from annotator.core import tokens as core
from annotator.core.errors import ProjectError
from annotator.storage.project import Project
from annotator.storage.tables import DocumentToken as DocumentTokenT

T = DocumentTokenT.__table__
_CHUNK = 900  # ids per IN (...): under SQLite's variable limit


def stored(project: Project, texts: Mapping[int, str], lang: str) -> dict[int, bytes]:
    """Stored tokens of these documents ({id: text}) that are still valid for ``lang``."""
    key = core.tokenizer_key(lang)
    ids = list(texts)
    out: dict[int, bytes] = {}
    with project.read() as c:
        for i in range(0, len(ids), _CHUNK):
            for did, tok, length, data in c.execute(
                    select(T.c.document_id, T.c.tokenizer, T.c.length, T.c.data)
                    .where(T.c.document_id.in_(ids[i:i + _CHUNK]))):
                if tok == key and length == len(texts[did]):
                    out[did] = bytes(data)
    return out


def store(project: Project, blobs: Mapping[int, tuple[int, bytes]], lang: str) -> bool:
    """Store tokens {id: (text length, blob)}, replacing older rows. Best effort: a project that
    cannot be written now (read-only file, another writer holding the lock too long) keeps
    working without them; returns whether they were stored."""
    if not blobs:
        return True
    if getattr(project, "read_only", False):  # opened read-only: made each time, never stored
        return False
    key = core.tokenizer_key(lang)
    rows = [dict(document_id=d, tokenizer=key, length=n, data=b) for d, (n, b) in blobs.items()]
    ids = list(blobs)
    try:
        with project.write() as c:
            for i in range(0, len(ids), _CHUNK):
                c.execute(delete(T).where(T.c.document_id.in_(ids[i:i + _CHUNK])))
            c.execute(insert(T), rows)
    except (DBAPIError, ProjectError):  # locked, read-only, or not allowed (a PostgreSQL role without the grant)
        return False
    return True


def blobs(project: Project, texts: Mapping[int, str], lang: str, *, save: bool = True) -> dict[int, bytes]:
    """Tokens of every document in ``texts`` ({id: text}): stored ones read, missing ones made
    with spaCy's tokenizer (and stored, with ``save``)."""
    out = stored(project, texts, lang)
    made: dict[int, tuple[int, bytes]] = {}
    for did, text in texts.items():
        if did not in out:
            blob = core.tokenize(text, lang)
            out[did] = blob
            made[did] = (len(text), blob)
    if save and made:
        store(project, made, lang)
    return out


def token_index(project: Project, document_id: int, text: str, lang: str) -> core.TokenIndex:
    """The document's token index for snapping: read when stored, else made and stored."""
    return core.TokenIndex(text, blob=blobs(project, {document_id: text}, lang)[document_id])


def token_indexes(project: Project, texts: Mapping[int, str], lang: str) -> dict[int, core.TokenIndex]:
    return {d: core.TokenIndex(texts[d], blob=b) for d, b in blobs(project, texts, lang).items()}


def count_stored(project: Project, document_ids: Sequence[int] | None = None) -> int:
    """How many documents have tokens stored (any tokenizer)."""
    from sqlalchemy import func

    q = select(func.count()).select_from(T)
    if document_ids is not None:
        q = q.where(T.c.document_id.in_(list(document_ids)))
    with project.read() as c:
        return int(c.execute(q).scalar_one())

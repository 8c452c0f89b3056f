"""Plain text: one article per ``.txt`` file. Title, date, outlet, byline and dateline come
from the text (``annotator.core.article``), and web boilerplate (comment forms, teaser blocks,
badges, footers) is left out of the annotatable text unless ``keep_boilerplate``; the file's
text is kept with the document (``NewDocument.original``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.core.article import analyse
from annotator.core.errors import InputError
from annotator.core.model import NewDocument
from annotator.core.text import normalise
from annotator.formats.registry import Format, register
from annotator.formats.decoding import MAX_BYTES, read_text


def article_document(text: str, *, keep_boilerplate: bool, meta: dict, origin: str,
                     original: str | None = None, url: str | None = None,
                     known: dict[str, str | None] | None = None) -> NewDocument:
    """A document from an article's text: its structure found, boilerplate cut. ``known``:
    metadata that a better source gave already (an HTML page's own fields) and that wins."""
    normal = normalise(text)
    art = analyse(normal, cut=not keep_boilerplate)
    known = {k: v for k, v in (known or {}).items() if v}
    info = {"title": art.title, "published": art.published, "source": art.source, **art.meta()}
    info.update(known)
    extra = {k: info[k] for k in ("byline", "standfirst", "dateline") if info.get(k)}
    # the file as read (CRLF and all); cut offsets index it with line breaks as LF and Unicode NFC
    if original is None and art.cuts:
        original = text
    return NewDocument(text=art.text, title=info.get("title") or None, source=info.get("source"), url=url,
                       published=info.get("published"), meta={**meta, **extra}, origin=origin,
                       original=original, cuts=art.cuts)


def read(path: Path, max_bytes: int = MAX_BYTES, keep_boilerplate: bool = False,
         **_: object) -> Iterator[NewDocument | InputError]:
    try:
        text = read_text(path, max_bytes)
    except InputError as e:
        yield e
        return
    if not text.strip():
        yield InputError("is empty (or only white space); nothing to import", str(path))
        return
    yield article_document(text, keep_boilerplate=keep_boilerplate, meta={"file": path.name}, origin=str(path))


register(Format("text", (".txt", ".text"), "plain text, one article per file", reader=read))

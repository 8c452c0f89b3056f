"""Plain text: one article per ``.txt`` file. Title, date and source come from the text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.core.article import extract_date, extract_source, extract_title
from annotator.core.errors import InputError
from annotator.core.model import NewDocument
from annotator.formats import Format, register
from annotator.formats.decoding import MAX_BYTES, read_text


def read(path: Path, max_bytes: int = MAX_BYTES, **_: object) -> Iterator[NewDocument | InputError]:
    try:
        text = read_text(path, max_bytes)
    except InputError as e:
        yield e
        return
    if not text.strip():
        yield InputError("is empty (or only white space); nothing to import", str(path))
        return
    yield NewDocument(
        text=text,
        title=extract_title(text),
        published=extract_date(text),
        source=extract_source(text),
        meta={"file": path.name},
        origin=str(path),
    )


register(Format("text", (".txt", ".text"), "plain text, one article per file", reader=read))

"""CSV with a header row: one article per row, the text in a chosen column."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from annotator.core.article import article_metadata
from annotator.core.errors import InputError
from annotator.core.model import NewDocument
from annotator.formats.registry import Format, register
from annotator.formats.decoding import decode_bytes

csv.field_size_limit(64 * 1024 * 1024)

META_COLUMNS = {"title", "source", "url", "published", "date"}


def read(path: Path, text_column: str | None = None, **_: object) -> Iterator[NewDocument | InputError]:
    where = str(path)
    try:
        data = path.read_bytes()
        content = decode_bytes(data, where, nul_ok=True)  # a NUL refuses its row (with its line), not the file
    except OSError as e:
        yield InputError(f"cannot read: {e.strerror}", where)
        return
    except InputError as e:
        yield e
        return
    if not content.strip():
        yield InputError("is empty; nothing to import", where)
        return
    reader = csv.DictReader(io.StringIO(content, newline=""))
    fields = reader.fieldnames or []
    column = text_column or ("text" if "text" in fields else None)
    if column is None or column not in fields:
        yield InputError(f"has no column {column or 'text'!r}; columns are: {', '.join(fields)} "
                         "(choose one with --text-column)", where)
        return
    try:
        for row in reader:
            at = f"{where}:{reader.line_num}"
            nul = next((k for k, v in row.items() if isinstance(v, str) and "\x00" in v), None)
            if nul is not None:
                yield InputError(f"column {nul!r} contains a NUL character, which is not text", at)
                continue
            text = row.get(column) or ""
            if not text.strip():
                yield InputError(f"column {column!r} is empty", at)
                continue
            meta = {k: v for k, v in row.items() if k and k != column and k not in META_COLUMNS and v}
            title, source = row.get("title"), row.get("source")
            published = row.get("published") or row.get("date")
            if not (title and source and published):  # read from the article, in one analysis
                art = article_metadata(text)
                title, source, published = title or art.title, source or art.source, published or art.published
            yield NewDocument(text=text, title=title, source=source, url=row.get("url") or None,
                              published=published, meta=meta, origin=at)
    except csv.Error as e:
        yield InputError(f"malformed CSV: {e}", f"{where}:{reader.line_num}")


register(Format("csv", (".csv",), "CSV with a header row (text column chosen)", reader=read))

"""Saved web pages (``.html``, ``.htm``): one article per page.

The article's text and metadata come from ``trafilatura`` (made for news pages: it drops
navigation, comment forms, related-story boxes and footers from the page's structure), the
publication date from ``htmldate`` (the page's *original* date, not its last update). The
headline heads the annotatable text, paragraphs are separated by a blank line, and the text
then goes through the same article analysis as plain text (``annotator.core.article``): it
finds the dateline and the outlet in a wire credit, and cuts what boilerplate the extractor let
through. The page's HTML is kept with the document, unchanged.

Which fields win: the page's own (JSON-LD, Open Graph, ``<time>``) over what the text says;
the title is the page's ``<h1>``/``<h2>`` that its ``<title>`` or ``og:title`` names, so a
"Site name - Headline" ``<title>`` does not make the site name the headline.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.model import NewDocument
from annotator.formats.registry import Format, register
from annotator.formats.decoding import MAX_BYTES, bom_encoding, human_size
from annotator.formats.plaintext import article_document

MIN_WORDS = 8  # a page whose extracted text is shorter has no article (a menu, an error page)
_SEPARATORS = re.compile(r"\s+[|–—-]\s+|\s+::\s+|\s+»\s+")


def _headings(tree) -> list[str]:  # noqa: ANN001 (an lxml tree)
    out = []
    for el in tree.iter("h1", "h2"):
        t = " ".join(el.text_content().split())
        if t:
            out.append(t)
    return out


def _meta(tree, *names: str) -> str | None:  # noqa: ANN001
    for name in names:
        for el in tree.xpath(f'//meta[@property="{name}" or @name="{name}"]'):
            v = (el.get("content") or "").strip()
            if v:
                return v
    return None


def choose_title(tree, extracted: str | None, sitename: str | None) -> str | None:  # noqa: ANN001
    """The page's headline: a heading that the <title> or og:title names, else the extractor's
    title unless it is the site's name, else the longest part of the <title>."""
    heads = _headings(tree)
    og = _meta(tree, "og:title", "twitter:title")
    title_el = tree.find(".//title")
    page_title = " ".join(title_el.text_content().split()) if title_el is not None else ""
    parts = [p.strip() for p in _SEPARATORS.split(page_title) if p.strip()]
    norm = {p.casefold() for p in parts + ([og] if og else [])}
    for h in heads:
        if h.casefold() in norm:
            return h
    if og:
        return og
    if extracted and extracted.casefold() != (sitename or "").casefold():
        return extracted
    if heads:
        return heads[0]
    rest = [p for p in parts if p.casefold() != (sitename or "").casefold()]
    return max(rest, key=len) if rest else extracted


def extract_page(data: bytes, url: str | None = None) -> dict[str, str | None] | None:
    """Article text and metadata of a page: text (paragraphs separated by blank lines, the
    headline first), title, published, byline, source, url, standfirst. None if no article text."""
    import htmldate
    import trafilatura
    from lxml import html as lxml_html

    doc = trafilatura.bare_extraction(data, url=url, with_metadata=True, include_comments=False,
                                      include_tables=False, include_images=False, deduplicate=False)
    if doc is None or len((doc.text or "").split()) < MIN_WORDS:
        return None
    try:
        tree = lxml_html.fromstring(data)
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        tree = None
    title = choose_title(tree, doc.title, doc.sitename) if tree is not None else doc.title
    try:
        published = htmldate.find_date(data, original_date=True, extensive_search=False, url=url)
    except (ValueError, TypeError):
        published = None
    published = published or doc.date
    paragraphs = [p.strip() for p in doc.text.split("\n") if p.strip()]
    if title and (not paragraphs or paragraphs[0].casefold() != title.casefold()):
        paragraphs.insert(0, title)
    source = doc.sitename
    if not source and doc.hostname:
        from annotator.core.article import outlet_of_domain

        source = outlet_of_domain(doc.hostname)
    return {"text": "\n\n".join(paragraphs) + "\n", "title": title, "published": published,
            "byline": doc.author, "source": source, "url": doc.url or url,
            "standfirst": doc.description}


def read(path: Path, max_bytes: int = MAX_BYTES, keep_boilerplate: bool = False,
         **_: object) -> Iterator[NewDocument | InputError]:
    where = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            yield InputError(f"is {human_size(size)}; one page may be at most {human_size(max_bytes)}", where)
            return
        data = path.read_bytes()
    except OSError as e:
        yield InputError(f"cannot read: {e.strerror}", where)
        return
    if not data.strip():
        yield InputError("is empty; nothing to import", where)
        return
    if b"\x00" in data[:4096] and bom_encoding(data[:4]) not in ("utf-16", "utf-32"):  # (a BOM: UTF-16/32 text)
        yield InputError("looks like a binary file (it contains NUL bytes), not a web page", where)
        return
    try:
        page = extract_page(data)
    except Exception as e:  # noqa: BLE001  (lxml refuses some damaged pages with its own errors)
        yield InputError(f"cannot be read as a web page ({type(e).__name__}: {e})", where)
        return
    if page is None:
        yield InputError("no article text found in this page (is it a web page with an article?)", where)
        return
    yield from _document(page, data, path.name, where, keep_boilerplate)


def _document(page: dict[str, str | None], data: bytes, name: str, where: str,
              keep_boilerplate: bool) -> Iterator[NewDocument]:
    from trafilatura.utils import decode_file

    original = decode_file(data)  # the page's own encoding (meta charset, or detected)
    known = {k: page.get(k) for k in ("title", "published", "byline", "source")}
    doc = article_document(page["text"] or "", keep_boilerplate=keep_boilerplate,
                           meta={"file": name, "format": "html"}, origin=where, original=original,
                           url=page.get("url"), known=known)
    if page.get("standfirst") and "standfirst" not in doc.meta:
        doc.meta["standfirst"] = page["standfirst"]
    yield doc


register(Format("html", (".html", ".htm", ".xhtml"), "saved web page, one article per page", reader=read))

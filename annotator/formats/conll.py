"""CoNLL-2003 style IOB2 for entities, both ways.

::

    -DOCSTART- -X- O O

    Veldoria B-GPE
    moved O
    ...

One ``-DOCSTART- -X- O O`` line per document, then one token per line (``TOKEN TAG``,
space-separated: the tokens are spaCy's, which never contain white space), sentences
separated by a blank line. A sentence ends at a line break in the text, unless an entity
runs across it. Only the ``entity`` layer is written, and an overlapping entity cannot
be: the longest wins (spaCy's ``filter_spans``), the rest are reported, as are claims,
relations and stance. ``spacy convert -c ner`` reads the output.

Reading gives each document the text of its tokens joined by single spaces (sentences by
``\\n``): CoNLL does not keep the original white space, so the text is a reconstruction
and the entities are exact on it. Tags may be IO (bare labels), IOB1 (CoNLL-2003 as
distributed), IOB2 or BIOES/BILOU; 2 or 4 columns (``TOKEN POS CHUNK TAG``); an unreadable
tag refuses its document with file:line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from annotator.core.errors import InputError
from annotator.formats.registry import Format, register
from annotator.formats._interchange import Interchange, align, blank, make_doc, open_text
from annotator.formats.decoding import decode_bytes
from annotator.formats.records import ExportContext, Issue, RecSpan, Record

DOCSTART = "-DOCSTART- -X- O O"


class ConllWriter:
    def __init__(self, path: Path, ctx: ExportContext) -> None:
        self.fh = open_text(path)
        self.ctx = ctx
        self.nlp = blank(ctx.language)

    def write(self, rec: Record) -> list[Issue]:
        from spacy.util import filter_spans

        doc = make_doc(self.nlp, rec)
        ents_rec = Record(rec.text, spans=[s for s in rec.spans if s.layer == "entity"], where=rec.where,
                          title=rec.title)
        aligned, issues = align(doc, ents_rec, self.ctx.align)
        spans = [sp for _, sp in aligned]
        kept = filter_spans(spans)
        for sp in spans:
            if sp not in kept:
                issues.append(Issue("overlap", rec.where, sp.label_, sp.start_char, sp.end_char,
                                    "overlaps a longer entity: not in the CoNLL file"))
        for s in rec.spans:
            if s.layer != "entity":
                issues.append(Issue("not-carried", rec.where, s.label, s.start, s.end, f"{s.layer} span"))
        tags = ["O"] * len(doc)
        for sp in kept:
            tags[sp.start] = f"B-{sp.label_}"
            for i in range(sp.start + 1, sp.end):
                tags[i] = f"I-{sp.label_}"
        lines = [DOCSTART, ""]
        sentence: list[str] = []
        for tok, tag in zip(doc, tags):
            if tok.is_space:
                nxt = tok.i + 1
                if "\n" in tok.text and sentence and not (nxt < len(doc) and tags[nxt].startswith("I-")):
                    lines.extend(sentence)
                    lines.append("")
                    sentence = []
                continue
            sentence.append(f"{tok.text} {tag}")
        if sentence:
            lines.extend(sentence)
            lines.append("")
        self.fh.write("\n".join(lines) + "\n")
        return issues

    def close(self) -> None:
        self.fh.close()


PREFIXES = ("B", "I", "E", "S", "L", "U")
_IO_LABEL = re.compile(r"[^\W\d_][\w.]*")


def parse_tag(tag: str) -> tuple[str, str]:
    """(prefix, label): ("O", "") outside; ("B"|"I"|"E"|"S"|"L"|"U", label) for IOB1, IOB2,
    BIOES/BILOU; ("", label) for IO (a bare label). ``ValueError`` for anything else."""
    if tag == "O":
        return "O", ""
    prefix, dash, label = tag.partition("-")
    if dash:
        if prefix in PREFIXES and label and not label.startswith("-"):
            return prefix, label
        raise ValueError(tag)
    if _IO_LABEL.fullmatch(tag) and tag not in PREFIXES and not (tag[0] in PREFIXES and tag[1:2] in "_."):
        return "", tag
    raise ValueError(tag)


def _to_record(sentences: list[list[tuple[str, str, str]]], where: str) -> Record:
    """Text of the tokens (sentences on their own lines) and its entities, from parsed tags."""
    parts: list[str] = []
    spans: list[RecSpan] = []
    pos = 0
    open_span: list | None = None  # [start, end, label, prefix of the last token]

    def close() -> None:
        nonlocal open_span
        if open_span is not None:
            spans.append(RecSpan(open_span[0], open_span[1], open_span[2], "entity"))
            open_span = None

    for si, sent in enumerate(sentences):
        if si:
            parts.append("\n")
            pos += 1
        for ti, (tok, prefix, label) in enumerate(sent):
            if ti:
                parts.append(" ")
                pos += 1
            start, end = pos, pos + len(tok)
            parts.append(tok)
            pos = end
            if prefix == "O":
                close()
                continue
            continues = (open_span is not None and open_span[2] == label
                         and (prefix in ("I", "E", "L") or (prefix == "" and open_span[3] == "")))
            if continues:
                open_span[1] = end
                open_span[3] = prefix
            else:
                close()
                open_span = [start, end, label, prefix]
            if prefix in ("S", "U", "E", "L"):
                close()
    close()
    return Record("".join(parts), spans=spans, where=where).canonical()


def read(path: Path, **_: object) -> Iterator[Record | InputError]:
    """CoNLL-2003 as distributed (``TOKEN POS CHUNK TAG``, IOB1) and its relatives: two or
    more columns (the first is the token, the last the tag), tags in IO, IOB1, IOB2 or BIOES/
    BILOU, ``-DOCSTART-`` lines between documents (a file without them is one document).
    An unreadable tag refuses its document, naming file:line; the other documents are read."""
    try:  # UTF-8 (BOM optional), UTF-16/32 with a BOM
        data = decode_bytes(path.read_bytes(), str(path), nul_ok=True)
    except OSError as e:
        yield InputError(f"cannot read: {e.strerror}", str(path))
        return
    except InputError as e:  # names the byte and line that do not decode
        yield e
        return
    sentences: list[list[tuple[str, str, str]]] = []
    sent: list[tuple[str, str, str]] = []
    where = f"{path}:1"
    errors: list[InputError] = []

    def finish() -> Iterator[Record | InputError]:
        nonlocal sent, sentences, errors
        if sent:
            sentences.append(sent)
        if errors:
            yield from errors
            yield InputError(f"document refused: {len(errors)} line(s) could not be read", where)
        elif sentences:
            yield _to_record(sentences, where)
        sentences, sent, errors = [], [], []

    started = False
    for n, line in enumerate(data.split("\n"), start=1):
        line = line.rstrip("\r")
        if line.startswith("-DOCSTART-"):
            yield from finish()
            where, started = f"{path}:{n}", True
            continue
        if not line.strip():
            if sent:
                sentences.append(sent)
                sent = []
            continue
        cols = line.split()
        if not started:
            started, where = True, f"{path}:{n}"
        if len(cols) < 2:
            errors.append(InputError(f"a token line needs a token and a tag: {line[:60]!r}", f"{path}:{n}"))
            continue
        try:
            prefix, label = parse_tag(cols[-1])
        except ValueError:
            errors.append(InputError(f"tag {cols[-1]!r} is none of O, B-/I-/E-/S-/L-/U-LABEL or a bare label (IO)",
                                     f"{path}:{n}"))
            continue
        sent.append((cols[0], prefix, label))
    yield from finish()


register(Format("conll", (".conll", ".iob"), "CoNLL-2003 IOB2 (entities)",
                writer=Interchange(ConllWriter, read, ".conll", token_aligned=True)))

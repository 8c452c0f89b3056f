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
and the entities are exact on it. IOB1 and BIOES tags are accepted too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.core.errors import InputError
from annotator.formats import Format, register
from annotator.formats._interchange import Interchange, align, blank, open_text
from annotator.formats.decoding import open_input
from annotator.formats.records import ExportContext, Issue, RecSpan, Record

DOCSTART = "-DOCSTART- -X- O O"


class ConllWriter:
    def __init__(self, path: Path, ctx: ExportContext) -> None:
        self.fh = open_text(path)
        self.ctx = ctx
        self.nlp = blank(ctx.language)

    def write(self, rec: Record) -> list[Issue]:
        from spacy.util import filter_spans

        doc = self.nlp.make_doc(rec.text)
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


def _to_record(sentences: list[list[tuple[str, str]]], where: str) -> Record:
    parts: list[str] = []
    spans: list[RecSpan] = []
    pos = 0
    open_span: list | None = None

    def close() -> None:
        nonlocal open_span
        if open_span is not None:
            spans.append(RecSpan(open_span[0], open_span[1], open_span[2], "entity"))
            open_span = None

    for si, sent in enumerate(sentences):
        if si:
            parts.append("\n")
            pos += 1
        for ti, (tok, tag) in enumerate(sent):
            if ti:
                parts.append(" ")
                pos += 1
            start, end = pos, pos + len(tok)
            parts.append(tok)
            pos = end
            prefix, _, label = tag.partition("-")
            if tag == "O" or not label:
                close()
            elif prefix in ("B", "S", "U") or open_span is None or open_span[2] != label:
                close()
                open_span = [start, end, label]
            else:  # I, E, L continue
                open_span[1] = end
            if prefix in ("S", "U", "E", "L"):
                close()
    close()
    return Record("".join(parts), spans=spans, where=where).canonical()


def read(path: Path, **_: object) -> Iterator[Record | InputError]:
    sentences: list[list[tuple[str, str]]] = []
    sent: list[tuple[str, str]] = []
    where = f"{path}:1"
    started = False
    with open_input(path) as fh:  # UTF-8 (BOM optional), UTF-16/32 with a BOM
        for n, line in enumerate(fh, start=1):
            line = line.rstrip("\r\n")
            if line.startswith("-DOCSTART-"):
                if sent:
                    sentences.append(sent)
                    sent = []
                if sentences:
                    yield _to_record(sentences, where)
                sentences, where, started = [], f"{path}:{n}", True
                continue
            if not line.strip():
                if sent:
                    sentences.append(sent)
                    sent = []
                continue
            cols = line.split()
            if len(cols) < 2:
                yield InputError("a token line needs a token and a tag", f"{path}:{n}")
                continue
            if not started:
                started, where = True, f"{path}:{n}"
            sent.append((cols[0], cols[-1]))
    if sent:
        sentences.append(sent)
    if sentences:
        yield _to_record(sentences, where)


register(Format("conll", (".conll", ".iob"), "CoNLL-2003 IOB2 (entities)",
                writer=Interchange(ConllWriter, read, ".conll", token_aligned=True)))

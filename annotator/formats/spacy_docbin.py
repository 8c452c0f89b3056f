"""spaCy v3's binary training format (``.spacy``, a ``DocBin``), both ways.

Export, per document:

- ``doc.ents``: the ``entity`` layer. ``doc.ents`` cannot hold overlapping entities, so
  overlaps are resolved with spaCy's own ``spacy.util.filter_spans``: the longest span
  wins, and between equally long ones the earlier; every span left out is reported.
- ``doc.spans[<layer>]``: every span layer in full (``doc.spans["entity"]``,
  ``doc.spans["claim"]``), overlaps kept.
- ``doc.cats``: each document category (the ``stance`` group): 1.0 for the chosen label,
  0.0 for the others of its group. A document without a choice gets no entries (unknown is
  not "no").
- ``doc.user_data["annotator"]``: what spaCy has no place for: title, source, url,
  published, content hash, annotator, status, each span's attributes and origin (lists in
  the order of ``doc.spans[<layer>]``) and relations ``[head_layer, head_index,
  tail_layer, tail_index, kind]``. Stored because the ``DocBin`` is written with
  ``store_user_data=True``.

Spans off spaCy's token boundaries are snapped (``expand``/``contract``) or skipped, and
reported either way. With ``shard_docs`` the output is a folder of ``part-NNNNN.spacy``
files, which ``spacy train`` reads as one corpus.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.formats.registry import Format, register
from annotator.formats._interchange import Interchange, align, assign_cats, blank, make_doc
from annotator.formats.records import ExportContext, Issue, RecRelation, RecSpan, Record

USER_KEY = "annotator"


class _Encoders:
    """While an export runs, srsly's msgpack encoders are looked up once, not per packed object.

    ``DocBin.add`` packs each document's user data and span groups with srsly, whose ``Packer``
    asks its catalogue registry for the encoders every time: a scan of the installed packages'
    entry points and of every function spaCy registered (~0.6 ms, four times a document: a
    third of a ``.spacy`` export). The encoders cannot change during an export; the registry's
    own lookup is back when the writer closes."""

    def __init__(self) -> None:
        import srsly.msgpack

        self.registry = srsly.msgpack.msgpack_encoders
        found = self.registry.get_all()
        self.registry.get_all = lambda: dict(found)

    def close(self) -> None:
        self.registry.__dict__.pop("get_all", None)


class SpacyWriter:
    def __init__(self, path: Path, ctx: ExportContext) -> None:
        from spacy.tokens import DocBin

        self._DocBin = DocBin
        self._encoders = _Encoders()
        self.path = path
        self.ctx = ctx
        self.nlp = blank(ctx.language)
        self.bin = DocBin(store_user_data=True)
        self.count = 0
        self.shard = 0
        if ctx.shard_docs:
            path.mkdir(parents=True)

    def write(self, rec: Record) -> list[Issue]:
        from spacy.util import filter_spans

        doc = make_doc(self.nlp, rec)
        aligned, issues = align(doc, rec, self.ctx.align)
        ents = [sp for i, sp in aligned if rec.spans[i].layer == "entity"]
        kept = filter_spans(ents)
        if len(kept) != len(ents):
            keep = {(s.start, s.end, s.label) for s in kept}
            for sp in ents:
                key = (sp.start, sp.end, sp.label)
                if key in keep:
                    keep.discard(key)  # a duplicate after snapping counts as dropped once kept
                    continue
                issues.append(Issue("overlap", rec.where or rec.title, sp.label_, sp.start_char, sp.end_char,
                                    "left out of doc.ents (kept in doc.spans['entity'])"))
        doc.ents = kept
        groups: dict[str, list[Any]] = {}
        attrs: dict[str, list[Any]] = {}
        origins: dict[str, list[str]] = {}
        position: dict[int, tuple[str, int]] = {}
        for i, sp in aligned:
            s = rec.spans[i]
            position[i] = (s.layer, len(groups.setdefault(s.layer, [])))
            groups[s.layer].append(sp)
            attrs.setdefault(s.layer, []).append(s.attrs)
            origins.setdefault(s.layer, []).append(s.origin)
        for layer in sorted({lab["layer"] for lab in self.ctx.labels if lab["layer"] != "document"} | set(groups)):
            doc.spans[layer] = groups.get(layer, [])
        for group, value in sorted(rec.cats.items()):
            for name in self.ctx.categories.get(group, (value,)):
                doc.cats[name] = 1.0 if name == value else 0.0
        rels = [[*position[r.head], *position[r.tail], r.kind] for r in rec.relations
                if r.head in position and r.tail in position]
        for r in rec.relations:
            if r.head not in position or r.tail not in position:
                s = rec.spans[r.head]
                issues.append(Issue("skipped", rec.where or rec.title, r.kind, s.start, s.end,
                                    "relation left out: one of its spans was skipped"))
        doc.user_data[USER_KEY] = {
            "title": rec.title, "source": rec.source, "url": rec.url, "published": rec.published,
            "hash": rec.content_hash, "annotator": rec.annotator, "status": rec.status, "meta": rec.meta,
            "attrs": attrs, "origin": origins, "relations": rels,
        }
        self.bin.add(doc)
        self.count += 1
        if self.ctx.shard_docs and self.count % self.ctx.shard_docs == 0:
            self._flush()
        return issues

    def _flush(self) -> None:
        if self.ctx.shard_docs:
            if len(self.bin) or self.shard == 0:
                self.bin.to_disk(self.path / f"part-{self.shard:05d}.spacy")
                self.shard += 1
            self.bin = self._DocBin(store_user_data=True)
        else:
            self.bin.to_disk(self.path)

    def close(self) -> None:
        try:
            self._flush()
        finally:
            self._encoders.close()


def _files(path: Path) -> list[Path]:
    return sorted(path.rglob("*.spacy")) if path.is_dir() else [path]


class _Pickled(Exception):
    pass


def _refuse_pickles(db) -> None:
    """A DocBin's user data is msgpack, where a numpy array of Python *objects* is a pickle:
    loading it could run code. Read the raw msgpack (no numpy decoding) and refuse such a file
    with a sentence before spaCy gets to it."""
    import srsly

    def object_dtype(t: object) -> bool:  # "|O", or a structured dtype with an "O" field
        if isinstance(t, (bytes, str)):
            return "O" in (t.decode("latin-1") if isinstance(t, bytes) else t)
        return isinstance(t, (list, tuple)) and any(
            isinstance(f, (list, tuple)) and len(f) > 1 and object_dtype(f[1]) for f in t)

    def has_object_dtype(x: object) -> bool:
        if isinstance(x, dict):
            if (b"nd" in x or "nd" in x) and object_dtype(x.get(b"type", x.get("type"))):
                return True
            return any(has_object_dtype(v) for v in x.values())
        if isinstance(x, (list, tuple)):
            return any(has_object_dtype(v) for v in x)
        return False

    for i, blob in enumerate(db.user_data):
        if blob and has_object_dtype(srsly.msgpack.unpackb(blob, raw=False, use_list=False,
                                                           object_pairs_hook=dict, strict_map_key=False)):
            raise _Pickled(f"document {i + 1} carries a pickled Python object in its user data, which could run "
                           "code when loaded; refused (nothing from this file was read)")


def read(path: Path, language: str = "en", categories: dict[str, tuple[str, ...]] | None = None,
         **_: object) -> Iterator[Record | InputError]:
    """Documents from a ``.spacy`` file (or a folder of them): ``doc.spans`` groups become
    layers (a key that is not ``entity`` or ``claim`` reads as ``entity``), ``doc.ents`` not
    already in ``doc.spans["entity"]`` are added, and the category scoring highest (>= 0.5)
    in each group becomes the document label (any other label >= 0.5 of the group is reported)."""
    from spacy.tokens import DocBin

    categories = categories or {}
    nlp = blank(language)
    for f in _files(path):
        try:
            db = DocBin().from_disk(f)
            _refuse_pickles(db)
        except _Pickled as e:
            yield InputError(str(e), str(f))
            continue
        except Exception as e:  # noqa: BLE001  (a corrupt or foreign file: say so, go on)
            yield InputError(f"not a spaCy DocBin file ({type(e).__name__}: {e})", str(f))
            continue
        for n, doc in enumerate(db.get_docs(nlp.vocab)):
            where = f"{f}:{n + 1}"
            info = doc.user_data.get(USER_KEY, {}) if isinstance(doc.user_data.get(USER_KEY), dict) else {}
            spans: list[RecSpan] = []
            index: dict[tuple[str, int], int] = {}
            for key in doc.spans:
                layer = key if key in ("entity", "claim") else "entity"
                a = info.get("attrs", {}).get(key, [])
                o = info.get("origin", {}).get(key, [])
                for j, sp in enumerate(doc.spans[key]):
                    index[(key, j)] = len(spans)
                    spans.append(RecSpan(sp.start_char, sp.end_char, sp.label_, layer,
                                         dict(a[j]) if j < len(a) else {}, o[j] if j < len(o) else "manual"))
            have = {(s.start, s.end, s.label) for s in spans if s.layer == "entity"}
            for ent in doc.ents:
                if (ent.start_char, ent.end_char, ent.label_) not in have:
                    spans.append(RecSpan(ent.start_char, ent.end_char, ent.label_, "entity"))
            rels = [RecRelation(index[(hl, hi)], index[(tl, ti)], kind)
                    for hl, hi, tl, ti, kind in info.get("relations", []) if (hl, hi) in index and (tl, ti) in index]
            # each group holds one label per document: the highest score >= 0.5 wins (ties: the first
            # in doc.cats); every other label >= 0.5 of the group is reported, not dropped silently
            ranked = sorted(((score, name) for name, score in doc.cats.items() if score >= 0.5),
                            key=lambda x: -x[0])
            problems: list[InputError] = []
            cats = assign_cats([name for _, name in ranked], categories, where, problems)
            yield Record(doc.text, title=info.get("title") or "", source=info.get("source"), url=info.get("url"),
                         published=info.get("published"), meta=dict(info.get("meta") or {}),
                         content_hash=info.get("hash") or "", annotator=info.get("annotator") or "",
                         status=info.get("status"), cats=cats, spans=spans, relations=rels,
                         where=where, problems=problems).canonical()


register(Format("spacy", (".spacy",), "spaCy DocBin (training data)",
                writer=Interchange(SpacyWriter, read, ".spacy", token_aligned=True)))

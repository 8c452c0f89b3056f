"""Per-label precision, recall and F1 with their counts, for entities, claims and stance.

The counts are made here, one document at a time, with the rules of spaCy's ``Scorer``
(a test checks that the figures are equal to ``Scorer``/``nlp.evaluate``/``spacy evaluate``
on the same documents and model):

- **entities** (``doc.ents``, from ``ner``): a prediction is right when start, end and label
  are those of a reference entity;
- **claims** (``doc.spans["claim"]``, from ``spancat``): the same, overlaps allowed;
- **stance** (``doc.cats``, from the exclusive ``textcat``): the highest-scoring label against
  the reference's label, on the documents that *have* a reference stance (spaCy would count a
  prediction on a document nobody labelled as a false positive; we leave those documents out,
  and so does the comparison in the test).

P = tp / (tp + fp), R = tp / (tp + fn), F = 2PR / (P + R), 0 when undefined (as spaCy's
``PRFScore``). Partial-match figures for entities come from ``nervaluate`` (strict, exact,
partial, type).
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from annotator.services.training.fit import CLAIM_KEY

LAYERS = ("entity", "claim", "stance")


@dataclass
class LabelScore:
    layer: str
    label: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp + 1e-100)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn + 1e-100)

    @property
    def f(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r + 1e-100)

    @property
    def support(self) -> int:
        """How many the reference has."""
        return self.tp + self.fn

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "support": self.support, "precision": self.precision, "recall": self.recall,
                "f": self.f}


@dataclass
class Evaluation:
    rows: list[LabelScore] = field(default_factory=list)
    documents: int = 0
    stance_documents: int = 0
    partial: dict[str, dict[str, float]] = field(default_factory=dict)  # nervaluate: mode -> p/r/f
    what: str = ""  # what was evaluated: "held-out split (24 documents)", "gold (…)"

    def layer(self, layer: str) -> list[LabelScore]:
        return [r for r in self.rows if r.layer == layer]

    def total(self, layer: str) -> LabelScore:
        """Micro average of a layer (for stance: accuracy-like, as spaCy's micro figures)."""
        t = LabelScore(layer, "(all)")
        for r in self.layer(layer):
            t.tp, t.fp, t.fn = t.tp + r.tp, t.fp + r.fp, t.fn + r.fn
        return t

    def get(self, layer: str, label: str) -> LabelScore | None:
        return next((r for r in self.rows if r.layer == layer and r.label == label), None)

    def as_dict(self) -> dict[str, Any]:
        return {"what": self.what, "documents": self.documents, "stance_documents": self.stance_documents,
                "labels": [r.as_dict() for r in self.rows],
                "totals": {lay: self.total(lay).as_dict() for lay in LAYERS if self.layer(lay)},
                "partial": self.partial}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Evaluation:
        rows = [LabelScore(r["layer"], r["label"], r["tp"], r["fp"], r["fn"]) for r in d.get("labels", [])]
        return cls(rows, d.get("documents", 0), d.get("stance_documents", 0), d.get("partial", {}), d.get("what", ""))


def _spans(doc: Any, layer: str) -> set[tuple[int, int, str]]:
    if layer == "entity":
        return {(e.start, e.end, e.label_) for e in doc.ents}
    return {(s.start, s.end, s.label_) for s in doc.spans.get(CLAIM_KEY, ())}


def predict(nlp: Any, refs: Sequence[Any], batch_size: int = 64) -> list[Any]:
    """The model's documents for the references' texts, on the references' tokens."""
    from spacy.tokens import Doc

    docs = [Doc(nlp.vocab, words=[t.text for t in r], spaces=[bool(t.whitespace_) for t in r]) for r in refs]
    return list(nlp.pipe(docs, batch_size=batch_size))


def score(preds: Sequence[Any], refs: Sequence[Any], *, components: Iterable[str],
          labels: dict[str, Sequence[str]] | None = None, partial: bool = True) -> Evaluation:
    """Compare predicted with reference documents (same tokens)."""
    comps = set(components)
    ev = Evaluation(documents=len(refs))
    table: dict[tuple[str, str], LabelScore] = {}

    def row(layer: str, label: str) -> LabelScore:
        if (layer, label) not in table:
            table[(layer, label)] = LabelScore(layer, label)
        return table[(layer, label)]

    for layer, names in (labels or {}).items():
        for n in names:
            row(layer, n)
    layers = [lay for lay, comp in (("entity", "ner"), ("claim", "spancat")) if comp in comps]
    for pred, ref in zip(preds, refs):
        for layer in layers:
            if layer == "claim" and CLAIM_KEY not in ref.spans:
                continue  # spaCy's has_annotation: a document without the key is not scored
            gold, got = _spans(ref, layer), _spans(pred, layer)
            for s in got & gold:
                row(layer, s[2]).tp += 1
            for s in got - gold:
                row(layer, s[2]).fp += 1
            for s in gold - got:
                row(layer, s[2]).fn += 1
        if "textcat" in comps and ref.cats:
            known = set((labels or {}).get("stance", ())) or set(ref.cats)
            gold_cats = {k: v for k, v in ref.cats.items() if k in known}
            pred_cats = {k: v for k, v in pred.cats.items() if k in known}
            if not gold_cats:
                continue
            ev.stance_documents += 1
            g = max(gold_cats.items(), key=lambda kv: kv[1])[0]
            if pred_cats:
                p = max(pred_cats.items(), key=lambda kv: kv[1])[0]
                if p == g:
                    row("stance", g).tp += 1
                else:
                    row("stance", g).fn += 1
                    row("stance", p).fp += 1
            else:
                row("stance", g).fn += 1
    order = {lay: i for i, lay in enumerate(LAYERS)}
    ev.rows = sorted(table.values(), key=lambda r: (order[r.layer], r.label))
    if partial and "ner" in comps:
        ev.partial = partial_match(preds, refs)
    return ev


def partial_match(preds: Sequence[Any], refs: Sequence[Any]) -> dict[str, dict[str, float]]:
    """nervaluate's overall figures for entities: strict (boundaries and type), exact
    (boundaries), partial (overlap), ent_type (type, any overlap)."""
    from nervaluate import Evaluator

    def ents(doc: Any) -> list[dict[str, Any]]:  # token offsets, end inclusive (nervaluate's convention)
        return [{"label": e.label_, "start": e.start, "end": e.end - 1} for e in doc.ents]

    true, pred = [ents(r) for r in refs], [ents(p) for p in preds]
    tags = sorted({e["label"] for doc in true + pred for e in doc})
    if not tags:
        return {}
    result = Evaluator(true, pred, tags=tags, loader="dict").evaluate()["overall"]
    return {mode: {"precision": float(r.precision), "recall": float(r.recall), "f": float(r.f1),
                   "correct": int(r.correct), "incorrect": int(r.incorrect), "partial": int(r.partial),
                   "missed": int(r.missed), "spurious": int(r.spurious)}
            for mode, r in result.items()}


def evaluate(nlp: Any, refs: Sequence[Any], *, what: str = "", batch_size: int = 64,
             progress: Callable[[int, int, str], None] | None = None) -> Evaluation:
    """Run the model on the references' texts and score it."""
    comps = [n for n in ("ner", "spancat", "textcat") if n in nlp.pipe_names]
    labels: dict[str, list[str]] = defaultdict(list)
    if "ner" in comps:
        labels["entity"] = list(nlp.get_pipe("ner").labels)
    if "spancat" in comps:
        labels["claim"] = list(nlp.get_pipe("spancat").labels)
    if "textcat" in comps:
        labels["stance"] = list(nlp.get_pipe("textcat").labels)
    preds = []
    for i in range(0, len(refs), batch_size):
        preds += predict(nlp, refs[i:i + batch_size], batch_size)
        if progress:
            progress(min(i + batch_size, len(refs)), len(refs), "evaluating")
    ev = score(preds, refs, components=comps, labels=labels)
    ev.what = what
    return ev


# ---------------------------------------------------------------------------- output
def _pct(x: float) -> str:
    return f"{100 * x:5.1f}"


def format_table(ev: Evaluation) -> str:
    lines = [f"Evaluation: {ev.what}" if ev.what else "Evaluation",
             f"{'layer':<8} {'label':<14} {'P':>6} {'R':>6} {'F':>6} {'tp':>5} {'fp':>5} {'fn':>5} {'n':>5}"]
    for lay in LAYERS:
        rows = ev.layer(lay)
        if not rows:
            continue
        for r in rows + [ev.total(lay)]:
            lines.append(f"{lay:<8} {r.label:<14} {_pct(r.precision):>6} {_pct(r.recall):>6} {_pct(r.f):>6} "
                         f"{r.tp:>5} {r.fp:>5} {r.fn:>5} {r.support:>5}")
    if ev.partial:
        lines.append("")
        lines.append("entities, partial matches (nervaluate):")
        for mode in ("strict", "exact", "partial", "ent_type"):
            if mode in ev.partial:
                m = ev.partial[mode]
                lines.append(f"  {mode:<9} P {_pct(m['precision'])}  R {_pct(m['recall'])}  F {_pct(m['f'])}")
    return "\n".join(lines)


def format_html(ev: Evaluation, title: str = "Model evaluation") -> str:
    """A self-contained page: a table per layer with a bar per label's F1."""
    e = html.escape
    head = (f"<!doctype html><html><head><meta charset='utf-8'><title>{e(title)}</title><style>"
            "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1.5em}"
            "td,th{padding:.25em .6em;border-bottom:1px solid #ddd;text-align:right}td.l,th.l{text-align:left}"
            ".bar{background:#4c6ef5;height:.8em;display:inline-block}tr.total{font-weight:bold}"
            f"</style></head><body><h1>{e(title)}</h1><p>{e(ev.what)}</p>")
    out = [head]
    for lay in LAYERS:
        rows = ev.layer(lay)
        if not rows:
            continue
        out.append(f"<h2>{e(lay)}</h2><table><tr><th class='l'>label</th><th>P</th><th>R</th><th>F</th>"
                   "<th>tp</th><th>fp</th><th>fn</th><th>n</th><th class='l'>F1</th></tr>")
        for r in rows + [ev.total(lay)]:
            cls = " class='total'" if r.label == "(all)" else ""
            out.append(f"<tr{cls}><td class='l'>{e(r.label)}</td><td>{_pct(r.precision)}</td><td>{_pct(r.recall)}"
                       f"</td><td>{_pct(r.f)}</td><td>{r.tp}</td><td>{r.fp}</td><td>{r.fn}</td><td>{r.support}</td>"
                       f"<td class='l'><span class='bar' style='width:{200 * r.f:.0f}px'></span></td></tr>")
        out.append("</table>")
    if ev.partial:
        out.append("<h2>entities, partial matches (nervaluate)</h2><table><tr><th class='l'>mode</th><th>P</th>"
                   "<th>R</th><th>F</th></tr>")
        for mode, m in ev.partial.items():
            out.append(f"<tr><td class='l'>{e(mode)}</td><td>{_pct(m['precision'])}</td><td>{_pct(m['recall'])}"
                       f"</td><td>{_pct(m['f'])}</td></tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "".join(out)

"""Agreement for project leads: gathers annotations from a ``Project`` and computes every
figure the report and the dashboard show (no Qt).

* Any number of annotators. Only documents finished (status *done*) by at least two of them
  count, unless ``include_unfinished`` (then any annotator who touched a document counts).
* Span layers (``entity``, ``claim``): Krippendorff's unitizing alpha (all annotators, on the
  documents every one of them finished; and per pair), span F1 exact/overlap, token-level
  Cohen's kappa (IO and BIO), the error split and the confusion matrix — per label, per pair,
  per document. The ``claim`` layer also gets agreement on the claims' ``stance`` attribute.
* ``stance`` (document categories): observed agreement, Cohen's kappa per pair, Fleiss' kappa,
  Krippendorff's alpha (nominal, missing values allowed).
* Every figure carries the number of items it rests on, and warnings where they are few or the
  label distribution is skewed. Undefined figures carry their reason.
"""

from __future__ import annotations

import csv
import html
import io
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from annotator.core.agreement import (
    NOT_ANNOTATED,
    CodingData,
    PairCounts,
    Result,
    Score,
    Undefined,
    align,
    cohen_kappa,
    compare,
    fleiss_kappa,
    krippendorff_alpha_nominal,
    observed_agreement,
    token_tags,
    unitizing_alpha,
)
from annotator.core.errors import AnnotatorError
from annotator.core.model import Layer, Role, Status
from annotator.core.tokens import TokenIndex
from annotator.storage import Project

LAYERS = ("entity", "claim", "stance")
SUGGESTION_ORIGINS = ("pattern", "model")  # pending machine suggestions (docs/preannotation.md)

# measure names, used verbatim in the dashboard and every report format
ALPHA_U = "Krippendorff's unitizing alpha (αu)"
F1_EXACT = "Span F1 (exact)"
F1_OVERLAP = "Span F1 (overlap)"
TOKEN_KAPPA_IO = "Token Cohen's kappa (IO)"
TOKEN_KAPPA_BIO = "Token Cohen's kappa (BIO)"
OBSERVED = "Observed agreement"
COHEN = "Cohen's kappa"
FLEISS = "Fleiss' kappa"
ALPHA = "Krippendorff's alpha (nominal)"

MIN_ITEMS = 30  # below this, a figure gets a "few items" warning
MIN_TOKENS = 200
SKEW = 0.9  # a most frequent value above this share gets a "skewed" warning
CLAIM_STANCE = "claim stance"

Progress = Callable[[int, int, str], None]


@dataclass(slots=True)
class Figure:
    """One number of the report, where it applies, and what it rests on."""

    measure: str
    value: Result
    label: str | None = None  # None: all labels
    pair: tuple[str, str] | None = None  # None: all annotators
    document: int | None = None
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"measure": self.measure, "label": self.label, "pair": list(self.pair) if self.pair else None,
                "document": self.document, **self.value.to_dict(), "warnings": list(self.warnings)}


@dataclass(slots=True)
class DocumentRow:
    """One document in the worst-first table."""

    document_id: int
    title: str
    annotators: list[str]
    score: Result  # the worst pair's figure (span layers: exact F1; stance: agreement)
    measure: str
    pair: tuple[str, str] | None  # the pair that disagrees most
    disagreements: int = 0  # spans in an error of the worst pair / annotators off the majority

    def to_dict(self) -> dict:
        return {"document": self.document_id, "title": self.title, "annotators": self.annotators,
                "measure": self.measure, **self.score.to_dict(),
                "pair": list(self.pair) if self.pair else None, "disagreements": self.disagreements}


@dataclass(slots=True)
class AgreementReport:
    layer: str
    annotators: list[str]
    documents: int  # documents counted
    include_unfinished: bool
    main_measure: str  # what the heatmap shows
    measures: list[str]
    figures: list[Figure] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    confusion_labels: list[str] = field(default_factory=list)
    confusion: dict = field(default_factory=dict)  # pair or None -> matrix (list of lists)
    errors: dict = field(default_factory=dict)  # pair or None -> {kind: count}
    document_rows: list[DocumentRow] = field(default_factory=list)
    pair_documents: dict = field(default_factory=dict)  # pair -> [(document id, Result)], worst first
    progress: dict = field(default_factory=dict)  # annotator -> {status: count}
    warnings: list[str] = field(default_factory=list)

    def figure(self, measure: str, *, label: str | None = None, pair: tuple[str, str] | None = None
               ) -> Figure | None:
        if pair is not None and pair not in self.pairs():
            pair = (pair[1], pair[0])
        for f in self.figures:
            if f.measure == measure and f.label == label and f.pair == pair and f.document is None:
                return f
        return None

    def pairs(self) -> list[tuple[str, str]]:
        return list(combinations(self.annotators, 2))

    def to_dict(self) -> dict:
        return {
            "layer": self.layer, "annotators": self.annotators, "documents": self.documents,
            "include_unfinished": self.include_unfinished, "main_measure": self.main_measure,
            "measures": self.measures, "labels": self.labels, "warnings": self.warnings,
            "figures": [f.to_dict() for f in self.figures],
            "confusion": {"labels": self.confusion_labels,
                          "matrices": [{"pair": list(p) if p else None, "counts": m}
                                       for p, m in self.confusion.items()]},
            "errors": [{"pair": list(p) if p else None, **c} for p, c in self.errors.items()],
            "documents_worst_first": [r.to_dict() for r in self.document_rows],
            "progress": self.progress,
        }


# ---------------------------------------------------------------------------------- warnings
def _warn(value: Result, values: Sequence | None = None) -> list[str]:
    out = []
    if not value.defined:
        return out
    floor = MIN_TOKENS if value.unit == "tokens" else MIN_ITEMS
    if value.items < floor:
        out.append(f"rests on only {value.items} {value.unit} (fewer than {floor}): treat as a rough guide")
    if values:
        counts = Counter(values)
        top, n = counts.most_common(1)[0]
        share = n / sum(counts.values())
        if share > SKEW and len(values) >= 2:
            out.append(f"skewed labels: {share:.0%} of values are {top!s}; chance-corrected figures swing "
                       f"with a few items")
    return out


# ---------------------------------------------------------------------------------- gathering
@dataclass(slots=True)
class _Doc:
    id: int
    title: str
    text: str
    annotators: list[str]


def _select(project: Project, layer: str, include_unfinished: bool, annotators: Sequence[str] | None,
            cancelled: Callable[[], bool] | None) -> tuple[list[str], dict[str, int], list[_Doc], dict]:
    people = [a for a in project.annotators() if a.role != Role.GOLD]
    if annotators:
        wanted = set(annotators)
        missing = wanted - {a.name for a in people}
        if missing:
            raise AnnotatorError(f"no annotator named {', '.join(sorted(missing))}")
        people = [a for a in people if a.name in wanted]
    ids = {a.name: a.id for a in people}
    by_id = {a.id: a.name for a in people}
    statuses = project.statuses()
    total_docs = project.count_documents()
    progress = {}
    for a in people:
        done = sum(1 for (d, aid), s in statuses.items() if aid == a.id and s == Status.DONE)
        started = sum(1 for (d, aid), s in statuses.items() if aid == a.id and s == Status.IN_PROGRESS)
        progress[a.name] = {"done": done, "in_progress": started, "todo": total_docs - done - started}
    per_doc: dict[int, list[str]] = defaultdict(list)
    for (d, aid), s in statuses.items():
        if aid in by_id and (s == Status.DONE or (include_unfinished and s != Status.TODO)):
            per_doc[d].append(by_id[aid])
    counted = sorted(d for d, names in per_doc.items() if len(names) >= 2)
    docs = []
    for doc in project.documents(ids=counted) if counted else []:
        if cancelled is not None and cancelled():
            raise AnnotatorError("cancelled")
        names = [n for n in ids if n in per_doc[doc.id]]
        docs.append(_Doc(doc.id, doc.title, doc.text, names))
    # keep annotators who count somewhere, in project order
    used = [n for n in ids if any(n in d.annotators for d in docs)]
    return used, ids, docs, progress


def compute(project: Project, layer: str = "entity", *, include_unfinished: bool = False,
            annotators: Sequence[str] | None = None, progress: Progress | None = None,
            cancelled: Callable[[], bool] | None = None, include_suggestions: bool = False) -> AgreementReport:
    """Every agreement figure for one layer (``entity``, ``claim`` or ``stance``). Machine
    suggestions nobody accepted yet (origin pattern/model) count only with ``include_suggestions``."""
    if layer not in LAYERS:
        raise AnnotatorError(f"unknown layer {layer!r}; choose one of {', '.join(LAYERS)}")
    names, ids, docs, prog = _select(project, layer, include_unfinished, annotators, cancelled)
    if layer == "stance":
        report = _stance(project, names, ids, docs, progress, cancelled)
    else:
        report = _spans(project, Layer(layer), names, ids, docs, progress, cancelled,
                        skip_origins=() if include_suggestions else SUGGESTION_ORIGINS)
    report.include_unfinished = include_unfinished
    report.progress = prog
    if len(names) < 2:
        report.warnings.insert(0, "fewer than two annotators have finished a common document: agreement is "
                                  "undefined" + ("" if include_unfinished else
                                                 " (add --include-unfinished to count unfinished work)"))
    return report


def _check(cancelled: Callable[[], bool] | None) -> None:
    if cancelled is not None and cancelled():
        raise AnnotatorError("cancelled")


def _spans(project: Project, layer: Layer, names: list[str], ids: dict[str, int], docs: list[_Doc],
           progress: Progress | None, cancelled: Callable[[], bool] | None,
           skip_origins: Sequence[str] = ()) -> AgreementReport:
    labels = [lab for lab in project.labels(layer)]
    lab_name = {lab.id: lab.name for lab in labels}
    label_names = [lab.name for lab in labels]
    measures = [ALPHA_U, F1_EXACT, F1_OVERLAP, TOKEN_KAPPA_IO, TOKEN_KAPPA_BIO]
    rep = AgreementReport(layer.value, names, len(docs), False, ALPHA_U, measures, labels=label_names)
    pairs = list(combinations(names, 2))
    pair_counts = {p: PairCounts() for p in pairs}
    tags = {p: ([], [], [], []) for p in pairs}  # IO a, IO b, BIO a, BIO b
    units_pair: dict = {p: ([], 0) for p in pairs}
    units_all: list = []
    length_all = 0
    claim_items: list[dict] = []
    lang = project.language
    for n, doc in enumerate(docs):
        _check(cancelled)
        if progress is not None and n % 25 == 0:
            progress(n, len(docs), doc.title)
        spans_by: dict[str, list] = {a: [] for a in doc.annotators}
        attrs_by: dict[str, dict] = {a: {} for a in doc.annotators}
        who = {ids[a]: a for a in doc.annotators}
        for s in project.spans(doc.id):
            if s.annotator_id in who and s.label_id in lab_name and str(s.origin) not in skip_origins:
                a = who[s.annotator_id]
                spans_by[a].append((s.start, s.end, lab_name[s.label_id]))
                if layer == Layer.CLAIM and isinstance(s.attrs.get("stance"), str):
                    attrs_by[a][(s.start, s.end)] = s.attrs["stance"]
        tok = TokenIndex(doc.text, lang)
        tag_io = {a: token_tags(tok.starts, tok.ends, spans_by[a]) for a in doc.annotators}
        tag_bio = {a: token_tags(tok.starts, tok.ends, spans_by[a], "BIO") for a in doc.annotators}
        worst: tuple | None = None
        for p in pairs:
            a, b = p
            if a not in spans_by or b not in spans_by:
                continue
            pc = compare(spans_by[a], spans_by[b])
            pair_counts[p].add(pc)
            t = tags[p]
            t[0].extend(tag_io[a])
            t[1].extend(tag_io[b])
            t[2].extend(tag_bio[a])
            t[3].extend(tag_bio[b])
            us, off = units_pair[p]
            us.extend((0, s + off, e + off, lab) for s, e, lab in spans_by[a])
            us.extend((1, s + off, e + off, lab) for s, e, lab in spans_by[b])
            units_pair[p] = (us, off + len(doc.text))
            f1 = pc.f1("exact")
            rep.pair_documents.setdefault(p, []).append((doc.id, f1))
            key = f1.value if f1.defined else 2.0
            if worst is None or key < worst[0]:
                worst = (key, p, f1, sum(pc.errors.values()))
        if len(doc.annotators) == len(names):
            for r, a in enumerate(names):
                units_all.extend((r, s + length_all, e + length_all, lab) for s, e, lab in spans_by[a])
            length_all += len(doc.text)
        if worst is not None:
            rep.document_rows.append(DocumentRow(doc.id, doc.title, list(doc.annotators), worst[2], F1_EXACT,
                                                 worst[1], worst[3]))
        if layer == Layer.CLAIM:
            keys = set().union(*(attrs_by[a].keys() for a in doc.annotators)) if doc.annotators else set()
            for k in sorted(keys):
                item = {a: attrs_by[a].get(k) for a in doc.annotators}
                if sum(v is not None for v in item.values()) >= 2:
                    claim_items.append(item)
    if progress is not None:
        progress(len(docs), len(docs), "computing")
    _check(cancelled)

    # --- unitizing alpha: all annotators on documents all of them finished, then per pair
    if len(names) >= 2 and length_all == 0:
        reason = f"no document was finished by all {len(names)} annotators (see the pairwise figures)"
        rep.figures.append(Figure(ALPHA_U, Undefined(reason, 0, "spans")))
        for lab in label_names:
            rep.figures.append(Figure(ALPHA_U, Undefined(reason, 0, "spans"), label=lab))
    else:
        ua = unitizing_alpha(units_all, max(len(names), 1), length_all, categories=label_names)
        rep.figures.append(Figure(ALPHA_U, ua.alpha, warnings=_warn(ua.alpha) + _merged(ua.merged)))
        for lab in label_names:
            rep.figures.append(Figure(ALPHA_U, ua.per_category[lab], label=lab, warnings=_warn(ua.per_category[lab])))
    for p in pairs:
        us, length = units_pair[p]
        if length == 0:
            rep.figures.append(Figure(ALPHA_U, Undefined("no document finished by both", 0, "spans"), pair=p))
            continue
        ua = unitizing_alpha(us, 2, length, categories=label_names)
        rep.figures.append(Figure(ALPHA_U, ua.alpha, pair=p, warnings=_warn(ua.alpha)))
        for lab in label_names:
            rep.figures.append(Figure(ALPHA_U, ua.per_category[lab], label=lab, pair=p))
    _check(cancelled)

    # --- span F1, token kappa, error split, confusion
    pooled = PairCounts()
    for p in pairs:
        pooled.add(pair_counts[p])
    for mode, name in (("exact", F1_EXACT), ("overlap", F1_OVERLAP)):
        if pairs:
            v = pooled.f1(mode)
            rep.figures.append(Figure(name, v, warnings=_warn(v)))
            for lab in label_names:
                v = pooled.f1(mode, lab)
                rep.figures.append(Figure(name, v, label=lab, warnings=_warn(v)))
        for p in pairs:
            v = pair_counts[p].f1(mode)
            rep.figures.append(Figure(name, v, pair=p, warnings=_warn(v)))
            for lab in label_names:
                rep.figures.append(Figure(name, pair_counts[p].f1(mode, lab), label=lab, pair=p))
    all_io: tuple[list, list] = ([], [])
    all_bio: tuple[list, list] = ([], [])
    for p in pairs:
        t = tags[p]
        for (xa, xb), name, acc in (((t[0], t[1]), TOKEN_KAPPA_IO, all_io), ((t[2], t[3]), TOKEN_KAPPA_BIO, all_bio)):
            if not xa:
                v: Result = Undefined("no document finished by both", 0, "tokens")
            else:
                v = cohen_kappa(_pair_data(xa, xb, "tokens"))
            rep.figures.append(Figure(name, v, pair=p, warnings=_warn(v, xa + xb)))
            acc[0].extend(xa)
            acc[1].extend(xb)
    if len(pairs) > 1:
        for (xa, xb), name in ((all_io, TOKEN_KAPPA_IO), (all_bio, TOKEN_KAPPA_BIO)):
            v = _mean([f.value for f in rep.figures if f.measure == name and f.pair is not None and f.label is None],
                      len(xa), "tokens")
            rep.figures.append(Figure(name, v, warnings=_warn(v, xa + xb)))
    elif len(pairs) == 1:
        for name in (TOKEN_KAPPA_IO, TOKEN_KAPPA_BIO):
            f = rep.figure(name, pair=pairs[0])
            rep.figures.append(Figure(name, f.value, warnings=list(f.warnings)))
    conf_labels = label_names + [NOT_ANNOTATED]
    rep.confusion_labels = conf_labels
    index = {lab: i for i, lab in enumerate(conf_labels)}
    sym = np.zeros((len(conf_labels), len(conf_labels)), dtype=np.int64)
    for p in pairs:
        m = np.zeros_like(sym)
        for (la, lb), k in pair_counts[p].confusion.items():
            m[index[la], index[lb]] += k
        rep.confusion[p] = m.tolist()
        sym += m + m.T
        rep.errors[p] = {k: pair_counts[p].errors[k] for k in ("label", "boundary", "boundary+label", "only_a",
                                                             "only_b")}
    if pairs:
        rep.confusion[None] = sym.tolist()
        rep.errors[None] = {k: sum(rep.errors[p][k] for p in pairs) for k in rep.errors[pairs[0]]}
    if layer == Layer.CLAIM:
        _coding_figures(rep, names, claim_items, CLAIM_STANCE, "claims")
    rep.document_rows.sort(key=lambda r: (r.score.value if r.score.defined else 2.0, -r.disagreements,
                                          r.document_id))
    _sort_pair_documents(rep)
    rep.warnings.extend(_general_warnings(rep))
    return rep


def _sort_pair_documents(rep: AgreementReport) -> None:
    for lst in rep.pair_documents.values():
        lst.sort(key=lambda x: (x[1].value if x[1].defined else 2.0, x[0]))


def _merged(n: int) -> list[str]:
    return [f"{n} overlapping spans of one label by one annotator were merged for αu"] if n else []


def _mean(values: list[Result], items: int, unit: str) -> Result:
    ok = [v.value for v in values if v.defined]
    if not ok:
        return Undefined("undefined for every pair", items, unit)
    return Score(float(np.mean(ok)), items, unit)


def _pair_data(xa: list, xb: list, unit: str) -> CodingData:
    cats = sorted(set(xa) | set(xb))
    index = {c: i for i, c in enumerate(cats)}
    codes = np.empty((len(xa), 2), dtype=np.int32)
    codes[:, 0] = [index[x] for x in xa]
    codes[:, 1] = [index[x] for x in xb]
    return CodingData.from_codes(codes, cats, [0, 1], unit)


def _coding_figures(rep: AgreementReport, names: list[str], items: list[dict], label: str | None,
                    unit: str) -> CodingData:
    """Observed agreement, Cohen per pair, Fleiss and alpha over category items."""
    data = CodingData.from_items(items, coders=names, unit=unit)
    values = [v for it in items for v in it.values() if v is not None]
    for name, fn in ((OBSERVED, observed_agreement), (FLEISS, fleiss_kappa), (ALPHA, krippendorff_alpha_nominal)):
        v = fn(data) if len(names) >= 2 else Undefined("fewer than two annotators", 0, unit)
        if name == FLEISS and not v.defined and "different numbers" in (v.reason or ""):
            v = Undefined("not every item has the same number of ratings (some annotators did not finish "
                          "every document); see Krippendorff's alpha", v.items, unit)
        rep.figures.append(Figure(name, v, label=label, warnings=_warn(v, values)))
    for i, j in combinations(range(len(names)), 2):
        sub = data.select([i, j])
        p = (names[i], names[j])
        pv = [c for c in sub.codes.ravel() if c >= 0]
        for name, fn in ((OBSERVED, observed_agreement), (COHEN, cohen_kappa), (ALPHA, krippendorff_alpha_nominal)):
            v = fn(sub)
            rep.figures.append(Figure(name, v, label=label, pair=p, warnings=_warn(v, pv)))
    if len(names) == 2:
        f = rep.figure(COHEN, label=label, pair=(names[0], names[1]))
        rep.figures.append(Figure(COHEN, f.value, label=label, warnings=list(f.warnings)))
    return data


def _stance(project: Project, names: list[str], ids: dict[str, int], docs: list[_Doc],
            progress: Progress | None, cancelled: Callable[[], bool] | None) -> AgreementReport:
    labels = [lab for lab in project.labels(Layer.DOCUMENT) if (lab.group or "stance") == "stance"]
    lab_name = {lab.id: lab.name for lab in labels}
    label_names = [lab.name for lab in labels]
    measures = [ALPHA, FLEISS, COHEN, OBSERVED]
    rep = AgreementReport("stance", names, len(docs), False, COHEN, measures, labels=label_names)
    items = []
    for n, doc in enumerate(docs):
        _check(cancelled)
        if progress is not None and n % 25 == 0:
            progress(n, len(docs), doc.title)
        who = {ids[a]: a for a in doc.annotators}
        item: dict = {a: None for a in doc.annotators}
        for dl in project.document_labels(doc.id):
            if dl.annotator_id in who and dl.label_id in lab_name:
                item[who[dl.annotator_id]] = lab_name[dl.label_id]
        items.append(item)
        vals = [v for v in item.values() if v is not None]
        for a, b in combinations(doc.annotators, 2):
            if item[a] is not None and item[b] is not None:
                rep.pair_documents.setdefault((a, b), []).append(
                    (doc.id, Score(float(item[a] == item[b]), 1, "documents")))
        if len(vals) >= 2:
            counts = Counter(vals)
            top = counts.most_common(1)[0][1]
            agree = observed_agreement(CodingData.from_items([item], coders=doc.annotators, unit="documents"))
            worst = None
            for a, b in combinations([a for a in doc.annotators if item[a] is not None], 2):
                if item[a] != item[b]:
                    worst = (a, b)
                    break
            rep.document_rows.append(DocumentRow(doc.id, doc.title, list(doc.annotators), agree, OBSERVED,
                                                 worst or (doc.annotators[0], doc.annotators[1]), len(vals) - top))
    if progress is not None:
        progress(len(docs), len(docs), "computing")
    data = _coding_figures(rep, names, items, None, "documents")
    # per label: the label against all others (binary alpha)
    for lab in label_names:
        binary = [{a: (None if v is None else v == lab) for a, v in it.items()} for it in items]
        v = krippendorff_alpha_nominal(CodingData.from_items(binary, coders=names, unit="documents"))
        if not any(v2 == lab for it in items for v2 in it.values()):
            v = Undefined(f"nobody chose {lab}", v.items, "documents")
        rep.figures.append(Figure(ALPHA, v, label=lab, warnings=_warn(v)))
    rep.confusion_labels = label_names + [NOT_ANNOTATED]
    index = {lab: i for i, lab in enumerate(rep.confusion_labels)}
    k = len(rep.confusion_labels)
    sym = np.zeros((k, k), dtype=np.int64)
    for i, j in combinations(range(len(names)), 2):
        m = np.zeros((k, k), dtype=np.int64)
        for it in items:
            if names[i] in it and names[j] in it:
                m[index[it[names[i]] or NOT_ANNOTATED], index[it[names[j]] or NOT_ANNOTATED]] += 1
        rep.confusion[(names[i], names[j])] = m.tolist()
        sym += m + m.T
    if len(names) >= 2:
        rep.confusion[None] = sym.tolist()
    del data
    rep.document_rows.sort(key=lambda r: (r.score.value if r.score.defined else 2.0, -r.disagreements,
                                          r.document_id))
    _sort_pair_documents(rep)
    rep.warnings.extend(_general_warnings(rep))
    return rep


def _general_warnings(rep: AgreementReport) -> list[str]:
    out = []
    if rep.documents < MIN_ITEMS:
        out.append(f"only {rep.documents} document{'s' if rep.documents != 1 else ''} finished by two or more "
                   f"annotators: every figure is a rough guide")
    return out


# ---------------------------------------------------------------------------------- comparison
@dataclass(slots=True)
class Comparison:
    """Two annotators' spans on one document, aligned, for a side-by-side view."""

    document_id: int
    title: str
    text: str
    a: str
    b: str
    spans_a: list[tuple[int, int, str]]
    spans_b: list[tuple[int, int, str]]
    kind_a: list[str]  # per span of A: agree / label / boundary / boundary+label / only_a
    kind_b: list[str]
    stance_a: str | None = None
    stance_b: str | None = None


def compare_document(project: Project, document_id: int, a: str, b: str, layer: str = "entity") -> Comparison:
    doc = project.document(document_id)
    ann = {x.name: x.id for x in project.annotators(include_gold=True)}
    if a not in ann or b not in ann:
        raise AnnotatorError(f"no annotator named {a if a not in ann else b}")
    stance = {}
    for dl in project.document_labels(document_id):
        stance[dl.annotator_id] = project.label(dl.label_id).name
    sa: list = []
    sb: list = []
    if layer != "stance":
        labs = {lab.id: lab.name for lab in project.labels(Layer(layer))}
        for s in project.spans(document_id):
            if s.label_id in labs:
                if s.annotator_id == ann[a]:
                    sa.append((s.start, s.end, labs[s.label_id]))
                elif s.annotator_id == ann[b]:
                    sb.append((s.start, s.end, labs[s.label_id]))
    ka = ["only_a"] * len(sa)
    kb = ["only_b"] * len(sb)
    for i, j, kind in align(sa, sb):
        if i is not None:
            ka[i] = kind
        if j is not None:
            kb[j] = kind
    return Comparison(document_id, doc.title, doc.text, a, b, sa, sb, ka, kb, stance.get(ann[a]), stance.get(ann[b]))


# ---------------------------------------------------------------------------------- reports
COLUMNS = ["measure", "label", "annotator_a", "annotator_b", "value", "items", "unit", "undefined_reason",
           "warnings"]


def rows(report: AgreementReport) -> list[dict]:
    """The report's figures as flat rows (CSV, the text table and HTML all use these)."""
    out = []
    for f in report.figures:
        out.append({"measure": f.measure, "label": f.label or "(all)",
                    "annotator_a": f.pair[0] if f.pair else "(all)", "annotator_b": f.pair[1] if f.pair else "(all)",
                    "value": "" if not f.value.defined else f"{f.value.value:.4f}", "items": f.value.items,
                    "unit": f.value.unit, "undefined_reason": f.value.reason or "", "warnings": "; ".join(f.warnings)})
    return out


def to_csv(report: AgreementReport) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows(report))
    return buf.getvalue()


def _fmt(v: Result) -> str:
    return f"{v.value:.3f}" if v.defined else "undefined"


def to_table(report: AgreementReport) -> str:
    lines = [f"Agreement on layer '{report.layer}': {len(report.annotators)} annotators "
             f"({', '.join(report.annotators) or 'none'}), {report.documents} documents"
             + (" (unfinished work included)" if report.include_unfinished else " finished by two or more")]
    for w in report.warnings:
        lines.append(f"warning: {w}")
    lines.append("")
    header = f"{'measure':<36} {'label':<16} {'pair':<22} {'value':>9} {'items':>14}  notes"
    lines.append(header)
    lines.append("-" * len(header))
    for f in report.figures:
        pair = f"{f.pair[0]} × {f.pair[1]}" if f.pair else "all"
        note = f.value.reason or ""
        if f.warnings:
            note = "; ".join(([note] if note else []) + f.warnings)
        lines.append(f"{f.measure:<36} {(f.label or 'all'):<16} {pair:<22} {_fmt(f.value):>9} "
                     f"{f.value.items:>7,} {f.value.unit:<6}  {note}".rstrip())
    if report.errors.get(None):
        e = report.errors[None]
        lines += ["", "Disagreements (all pairs): " + ", ".join(f"{k} {v}" for k, v in e.items())]
    if report.document_rows:
        lines += ["", "Documents, worst first:"]
        for r in report.document_rows[:20]:
            pair = f"{r.pair[0]} × {r.pair[1]}" if r.pair else ""
            lines.append(f"  #{r.document_id:<6} {_fmt(r.score):>9}  {r.measure} ({pair}, "
                         f"{r.disagreements} disagreements)  {r.title}")
    return "\n".join(lines) + "\n"


def to_html(report: AgreementReport) -> str:
    e = html.escape
    parts = ["<!doctype html>", "<html><head><meta charset='utf-8'>",
             f"<title>Agreement: {e(report.layer)}</title>",
             "<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
             "padding:2px 6px}td.num{text-align:right}.undef{color:#a33}.warn{color:#a60}</style></head><body>",
             f"<h1>Agreement on layer “{e(report.layer)}”</h1>",
             f"<p>{len(report.annotators)} annotators ({e(', '.join(report.annotators))}), "
             f"{report.documents} documents.</p>"]
    if report.warnings:
        parts.append("<ul>" + "".join(f"<li class='warn'>{e(w)}</li>" for w in report.warnings) + "</ul>")
    parts.append("<table><tr>" + "".join(f"<th>{e(c)}</th>" for c in COLUMNS) + "</tr>")
    for r in rows(report):
        cells = []
        for c in COLUMNS:
            v = str(r[c])
            cls = " class='num'" if c in ("value", "items") else ""
            if c == "undefined_reason" and v:
                cls = " class='undef'"
            cells.append(f"<td{cls}>{e(v)}</td>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</table>")
    if report.document_rows:
        parts.append("<h2>Documents, worst first</h2><table><tr><th>document</th><th>title</th><th>measure</th>"
                     "<th>value</th><th>pair</th><th>disagreements</th></tr>")
        for d in report.document_rows:
            pair = f"{d.pair[0]} × {d.pair[1]}" if d.pair else ""
            parts.append(f"<tr><td class='num'>{d.document_id}</td><td>{e(d.title)}</td><td>{e(d.measure)}</td>"
                         f"<td class='num'>{e(_fmt(d.score))}</td><td>{e(pair)}</td>"
                         f"<td class='num'>{d.disagreements}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"

"""Pre-annotation: machine suggestions from patterns, term lists and installed spaCy pipelines.

No Qt. See docs/preannotation.md.

- **Rules**: Prodigy-style pattern files (JSONL, one ``{"label": …, "pattern": …}`` per line;
  a *token pattern* is a list of spaCy ``Matcher`` dicts, a *phrase pattern* a string) and
  plain *term lists* (one term per line; the label comes from a ``# label: NAME`` header or
  the file name, ``PERSON.txt``). Phrases and terms are matched with ``PhraseMatcher`` (on
  ``ORTH``, or ``LOWER`` with ``ignore_case``), token patterns with ``Matcher``, both on the
  tokenizer of a blank pipeline of the project's language (never a download).
- **Model**: any spaCy pipeline installed in the environment, chosen by package name or folder
  (``spacy.load``, nothing downloaded); its ``doc.ents`` (and ``doc.spans["claim"]``, which a
  model trained by ``annotator train`` fills) whose label is a span label of the project become
  suggestions with origin ``model``. Other labels are counted, not stored.
- **Suggestions** are spans of the current annotator with origin ``pattern`` or ``model`` and
  ``attrs = {"suggestion": True, "source": "<file>:<line>" | "<pipeline>"}``. Within one label
  overlapping matches keep the longest (``spacy.util.filter_spans``); a suggestion is not
  stored when the annotator already has a span with the same offsets and label, or rejected
  exactly that suggestion before. Origin ``pattern``/``model`` always means "not reviewed
  yet": exports and agreement leave such spans out unless asked to include them.
- **Accept** turns a suggestion into a normal span (origin ``manual``) and keeps where it came
  from in ``attrs["provenance"] = {"suggested_by": origin, "source": …, "accepted_by": name,
  "at": ISO time}``. **Reject** deletes it and remembers it (setting
  ``preannotate.rejected.<annotator id>``) so a later run does not suggest it again.
  Both return what they changed so the GUI can undo (:func:`restore`).
- **Tag all matches** (recurring claims): :func:`find_matches` searches every document for a
  phrase (token-aligned, case-insensitive) or a token pattern; :func:`tag_matches` tags them
  all at once as the annotator's own spans (origin ``manual``, provenance ``{"rule": …}``).
"""

from __future__ import annotations

import datetime as _dt
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from annotator.core.changes import Change, Edit, SettingRow, StatusRow
from annotator.core.errors import AnnotatorError, InputError
from annotator.core.model import SUGGESTION_ORIGINS, Label, Layer, Origin, SpanData, Status
from annotator.services.importing import Cancelled
from annotator.storage import Project

Progress = Callable[[int, int, str], None]
BATCH = 500
CLAIM_ATTRS = {"stance": None}


class PreannotateError(AnnotatorError):
    pass


def is_suggestion(span: SpanData) -> bool:
    """A machine suggestion nobody has accepted yet."""
    return str(span.origin) in SUGGESTION_ORIGINS


# ---------------------------------------------------------------------------- rules
@dataclass(frozen=True, slots=True)
class Rule:
    label: str
    pattern: str | tuple  # a phrase, or a token pattern (a tuple of dicts, frozen as JSON)
    source: str  # "file.jsonl:3"

    @property
    def is_phrase(self) -> bool:
        return isinstance(self.pattern, str)

    def tokens(self) -> list[dict]:
        assert not self.is_phrase
        return [orjson.loads(t) for t in self.pattern]


def _token_pattern(value: Any, where: str) -> tuple:
    if not value or not all(isinstance(t, dict) and t for t in value):
        raise InputError("a token pattern is a non-empty list of non-empty objects, e.g. "
                         '[{"LOWER": "prime"}, {"LOWER": "minister"}]', where)
    return tuple(orjson.dumps(t, option=orjson.OPT_SORT_KEYS).decode() for t in value)


def load_patterns(path: str | Path) -> list[Rule]:
    """Read a Prodigy-style pattern file (JSONL). Blank lines are skipped; errors name the line."""
    path = Path(path)
    rules: list[Rule] = []
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read the pattern file ({e})", str(path)) from e
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path.name}:{n}"
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as e:
            raise InputError(f"not JSON ({e})", where) from None
        if not isinstance(obj, dict) or not isinstance(obj.get("label"), str) or "pattern" not in obj:
            raise InputError('each line needs {"label": "NAME", "pattern": "phrase" or [token dicts]}', where)
        pat = obj["pattern"]
        if isinstance(pat, str):
            if not pat.strip():
                raise InputError("empty phrase pattern", where)
            rules.append(Rule(obj["label"], pat, where))
        elif isinstance(pat, list):
            rules.append(Rule(obj["label"], _token_pattern(pat, where), where))
        else:
            raise InputError("a pattern is a string (phrase) or a list of token dicts", where)
    if not rules:
        raise InputError("no patterns in the file", str(path))
    return rules


def load_terms(path: str | Path, label: str | None = None) -> list[Rule]:
    """A term list: one phrase per line. The label is ``label``, else a first line
    ``# label: NAME``, else the file name without its suffix. Other ``#`` lines are comments."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read the term list ({e})", str(path)) from e
    rules: list[Rule] = []
    for n, line in enumerate(lines, 1):
        term = line.strip()
        if term.startswith("#"):
            head = term[1:].strip()
            if n == 1 and label is None and head.lower().startswith("label:"):
                label = head.split(":", 1)[1].strip()
            continue
        if term:
            rules.append(Rule("", term, f"{path.name}:{n}"))
    label = label or path.stem
    if not rules:
        raise InputError("no terms in the file", str(path))
    return [Rule(label, r.pattern, r.source) for r in rules]


def load_rules(path: str | Path) -> list[Rule]:
    """A pattern file (``.jsonl``/``.json``) or a term list (anything else)."""
    p = Path(path)
    return load_patterns(p) if p.suffix.lower() in (".jsonl", ".json") else load_terms(p)


# ---------------------------------------------------------------------------- matching
@dataclass(frozen=True, slots=True)
class Suggestion:
    start: int
    end: int
    label: str
    origin: Origin
    source: str


class Suggester:
    """Compiled rules (and optionally a pipeline) that turn texts into suggestions.

    ``model``: an installed spaCy pipeline's package name or folder; loaded with
    ``spacy.load`` (never downloaded). ``labels``: the span label names suggestions may use
    (rules with other labels are refused; model labels outside it are counted in ``skipped``).
    """

    def __init__(self, rules: Sequence[Rule] = (), *, lang: str = "en", model: str | Path | None = None,
                 labels: Iterable[str] | None = None, ignore_case: bool = False) -> None:
        import spacy
        from spacy.matcher import Matcher, PhraseMatcher

        self.rules = list(rules)
        self.labels = set(labels) if labels is not None else None
        if self.labels is not None:
            bad = sorted({r.label for r in self.rules} - self.labels)
            if bad:
                known = ", ".join(sorted(self.labels))
                raise PreannotateError(f"unknown label{'s' if len(bad) > 1 else ''} {', '.join(bad)} "
                                       f"(the project's span labels: {known})")
        self.nlp = None
        self.model_name = ""
        if model is not None:
            try:
                self.nlp = spacy.load(model)
            except OSError as e:
                raise PreannotateError(f"no installed spaCy pipeline {str(model)!r}: install it with pip, or "
                                       f"give the folder of a trained pipeline ({e})") from None
            self.model_name = str(model)
            self.make_doc = self.nlp.make_doc
            vocab = self.nlp.vocab
        else:
            tok = spacy.blank(lang)
            self.make_doc = tok.make_doc
            vocab = tok.vocab
        self.vocab = vocab
        self.matcher = Matcher(vocab, validate=True)
        self.phrases = PhraseMatcher(vocab, attr="LOWER" if ignore_case else "ORTH")
        self._source: dict[int, str] = {}  # match key -> its rule's source (phrases: the file)
        self._phrase_source: dict[tuple[str, tuple[str, ...]], str] = {}
        self._lower = ignore_case
        phrase_by_label: dict[str, list[Rule]] = defaultdict(list)
        for i, r in enumerate(self.rules):
            if r.is_phrase:
                phrase_by_label[r.label].append(r)
            else:
                key = f"{r.label}\x00{i}"
                try:
                    self.matcher.add(key, [r.tokens()])
                except (ValueError, KeyError) as e:
                    raise InputError(f"invalid token pattern ({str(e).strip().splitlines()[0]})", r.source) from None
                self._source[vocab.strings[key]] = r.source
        for lab, rs in phrase_by_label.items():
            key = f"{lab}\x00phrases"
            # make_doc, not nlp(): a phrase is tokenized like the text, nothing else runs
            docs = [self.make_doc(r.pattern) for r in rs]
            self.phrases.add(key, docs)
            self._source[vocab.strings[key]] = rs[0].source.rsplit(":", 1)[0]
            for r, d in zip(rs, docs):  # which line a phrase came from (first one wins)
                self._phrase_source.setdefault((lab, self._phrase_key(d)), r.source)
        self._phrase_keys = {vocab.strings[f"{lab}\x00phrases"] for lab in phrase_by_label}
        self._key_info: dict[int, tuple[str, bool]] = {}  # match key -> (label, is a phrase)
        self.skipped: dict[str, int] = defaultdict(int)  # model labels that are not project labels

    def _phrase_key(self, tokens) -> tuple[str, ...]:  # noqa: ANN001  (a Doc or a Span)
        return tuple(t.lower_ if self._lower else t.text for t in tokens)

    def __call__(self, text: str) -> list[Suggestion]:
        return self.suggest([text])[0]

    def suggest(self, texts: Sequence[str]) -> list[list[Suggestion]]:
        from spacy.attrs import IDX, LENGTH

        docs = list(self.nlp.pipe(texts)) if self.nlp is not None else [self.make_doc(t) for t in texts]
        out = []
        strings = self.vocab.strings
        info = self._key_info
        for doc, text in zip(docs, texts):
            per_label: dict[str, list[tuple[int, int, int]]] = defaultdict(list)  # label -> (start, end, key)
            for matches in (self.matcher(doc) if len(self.matcher) else (),
                            self.phrases(doc) if len(self.phrases) else ()):
                for key, s, e in matches:
                    if key not in info:
                        info[key] = (strings[key].split("\x00", 1)[0], key in self._phrase_keys)
                    per_label[info[key][0]].append((s, e, key))
            sugg: list[Suggestion] = []
            if per_label:
                arr = doc.to_array([IDX, LENGTH])
                for lab, found in per_label.items():
                    for s, e, key in _longest(found):
                        a, b = int(arr[s, 0]), int(arr[e - 1, 0] + arr[e - 1, 1])
                        src = self._source[key]
                        if info[key][1]:  # a phrase: which line it came from
                            words = tuple(text[int(arr[i, 0]):int(arr[i, 0] + arr[i, 1])] for i in range(s, e))
                            if self._lower:
                                words = tuple(w.lower() for w in words)
                            src = self._phrase_source.get((lab, words), src)
                        sugg.append(Suggestion(a, b, lab, Origin.PATTERN, src))
            if self.nlp is not None:
                # doc.ents, and claims from a span categoriser trained here (doc.spans["claim"])
                for ent in [*doc.ents, *doc.spans.get("claim", ())]:
                    if self.labels is not None and ent.label_ not in self.labels:
                        self.skipped[ent.label_] += 1
                        continue
                    sugg.append(Suggestion(ent.start_char, ent.end_char, ent.label_, Origin.MODEL, self.model_name))
            sugg.sort(key=lambda x: (x.start, -x.end, x.label))
            out.append(sugg)
        return out


def _longest(found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """``spacy.util.filter_spans`` on (start token, end token, key): longest first, then the
    earliest; a match that shares a token with a kept one is dropped."""
    if len(found) == 1:
        return found
    taken: set[int] = set()
    kept = []
    for s, e, key in sorted(found, key=lambda m: (m[0] - m[1], m[0])):
        if not any(i in taken for i in range(s, e)):
            kept.append((s, e, key))
            taken.update(range(s, e))
    return kept


def span_labels(project: Project) -> dict[str, Label]:
    """Span labels by name (entity labels first when a name is used by two layers)."""
    out: dict[str, Label] = {}
    for lab in project.labels(Layer.CLAIM) + project.labels(Layer.ENTITY):
        out[lab.name] = lab
    return out


def make_suggester(project: Project, rules: Sequence[Rule] = (), model: str | Path | None = None,
                   ignore_case: bool = False) -> Suggester:
    if not rules and model is None:
        raise PreannotateError("give patterns, a term list or a spaCy pipeline")
    return Suggester(rules, lang=project.language, model=model, labels=span_labels(project),
                     ignore_case=ignore_case)


# ---------------------------------------------------------------------------- running
@dataclass
class RunReport:
    documents: int = 0
    suggestions: int = 0
    existing: int = 0  # matches the annotator already had (same offsets and label)
    rejected: int = 0  # matches the annotator rejected before
    skipped_labels: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        parts = [f"{self.suggestions:,} suggestion{'s' if self.suggestions != 1 else ''} in "
                 f"{self.documents:,} document{'s' if self.documents != 1 else ''}"]
        if self.existing:
            parts.append(f"{self.existing:,} already tagged")
        if self.rejected:
            parts.append(f"{self.rejected:,} rejected before")
        if self.skipped_labels:
            parts.append("model labels not in the project: "
                         + ", ".join(f"{k} ({v})" for k, v in sorted(self.skipped_labels.items())))
        return ", ".join(parts) + f" ({self.seconds:.1f} s)"


def _rejected_key(annotator_id: int) -> str:
    return f"preannotate.rejected.{annotator_id}"


def rejected(project: Project, annotator_id: int) -> set[tuple[int, int, int, int]]:
    """(document, start, end, label id) of every suggestion this annotator rejected."""
    return {tuple(x) for x in project.get_setting(_rejected_key(annotator_id), [])}  # type: ignore[misc]


def set_rejected(project: Project, annotator_id: int, keys: Iterable[tuple[int, int, int, int]], *,
                 conn=None) -> None:  # noqa: ANN001  (conn: an open write transaction, e.g. a merge's)
    """Replace the annotator's rejected suggestions, (document, start, end, label id) each
    (a merged bundle brings them from the annotator's copy)."""
    value = sorted(list(k) for k in set(map(tuple, keys)))
    if conn is None:
        project.set_setting(_rejected_key(annotator_id), value)
    else:
        Project._set_setting(conn, _rejected_key(annotator_id), value)


def run(project: Project, suggester: Suggester, annotator_id: int, document_ids: Sequence[int] | None = None, *,
        progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> RunReport:
    """Suggest spans in the given documents (default: all) for one annotator.

    Batches of ``BATCH`` documents, each stored in one transaction; a cancel stops between
    batches (the batches already stored stay: they are suggestions, rejectable at once)."""
    t0 = time.perf_counter()
    labels = span_labels(project)
    total = len(document_ids) if document_ids is not None else len(project.document_ids())
    report = RunReport()
    no_thanks = rejected(project, annotator_id)
    if progress:
        progress(0, total, "")
    batch: list = []

    def flush() -> None:
        ids = [d.id for d in batch]
        found = suggester.suggest([d.text for d in batch])
        have = project.span_keys(ids, annotator_id)
        rows = []
        for d, sugg in zip(batch, found):
            for sg in sugg:
                lab = labels[sg.label]
                key = (d.id, sg.start, sg.end, lab.id)
                if key in have:
                    report.existing += 1
                    continue
                if key in no_thanks:
                    report.rejected += 1
                    continue
                if not d.text[sg.start:sg.end].strip():
                    continue
                have.add(key)
                attrs: dict[str, Any] = {"suggestion": True, "source": sg.source}
                if lab.layer == Layer.CLAIM:
                    attrs = {**CLAIM_ATTRS, **attrs}
                rows.append((d.id, annotator_id, lab.id, sg.start, sg.end, attrs, sg.origin))
        project.add_spans(rows)  # one executemany: no ids needed
        report.suggestions += len(rows)
        report.documents += len(batch)
        batch.clear()
        if progress:
            progress(report.documents, total, f"{report.documents:,} of {total:,} documents, "
                                              f"{report.suggestions:,} suggestions")

    for doc in project.documents(document_ids):
        batch.append(doc)
        if len(batch) >= BATCH:
            if cancelled is not None and cancelled():
                raise Cancelled()
            flush()
    if batch:
        if cancelled is not None and cancelled():
            raise Cancelled()
        flush()
    report.skipped_labels = dict(suggester.skipped)
    report.seconds = time.perf_counter() - t0
    return report


# ---------------------------------------------------------------------------- review
def suggestions(project: Project, annotator_id: int, document_id: int | None = None) -> list[SpanData]:
    """The annotator's suggestions not reviewed yet, in text order (one document, or all)."""
    return project.spans_of(annotator_id, origins=SUGGESTION_ORIGINS, document_id=document_id)


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def accept(project: Project, spans: Sequence[SpanData], accepted_by: str, *, text: str = "Accept suggestions"
           ) -> Change:
    """Turn suggestions into normal (manual) spans, keeping their provenance, in one change;
    spans that are not suggestions are left alone."""
    edits_: list[Edit[SpanData]] = []
    at = _now()
    for s in spans:
        if not is_suggestion(s):
            continue
        attrs = {k: v for k, v in s.attrs.items() if k not in ("suggestion", "source")}
        attrs["provenance"] = {"suggested_by": str(s.origin), "source": s.attrs.get("source"),
                               "accepted_by": accepted_by, "at": at}
        edits_.append(Edit(s, replace(s, attrs=attrs, origin=Origin.MANUAL)))
    return project.apply(Change(spans=tuple(edits_), text=text)) if edits_ else Change()


def reject(project: Project, spans: Sequence[SpanData], *, text: str = "Reject suggestions") -> Change:
    """Delete suggestions and remember them as rejected (a re-run does not bring them back), in one change."""
    gone = [s for s in spans if is_suggestion(s)]
    if not gone:
        return Change()
    removal = project.removal_of([s.id for s in gone])
    by_annotator: dict[int, list[SpanData]] = defaultdict(list)
    for s in gone:
        by_annotator[s.annotator_id].append(s)
    settings = []
    for aid, ss in by_annotator.items():
        key = _rejected_key(aid)
        before = project.get_setting(key)
        keys = rejected(project, aid) | {(s.document_id, s.start, s.end, s.label_id) for s in ss}
        after = sorted(list(k) for k in keys)
        settings.append(Edit(None if before is None else SettingRow(key, before), SettingRow(key, after)))
    return project.apply(replace(removal, settings=tuple(settings), text=text))




# ---------------------------------------------------------------------------- tag all matches
@dataclass(frozen=True, slots=True)
class Match:
    document_id: int
    start: int
    end: int
    title: str
    text: str  # the matched text
    left: str  # some text before it, on one line
    right: str  # some text after it, on one line


def parse_query(query: str) -> str | list[dict]:
    """A phrase, or a token pattern written as JSON (``[{"LOWER": "troops"}, …]``)."""
    q = query.strip()
    if not q:
        raise PreannotateError("type a phrase or a token pattern")
    if q.startswith("["):
        try:
            pat = orjson.loads(q)
        except orjson.JSONDecodeError as e:
            raise PreannotateError(f"a token pattern must be JSON: {e}") from None
        return list(orjson.loads(t) for t in _token_pattern(pat, "pattern"))
    return q


def find_matches(project: Project, query: str, *, progress: Progress | None = None,
                 cancelled: Callable[[], bool] | None = None, context: int = 32) -> list[Match]:
    """Every match of a phrase (token-aligned, case-insensitive) or a token pattern in the project."""
    import spacy
    from spacy.matcher import Matcher, PhraseMatcher
    from spacy.util import filter_spans

    pat = parse_query(query)
    nlp = spacy.blank(project.language)
    if isinstance(pat, str):
        m: Any = PhraseMatcher(nlp.vocab, attr="LOWER")
        m.add("Q", [nlp.make_doc(pat)])
    else:
        m = Matcher(nlp.vocab, validate=True)
        try:
            m.add("Q", [pat])
        except (ValueError, KeyError) as e:
            raise PreannotateError(f"invalid token pattern ({str(e).strip().splitlines()[0]})") from None
    total = len(project.document_ids())
    out: list[Match] = []
    for n, doc in enumerate(project.documents(), 1):
        if cancelled is not None and n % 50 == 0 and cancelled():
            raise Cancelled()
        sdoc = nlp.make_doc(doc.text)
        for sp in filter_spans([sdoc[s:e] for _k, s, e in m(sdoc)]):
            a, b = sp.start_char, sp.end_char
            out.append(Match(doc.id, a, b, doc.title, doc.text[a:b].replace("\n", " "),
                             doc.text[max(0, a - context):a].replace("\n", " "),
                             doc.text[b:b + context].replace("\n", " ")))
        if progress and n % 100 == 0:
            progress(n, total, f"{n:,} of {total:,} documents, {len(out):,} matches")
    if progress:
        progress(total, total, f"{len(out):,} matches")
    return out


def tag_matches(project: Project, matches: Sequence[Match], label: str, annotator_id: int, rule: str
                ) -> Change:
    """Tag every match as the annotator's own span, skipping places the annotator already has a
    span (or a suggestion) of this label; one change (statuses of documents still to do included)."""
    lab = span_labels(project).get(label)
    if lab is None:
        raise PreannotateError(f"no span label {label!r}")
    ids = sorted({m.document_id for m in matches})
    have = {(d, st, en) for d, st, en, _lab in project.span_keys(ids, annotator_id, lab.id)}
    now = time.time()
    base: dict[str, Any] = dict(CLAIM_ATTRS) if lab.layer == Layer.CLAIM else {}
    rows, seen = [], set()
    for m in matches:
        key = (m.document_id, m.start, m.end)
        if key in have or key in seen:
            continue
        seen.add(key)
        attrs = {**base, "provenance": {"rule": rule, "at": _dt.datetime.fromtimestamp(now, _dt.UTC)
                                        .isoformat(timespec="seconds")}}
        rows.append(SpanData(-1 - len(rows), m.document_id, annotator_id, lab.id, m.start, m.end, attrs,
                             Origin.MANUAL))
    todo = [d for d in sorted({r.document_id for r in rows})
            if (d, annotator_id) not in project.statuses_in([d])]
    return project.apply(Change(spans=tuple(Edit(None, r) for r in rows),
                                statuses=tuple(Edit(None, StatusRow(d, annotator_id, Status.IN_PROGRESS))
                                               for d in todo),
                                text=f"Tag all matches of {rule!r} as {label}"))

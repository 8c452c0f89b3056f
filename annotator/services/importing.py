"""Import articles (and any spans they carry) into a project.

Each document goes in whole or not at all, with its spans; documents are committed in
batches, so an interrupted import leaves whole documents only, and importing the same
files again skips what is there (deduplication by content hash).
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
import time
from concurrent.futures import Future, ThreadPoolExecutor
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path


from annotator.core.article import Cut, article_metadata
from annotator.core.errors import InputError, ProjectError, ProjectReadOnlyError
from annotator.core.model import Layer, NewDocument, Role
from annotator.core.schema import label_name_problem, shown_label
from annotator.core.text import content_hash, normalise, normalise_spans
from annotator.formats import reader_for
from annotator.formats.decoding import MAX_BYTES
from annotator.storage import Project, bulk, db
from annotator.storage.articles import store_originals
from annotator.storage.labels import ensure_label
from annotator.storage.errors import DatabaseError

BATCH = 2000
PROGRESS_EVERY = 500

Progress = Callable[[int, int, str], None]  # (done, total, message)


class Cancelled(Exception):
    pass


class ImportStopped(ProjectError):
    """Writing to the project failed part-way (full disk, I/O error, read-only): the message says
    which records are stored and which are not; ``report`` counts what was stored."""

    def __init__(self, message: str, report: ImportReport) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class ImportReport:
    added: int = 0
    duplicates: int = 0
    spans: int = 0
    files: int = 0
    errors: list[InputError] = field(default_factory=list)
    document_ids: list[int] = field(default_factory=list)
    seconds: float = 0.0
    # boilerplate left out of the annotatable text: (where the document came from, the cut)
    cuts: list[tuple[str, Cut]] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.errors)

    def summary(self) -> str:
        parts = [f"{self.added:,} document{'s' if self.added != 1 else ''} imported"]
        if self.duplicates:
            parts.append(f"{self.duplicates:,} already in the project")
        if self.spans:
            parts.append(f"{self.spans:,} spans")
        if self.cuts:
            docs = len({where for where, _ in self.cuts})
            parts.append(f"{len(self.cuts):,} boilerplate line{'s' if len(self.cuts) != 1 else ''} left out of "
                         f"{docs:,} document{'s' if docs != 1 else ''}")
        if self.errors:
            parts.append(f"{len(self.errors)} error{'s' if len(self.errors) != 1 else ''}")
        return ", ".join(parts) + f" ({self.seconds:.1f} s)"


def expand_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[InputError]]:
    """Files to import: each path, or every importable file below a folder (sorted)."""
    files: list[Path] = []
    errors: list[InputError] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith(".")
                           and reader_for(f) is not None)
            if not found:
                errors.append(InputError("has no .txt, .html, .jsonl or .csv files", str(p)))
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            errors.append(InputError(_not_a_file(p), str(p)))
    return files, errors


def _not_a_file(p: Path) -> str:
    """Why ``p`` (neither a file nor a folder) is not read: a FIFO would block the import and a
    device would be read forever, so they are refused by name, as is a symbolic link loop."""
    try:
        mode = os.stat(p).st_mode
    except FileNotFoundError:
        return f"a symbolic link to a missing file ({os.readlink(p)})" if os.path.islink(p) else "no such file or folder"
    except OSError as e:
        return "a symbolic link loop, not a file" if e.errno == errno.ELOOP else f"cannot be read ({e.strerror})"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a file; not read"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file; not read"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file; not read"
    return "not a regular file; not read"


def _prepare(doc: NewDocument, notes: list[InputError] | None = None) -> NewDocument:
    """Normalise the text (CRLF to LF, NFC) and move the spans with it. The text is always
    ``normalise(doc.text)`` (one hash per text); a span edge inside a sequence NFC composes
    is moved outwards, and said in ``notes``."""
    if doc.spans:
        for s in doc.spans:
            if not 0 <= s.start <= s.end <= len(doc.text):
                raise InputError(f"span [{s.start}, {s.end}) ({s.label}) lies outside the text", doc.origin)
        try:
            text, new, moved = normalise_spans(doc.text, [(s.start, s.end) for s in doc.spans])
        except ValueError as e:
            raise InputError(str(e), doc.origin) from None
        spans = [type(s)(a, b, s.label, s.attrs, s.origin) for s, (a, b) in zip(doc.spans, new)]
        for i in moved:
            s = doc.spans[i]
            if notes is not None:
                notes.append(InputError(
                    f"span {s.label} [{s.start}, {s.end}) {doc.text[s.start:s.end]!r} has an edge inside a character "
                    f"that Unicode NFC composes: stored as {text[new[i][0]:new[i][1]]!r}", doc.origin))
    else:
        text, spans = normalise(doc.text), []
    # what the input does not say is read from the article itself (headline, dateline, agency),
    # in one analysis of the text
    title, source, published = doc.title, doc.source, doc.published
    if not (title and source and published):
        art = article_metadata(text)
        title, source, published = title or art.title, source or art.source, published or art.published
    return NewDocument(text=text, title=title.strip(), source=source, url=doc.url, published=published,
                       meta=doc.meta, spans=spans, origin=doc.origin, original=doc.original, cuts=doc.cuts)


class Importer:
    def __init__(self, project: Project, *, annotator: str = "imported", add_labels: bool = False,
                 label_layer: Layer = Layer.ENTITY) -> None:
        self.project = project
        self.annotator_name = annotator
        self.add_labels = add_labels
        self.label_layer = label_layer
        self._annotator_id: int | None = None
        self._labels: dict[str, int] = {}
        self.stored_through: str | None = None  # origin (file:line) of the last record stored
        self._reload_labels()

    def _reload_labels(self) -> None:
        # span labels by name; entity layer wins a clash with the claim layer
        self._labels = {}
        for lab in reversed(self.project.labels()):
            if lab.layer != Layer.DOCUMENT:
                self._labels[lab.name] = lab.id

    def _annotator(self) -> int:
        if self._annotator_id is None:
            self._annotator_id = self.project.ensure_annotator(self.annotator_name, Role.ANNOTATOR).id
        return self._annotator_id

    def _check_labels(self, doc: NewDocument) -> None:
        if not doc.spans:
            return
        unknown = sorted({s.label for s in doc.spans} - set(self._labels))
        if not unknown:
            return
        if not self.add_labels:
            raise InputError(f"unknown label{'s' if len(unknown) > 1 else ''} {', '.join(map(shown_label, unknown))} "
                             f"(the project has {', '.join(sorted(self._labels)) or 'none'}; "
                             "use --add-labels to create them)", doc.origin)
        problems = [p for p in map(label_name_problem, unknown) if p]
        if problems:  # checked before any is created: a refused record creates nothing
            raise InputError("; ".join(problems), doc.origin)
        for name in unknown:
            # insert-or-get in the writer's transaction: another import may have just made it
            ensure_label(self.project, name, self.label_layer)
        self._reload_labels()

    def _validate_spans(self, doc: NewDocument) -> None:
        for s in doc.spans:
            if not doc.text[s.start:s.end].strip():
                raise InputError(f"span [{s.start}, {s.end}) ({s.label}) covers only white space", doc.origin)

    def _flush(self, batch: list[NewDocument], report: ImportReport, hashes: list[str] | None = None) -> None:
        if not batch:
            return
        try:
            self._store(batch, report, hashes)
        except (DatabaseError, sqlite3.Error) as e:
            raise self._stopped(batch, report, db.problem_sentence(self.project.path, e)) from None
        except ProjectReadOnlyError as e:
            raise self._stopped(batch, report, str(e)) from None
        if batch[-1].origin:
            self.stored_through = batch[-1].origin

    def _stopped(self, batch: list[NewDocument], report: ImportReport, why: str) -> ImportStopped:
        why = why.split("; everything committed before")[0].split("; nothing was changed")[0]
        first, last = batch[0].origin or "?", batch[-1].origin or "?"
        kept = (f"{report.added:,} documents were stored before it, through {self.stored_through}"
                if report.added and self.stored_through else
                f"{report.added:,} documents were stored before it")
        return ImportStopped(f"import stopped: {why}. {kept}; the batch of {len(batch):,} records from {first} "
                             f"to {last} was not stored, nor anything after it. Run the same import again once "
                             "this is fixed: documents already stored are skipped", report)

    def _store(self, batch: list[NewDocument], report: ImportReport, hashes: list[str] | None = None) -> None:
        # counted into a scratch report and added to ``report`` only once the commit returned: a
        # commit that fails (full disk) must not be counted as stored
        done = ImportReport()
        self._write_batch(batch, done, hashes)
        report.duplicates += done.duplicates
        report.document_ids.extend(done.document_ids)
        report.spans += done.spans
        report.added += done.added
        report.errors.extend(done.errors)  # (a duplicate's spans not imported, said by line)
        report.cuts.extend(done.cuts)

    def _write_batch(self, batch: list[NewDocument], report: ImportReport, hashes: list[str] | None = None) -> None:
        """``hashes``: each document's ``content_hash``, if the caller has them."""
        now = time.time()
        annotator_id = self._annotator() if any(d.spans for d in batch) else None
        if hashes is None:
            hashes = [content_hash(d.text) for d in batch]
        with self.project.write() as c:
            existing = self.project.existing_hashes(c, hashes)
            seen: set[str] = set()
            rows = []
            keep: list[NewDocument] = []
            for d, h in zip(batch, hashes):
                if h in existing or h in seen:
                    report.duplicates += 1
                    if d.spans:
                        report.errors.append(InputError(
                            f"this text is already in the project: its {len(d.spans)} span(s) were not imported "
                            "(to add them as someone's work: annotator import-annotations --as NAME)", d.origin))
                    continue
                seen.add(h)
                keep.append(d)
                rows.append(dict(text=d.text, title=d.title or "", source=d.source, url=d.url,
                                 published=d.published, content_hash=h, meta=d.meta, length=len(d.text),
                                 created_at=now))
            if not rows:
                return
            ids = bulk.insert_documents(c, rows)
            span_rows = []
            for d, r in zip(keep, rows):
                did = ids[r["content_hash"]]
                report.document_ids.append(did)
                for s in d.spans:
                    span_rows.append((did, annotator_id, self._labels[s.label], s.start, s.end, s.attrs,
                                      s.origin))
            report.spans += self.project.add_spans(span_rows, conn=c)
            report.added += len(rows)
            # the file's own text, where the annotatable text is not all of it (issue 17)
            originals = {ids[r["content_hash"]]: ("html" if d.meta.get("format") == "html" else "text",
                                                  d.original, d.cuts)
                         for d, r in zip(keep, rows) if d.original is not None}
            store_originals(c, originals)
            for d in keep:
                report.cuts.extend((d.origin, cut) for cut in d.cuts)

    def run(self, records: Iterable[NewDocument | InputError], report: ImportReport,
            on_record: Callable[[NewDocument | InputError], None] | None = None) -> None:
        """Prepare records into batches and store each batch whole. A batch is written on a
        second thread while the next one is read and prepared (SQLite releases the GIL while
        it works); at most one batch is in flight, and batches are stored in order. When this
        raises (e.g. ``Cancelled`` from ``on_record``), the batch being written still finishes,
        whole, and the batch being built is dropped. Documents are hashed here, not on the
        writer: hashing lets go of the GIL, and taking it back on the writer, document by
        document, would wait for this thread each time."""
        batch: list[NewDocument] = []
        hashes: list[str] = []
        pending: Future | None = None
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writer") as writer:
            for rec in records:
                if on_record:
                    on_record(rec)
                if isinstance(rec, InputError):
                    report.errors.append(rec)
                    continue
                try:
                    doc = _prepare(rec, report.errors)
                    self._check_labels(doc)
                    self._validate_spans(doc)
                except InputError as e:
                    report.errors.append(e)
                    continue
                except (DatabaseError, sqlite3.Error, ProjectReadOnlyError) as e:  # creating a label failed
                    if pending is not None:
                        pending.result()
                    why = str(e) if isinstance(e, ProjectReadOnlyError) else db.problem_sentence(self.project.path, e)
                    raise self._stopped([*batch, rec], report, why) from None
                batch.append(doc)
                hashes.append(content_hash(doc.text))
                if len(batch) >= BATCH:
                    if pending is not None:
                        pending.result()
                    pending = writer.submit(self._flush, batch, report, hashes)
                    batch, hashes = [], []
            if pending is not None:
                pending.result()
        self._flush(batch, report, hashes)


def import_paths(project: Project, paths: Sequence[str | Path], *, fmt: str | None = None,
                 text_column: str | None = None, annotator: str = "imported", add_labels: bool = False,
                 max_bytes: int = MAX_BYTES, progress: Progress | None = None, cancelled: Callable[[], bool] | None = None,
                 offsets: str | None = None, keep_boilerplate: bool = False) -> ImportReport:
    """Import files and folders. Articles in plain text and HTML lose their web boilerplate
    (``annotator.core.article``) unless ``keep_boilerplate``; the file's text is kept beside.
    ``progress(done, total, message)`` is called as files are read, every
    ``PROGRESS_EVERY`` documents (done/total: bytes, estimated inside a file; kilobytes past 2 GB);
    ``cancelled()`` is polled between documents: on cancel the current batch is dropped and
    ``Cancelled`` raised (documents of earlier batches stay, whole). ``offsets``: the unit JSONL
    span offsets count (see ``annotator.formats.units``; default: each line's tool's own)."""
    t0 = time.perf_counter()
    report = ImportReport()
    files, errors = expand_paths(paths)
    report.errors.extend(errors)
    importer = Importer(project, annotator=annotator, add_labels=add_labels)
    total = sum(_size(f) for f in files) or 1
    scale = 1 if total < 2**31 else 1024  # Qt signals carry 32-bit ints
    done = 0

    def report_progress(at: int, message: str) -> None:
        if progress:
            progress(min(at, total) // scale, total // scale, message)
    for f in files:
        try:
            r = reader_for(f, fmt)
        except InputError as e:
            report.errors.append(e)
            continue
        if r is None:
            report.errors.append(InputError("unknown file type (import .txt, .jsonl or .csv)", str(f)))
            continue
        report.files += 1
        report_progress(done, str(f))
        read = [0, 0]  # records, characters (bytes estimated by characters)
        size = _size(f)

        def tick(rec: NewDocument | InputError, f: Path = f, size: int = size) -> None:
            if cancelled is not None and cancelled():
                raise Cancelled()
            read[0] += 1
            if isinstance(rec, NewDocument):
                read[1] += len(rec.text)
            if read[0] % PROGRESS_EVERY == 0:
                report_progress(done + min(read[1], size), f"{f.name}: {read[0]:,} documents read")

        records: Iterator = r.reader(f, text_column=text_column, max_bytes=max_bytes, offsets=offsets,
                                     keep_boilerplate=keep_boilerplate)
        importer.run(records, report, tick)
        done += size
        report_progress(done, str(f))
    report.seconds = time.perf_counter() - t0
    return report


def import_documents(project: Project, docs: Iterable[NewDocument | InputError], *, annotator: str = "imported",
                     add_labels: bool = False) -> ImportReport:
    """Import records that are already in memory (sample data, other services)."""
    t0 = time.perf_counter()
    report = ImportReport()
    Importer(project, annotator=annotator, add_labels=add_labels).run(docs, report)
    report.seconds = time.perf_counter() - t0
    return report


def _size(p: Path) -> int:
    try:
        return os.path.getsize(p)
    except OSError:
        return 0


# ---------------------------------------------------------------- preview (issue 17)
@dataclass
class PreviewItem:
    """What importing one article would store: its metadata and the lines left out."""

    where: str
    title: str
    source: str | None
    published: str | None
    meta: dict
    cuts: list[Cut]
    characters: int


def preview_paths(paths: Sequence[str | Path], *, fmt: str | None = None, text_column: str | None = None,
                  keep_boilerplate: bool = False, max_bytes: int = MAX_BYTES, limit: int = 200,
                  progress: Progress | None = None, cancelled: Callable[[], bool] | None = None
                  ) -> tuple[list[PreviewItem], list[InputError]]:
    """Read (never store) up to ``limit`` documents: title, outlet, date, byline and the cut lines
    that an import with the same options would give (File → Import's preview, ``--preview``)."""
    files, errors = expand_paths(paths)
    items: list[PreviewItem] = []
    for k, f in enumerate(files):
        if progress:
            progress(k, len(files), str(f))
        try:
            r = reader_for(f, fmt)
        except InputError as e:
            errors.append(e)
            continue
        if r is None:
            errors.append(InputError("unknown file type (import .txt, .html, .jsonl or .csv)", str(f)))
            continue
        for rec in r.reader(f, text_column=text_column, max_bytes=max_bytes, keep_boilerplate=keep_boilerplate):
            if cancelled is not None and cancelled():
                raise Cancelled()
            if isinstance(rec, InputError):
                errors.append(rec)
                continue
            doc = _prepare(rec)
            items.append(PreviewItem(doc.origin, doc.title or "", doc.source, doc.published,
                                     {k: v for k, v in doc.meta.items() if k in ("byline", "standfirst", "dateline")},
                                     list(doc.cuts), len(doc.text)))
            if len(items) >= limit:
                return items, errors
    return items, errors


def describe_cuts(cuts: Iterable[tuple[str, Cut]]) -> list[str]:
    """One line per cut, for the import report: 'file.txt:18: comment form: Leave a Reply'."""
    out = []
    for where, c in cuts:
        shown = c.text.strip()
        shown = shown if len(shown) <= 100 else shown[:99] + "…"
        out.append(f"{where}:{c.line}: {c.reason}: {shown}")
    return out

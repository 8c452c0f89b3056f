"""A child process for the crash and concurrency tests: it edits a project through the same
``Project`` calls the GUI's undo commands make, and acknowledges each edit on stdout only
after the call has returned (i.e. after the commit).

Protocol, one JSON object per line:
  {"try": op}   written before an edit starts (the edit that may be in flight when killed)
  {"ack": op}   written after it returned
``op`` is ["add", span_id, doc, annotator, label, start, end] (span_id null in "try"),
["del", span_id] or ["status", doc, annotator, status].

usage: python worker.py edit PROJECT ANNOTATOR SEED COUNT
       python worker.py import PROJECT FILE BATCH
       python worker.py export PROJECT OUT FORMAT ANNOTATOR BATCH
"""

from __future__ import annotations

import random
import sys

import orjson

from annotator.core.errors import SpanError
from annotator.core.model import Layer, Status
from annotator.storage import Project


def say(kind: str, op: list) -> None:
    sys.stdout.write(orjson.dumps({kind: op}).decode() + "\n")
    sys.stdout.flush()


def edit(path: str, who: str, seed: int, count: int) -> None:
    rng = random.Random(seed)
    project = Project.open(path)
    annotator = project.ensure_annotator(who)
    docs = {d.id: d.text for d in project.documents()}
    labels = [lab.id for lab in project.labels() if lab.layer != Layer.DOCUMENT]
    mine = [s.id for d in docs for s in project.spans(d, annotator.id)]
    statuses = list(Status)
    say("ready", [annotator.id])
    for _ in range(count):
        r = rng.random()
        doc = rng.choice(list(docs))
        if r < 0.25 and mine:
            sid = mine.pop(rng.randrange(len(mine)))
            say("try", ["del", sid])
            project.delete_span(sid)
            say("ack", ["del", sid])
        elif r < 0.35:
            st = str(rng.choice(statuses))
            say("try", ["status", doc, annotator.id, st])
            project.set_status(doc, annotator.id, Status(st))
            say("ack", ["status", doc, annotator.id, st])
        else:
            text = docs[doc]
            start = rng.randrange(len(text) - 1)
            end = min(len(text), start + rng.randint(1, 12))
            if not text[start:end].strip():
                continue
            label = rng.choice(labels)
            say("try", ["add", None, doc, annotator.id, label, start, end])
            try:
                s = project.add_span(doc, annotator.id, label, start, end)
            except SpanError as e:  # never expected: the worker only proposes valid spans
                print(f"unexpected refusal: {e}", file=sys.stderr)
                raise
            mine.append(s.id)
            say("ack", ["add", s.id, doc, annotator.id, label, start, end])
    project.close()


def import_file(path: str, file: str, batch: int) -> None:
    from annotator.services import importing
    from annotator.services.importing import import_paths

    importing.BATCH = batch

    project = Project.open(path)
    say("ready", [])
    seen = [0]

    def tick() -> bool:  # polled by the importer before each record
        seen[0] += 1
        if seen[0] % 50 == 0:
            say("read", [seen[0]])
        return False

    report = import_paths(project, [file], cancelled=tick)
    say("ack", ["import", report.added])
    project.close()


def export_file(path: str, out: str, fmt: str, who: str, batch: int) -> None:
    from pathlib import Path

    from annotator.services import exporting

    exporting.BATCH = batch
    project = Project.open(path)
    say("ready", [])

    def progress(done: int, total: int, _msg: str) -> None:
        say("progress", [done, total])

    report = exporting.export(project, exporting.ExportOptions(fmt=fmt, out=Path(out), annotator=who, force=True),
                              progress=progress)
    say("ack", ["export", report.documents])
    project.close()


if __name__ == "__main__":
    if sys.argv[1] == "edit":
        edit(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    elif sys.argv[1] == "import":
        import_file(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif sys.argv[1] == "export":
        export_file(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]))
    else:
        raise SystemExit(f"unknown mode {sys.argv[1]}")

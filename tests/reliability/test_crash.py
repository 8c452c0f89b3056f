"""Crash safety: a process editing a project is killed with SIGKILL at random moments.

The child (``worker.py``) makes the same ``Project`` calls the window's undo commands make
and prints an acknowledgement after each call returns, as the window would show the edit as
done. After every kill the parent reopens the file and checks that every acknowledged edit
is there, that nothing else changed except, possibly, the one edit in flight at the kill,
that SQLite's integrity check passes, and that the project opens normally.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from annotator.core.model import NewDocument, NewSpan, Status
from annotator.services import recovery
from annotator.storage import Project
from annotator.storage.db import copy_to

pytestmark = [pytest.mark.subprocess, pytest.mark.slow]

WORKER = Path(__file__).with_name("worker.py")
SEED = int(os.environ.get("ANNOTATOR_CRASH_SEED", "20250304"))
KILLS = int(os.environ.get("ANNOTATOR_CRASH_KILLS", "8"))
EDITS_PER_RUN = 300


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(WORKER), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, bufsize=1)


def read_until_ready(proc: subprocess.Popen) -> dict:
    line = proc.stdout.readline()
    assert line, proc.stderr.read()
    msg = json.loads(line)
    assert "ready" in msg, line
    return msg


def kill_after(proc: subprocess.Popen, acks: int, rng: random.Random) -> list[dict]:
    """Read messages; after ``acks`` acknowledgements, wait a random fraction of an edit and
    SIGKILL. Returns every complete message the child wrote."""
    seen: list[dict] = []
    n = 0
    while n < acks:
        line = proc.stdout.readline()
        if not line:
            break  # finished before the planned moment
        seen.append(json.loads(line))
        n += "ack" in seen[-1]
    time.sleep(rng.uniform(0, 0.004))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    rest = proc.stdout.read()
    proc.stdout.close()
    proc.stderr.close()
    for line in rest.splitlines(keepends=True):
        if line.endswith("\n"):  # a line cut by the kill was never acknowledged
            seen.append(json.loads(line))
    return seen


def raw_integrity(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute("PRAGMA integrity_check")]
    finally:
        con.close()


def state(p: Project, who: int) -> tuple[dict[int, tuple], dict[int, str]]:
    spans = {s.id: (s.document_id, s.annotator_id, s.label_id, s.start, s.end)
             for d in p.documents() for s in p.spans(d.id, who)}
    statuses = {doc: str(st) for (doc, ann), st in p.statuses(who).items()}
    return spans, statuses


def verified(messages: list[dict], spans: dict[int, tuple], statuses: dict[int, str]) -> int:
    """How many acknowledged edits of one run the reopened project shows. Edits are grouped by
    what they touch (a span id, which SQLite may reuse after a delete; a document's status);
    the last edit of each group must be visible, and then the group counts as found."""
    chains: dict[tuple, list[list]] = {}
    for m in messages:
        if "ack" in m:
            op = m["ack"]
            chains.setdefault(("span", op[1]) if op[0] in ("add", "del") else ("status", op[1]), []).append(op)
    n = 0
    for ops in chains.values():
        last = ops[-1]
        if last[0] == "add":
            ok = spans.get(last[1]) == tuple(last[2:])
        elif last[0] == "del":
            ok = last[1] not in spans
        else:
            ok = statuses.get(last[1]) == last[3]
        n += len(ops) if ok else 0
    return n


def test_sigkill_during_edits_loses_no_acknowledged_edit(tmp_path, sample_project, qtbot):
    path = tmp_path / "crash.annotator"
    copy_to(sample_project.engine, path)  # not shutil.copy: recent commits may still be in the WAL
    rng = random.Random(SEED)
    who = None
    spans: dict[int, tuple] = {}
    statuses: dict[int, str] = {}
    acknowledged = found = in_flight_committed = in_flight_lost = 0
    for run in range(KILLS):
        proc = start("edit", str(path), "zed", str(SEED + run), str(EDITS_PER_RUN))
        who = read_until_ready(proc)["ready"][0]
        messages = kill_after(proc, rng.randint(1, EDITS_PER_RUN), rng)
        assert any("ack" in m for m in messages), proc.returncode
        pending = None
        for m in messages:
            if "try" in m:
                pending = m["try"]
            elif "ack" in m:
                op = m["ack"]
                acknowledged += 1
                pending = None
                if op[0] == "add":
                    spans[op[1]] = tuple(op[2:])
                    statuses.setdefault(op[2], str(Status.IN_PROGRESS))  # a first edit starts the document
                elif op[0] == "del":
                    del spans[op[1]]
                else:
                    statuses[op[1]] = op[3]

        assert raw_integrity(path) == ["ok"], f"run {run}: integrity check failed after the kill"
        with Project.open(path) as p:
            got_spans, got_statuses = state(p, who)
            assert p.integrity_check() == []
        # every acknowledged edit is there; the only other difference allowed is the edit in flight
        extra = {k: v for k, v in got_spans.items() if k not in spans}
        missing = {k: v for k, v in spans.items() if k not in got_spans}
        changed_status = {d: s for d, s in got_statuses.items() if statuses.get(d) != s}
        assert all(got_spans[k] == v for k, v in spans.items() if k in got_spans)
        if pending is None:
            assert not extra and not missing and not changed_status, f"run {run}"
        elif pending[0] == "add":
            assert not missing
            assert changed_status in ({}, {pending[1]: str(Status.IN_PROGRESS)}) and (
                not changed_status or pending[1] not in statuses)
            assert len(extra) <= 1 and all(v == tuple(pending[2:]) for v in extra.values()), f"run {run}"
            in_flight_committed += len(extra)
            in_flight_lost += not extra
        elif pending[0] == "del":
            assert not extra and not changed_status and set(missing) <= {pending[1]}, f"run {run}"
            in_flight_committed += len(missing)
            in_flight_lost += not missing
        else:
            # a first edit also moves a status from todo to in progress (``add_span``); a status
            # write in flight either happened or did not
            assert not extra and not missing
            assert set(changed_status) <= {pending[1]} and all(s == pending[3] for s in changed_status.values())
            in_flight_committed += len(changed_status)
            in_flight_lost += not changed_status
        # count what the acknowledgements promised, with the in-flight edit (checked above) taken out
        promised_spans = {k: v for k, v in got_spans.items() if k not in extra} | missing
        promised_statuses = {**got_statuses, **{d: statuses[d] for d in changed_status if d in statuses}}
        for d in changed_status:
            if d not in statuses:
                del promised_statuses[d]
        found += verified(messages, promised_spans, promised_statuses)
        spans, statuses = got_spans, got_statuses

    report = recovery.check(path)
    assert report.ok, report.problems
    # the window opens the project as usual and shows the edits
    from annotator.qt.main_window import MainWindow

    with Project.open(path) as p:
        w = MainWindow(p, p.annotator("zed"))
        qtbot.addWidget(w)
        assert w.doc_model.rowCount() == 6
        assert w.text_view.toPlainText() == p.document(w.current_document_id).text
        assert p.span_count(who) == len(spans)
    print(f"\ncrash: {KILLS} SIGKILLs, {acknowledged} edits acknowledged, {found} verified present "
          f"after reopening, 0 lost; in-flight edits committed {in_flight_committed}, not committed {in_flight_lost}")
    assert found == acknowledged >= KILLS


def write_articles(path: Path, n: int) -> dict[str, tuple[str, int, int]]:
    """A JSONL file of ``n`` articles, each with one PERSON span; returns text -> span."""
    out = {}
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = f"Article {i}: Mira Hale 😀 spoke in 東京 about claim {i * 7919 % 10007}.\nSecond line {i}."
            s = text.index("Mira")
            out[text] = (text, s, s + 9)
            fh.write(json.dumps({"text": text, "spans": [{"start": s, "end": s + 9, "label": "PERSON"}]},
                                ensure_ascii=False) + "\n")
    return out


IMPORT_KILLS = 4
ARTICLES = 3000
BATCH = 500


def test_sigkill_during_import_leaves_whole_documents(tmp_path, project):
    path = tmp_path / "import.annotator"
    copy_to(project.engine, path)
    src = tmp_path / "many.jsonl"
    articles = write_articles(src, ARTICLES)
    rng = random.Random(SEED + 1)
    seen_counts = []
    person = project.label_by_name("PERSON").id
    for run in range(IMPORT_KILLS + 1):
        proc = start("import", str(path), str(src), str(BATCH))
        read_until_ready(proc)
        if run < IMPORT_KILLS:
            # kill once the importer has read a random number of records, plus a random moment
            # (one kill in each quarter of the file: the resumed run re-reads what is stored)
            span = ARTICLES // IMPORT_KILLS
            target = rng.randrange(run * span + 50, (run + 1) * span, 50)
            for line in proc.stdout:
                if json.loads(line).get("read", [0])[0] >= target:
                    break
            time.sleep(rng.uniform(0, 0.02))
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=120)
        out, err = proc.communicate()
        assert run < IMPORT_KILLS or proc.returncode == 0, err
        assert raw_integrity(path) == ["ok"]
        assert recovery.check(path).ok
        con = sqlite3.connect(path)
        try:
            rows = con.execute(
                "SELECT d.text, s.start, s.\"end\", s.label_id, a.name FROM document d "
                "LEFT JOIN span s ON s.document_id = d.id LEFT JOIN annotator a ON a.id = s.annotator_id").fetchall()
        finally:
            con.close()
        n = len({r[0] for r in rows})
        seen_counts.append(n)
        # whole batches only (or everything); each document whole, with exactly its one span
        assert n % BATCH == 0 or n == ARTICLES, n
        assert len(rows) == n
        for text, s0, s1, label, who in rows:
            assert (s0, s1, label, who) == (articles[text][1], articles[text][2], person, "imported")
        with Project.open(path) as p:
            assert p.count_documents() == n
    assert seen_counts[-1] == ARTICLES
    print(f"\nimport: {IMPORT_KILLS} SIGKILLs during a {ARTICLES}-article import ({BATCH} per transaction); "
          f"documents after each: {seen_counts}; all whole, none duplicated after resuming")


EXPORT_KILLS = 3
EXPORT_DOCS = 600


def test_sigkill_during_export_leaves_no_partial_file(tmp_path, project):
    """Killed mid-export: no file under the final name, or the previous export intact."""
    from annotator.services.importing import import_paths

    src = tmp_path / "many.jsonl"
    write_articles(src, EXPORT_DOCS)
    import_paths(project, [src])
    path = tmp_path / "export.annotator"
    copy_to(project.engine, path)
    fmt = "prodigy"  # its writer streams to disk as it goes (spaCy's writes everything at the end)
    out = tmp_path / "train.jsonl"
    rng = random.Random(SEED + 2)
    previous: bytes | None = None
    outcomes = []
    for run in range(EXPORT_KILLS):
        proc = start("export", str(path), str(out), fmt, "imported", "50")
        read_until_ready(proc)
        target = rng.randrange(50, EXPORT_DOCS, 50)
        for line in proc.stdout:
            if json.loads(line).get("progress", [0])[0] >= target:
                break
        time.sleep(rng.uniform(0, 0.01))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=120)
        proc.communicate()
        if previous is None:
            assert not out.exists(), "a killed first export left a file under the final name"
            outcomes.append("absent")
            # from now on an older complete export exists: it must survive the kills untouched
            done = start("export", str(path), str(out), fmt, "imported", "50")
            _, err = done.communicate(timeout=120)
            assert done.returncode == 0, err
            previous = out.read_bytes()
            lines = previous.decode("utf-8").splitlines()  # the completed export is whole
            assert len(lines) == EXPORT_DOCS and all(json.loads(x)["spans"] for x in lines)
        else:
            assert out.read_bytes() == previous, "a killed export damaged the previous file"
            outcomes.append("previous intact")
        assert recovery.check(path).ok
    left_by_kills = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(f".{out.name}"))
    # the next export sweeps what the killed ones left behind
    again = start("export", str(path), str(out), fmt, "imported", "50")
    _, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(f".{out.name}"))
    assert leftovers == []
    print(f"\nexport ({fmt}): {EXPORT_KILLS} SIGKILLs mid-export: {outcomes}; temporary files left by the kills: "
          f"{len(left_by_kills)}, after the next export: {len(leftovers)}")

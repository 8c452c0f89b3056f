"""Two annotators on one project file at once (plus an import running beside them).

Each editor is a separate process making the window's ``Project`` calls. SQLite allows one
writer at a time: the others must wait (busy timeout, BEGIN IMMEDIATE, short transactions),
never fail with "database is locked", and no acknowledged write may be lost.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.model import Status
from annotator.storage import Project
from annotator.storage.db import copy_to

pytestmark = [pytest.mark.subprocess, pytest.mark.slow]

WORKER = Path(__file__).with_name("worker.py")
EDITS = 200


def replay(lines: list[str]) -> tuple[dict[int, tuple], dict[int, str], int]:
    spans: dict[int, tuple] = {}
    statuses: dict[int, str] = {}
    acks = 0
    for line in lines:
        op = json.loads(line).get("ack")
        if op is None:
            continue
        acks += 1
        if op[0] == "add":
            spans[op[1]] = tuple(op[2:])
            statuses.setdefault(op[2], str(Status.IN_PROGRESS))
        elif op[0] == "del":
            del spans[op[1]]
        elif op[0] == "status":
            statuses[op[1]] = op[3]
    return spans, statuses, acks


def test_two_annotators_and_an_import_at_once(tmp_path, sample_project, qtbot):
    path = tmp_path / "shared.annotator"
    copy_to(sample_project.engine, path)
    jsonl = tmp_path / "more.jsonl"
    jsonl.write_text("".join(json.dumps({"text": f"Wire story {i}: talks resume in Karsk."}) + "\n"
                             for i in range(4000)))

    # the second annotator's window is open on the same file the whole time
    from annotator.qt.main_window import MainWindow

    viewer = Project.open(path)
    window = MainWindow(viewer, viewer.ensure_annotator("ann-1"))
    qtbot.addWidget(window)
    assert window.doc_model.total() == 6

    procs = {
        who: subprocess.Popen([sys.executable, str(WORKER), "edit", str(path), who, str(seed), str(EDITS)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for seed, who in enumerate(["ann-1", "ann-2"], start=7)
    }
    importer = subprocess.Popen([sys.executable, str(WORKER), "import", str(path), str(jsonl), "1000"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outputs = {who: p.communicate(timeout=300) for who, p in procs.items()}
    imp_out, imp_err = importer.communicate(timeout=300)

    attempted = stored = 0
    for who, (out, err) in outputs.items():
        assert procs[who].returncode == 0, err
        assert "locked" not in err.lower() and "busy" not in err.lower(), err
        spans, statuses, acks = replay(out.splitlines())
        attempted += sum(1 for line in out.splitlines() if "try" in json.loads(line))
        a = viewer.annotator(who)
        with viewer.read() as c:
            got = {r[0]: tuple(r[1:]) for r in c.exec_driver_sql(
                'SELECT id, document_id, annotator_id, label_id, start, "end" FROM span WHERE annotator_id = ?',
                (a.id,))}
        assert got == spans, who
        assert {d: str(s) for (d, _), s in viewer.statuses(a.id).items()} == statuses, who
        stored += acks
    assert importer.returncode == 0 and "locked" not in imp_err.lower(), imp_err
    assert json.loads(imp_out.splitlines()[-1])["ack"] == ["import", 4000]
    assert attempted == stored == 2 * EDITS - sum(  # the workers skip white-space-only spans
        EDITS - sum(1 for line in out.splitlines() if "try" in json.loads(line)) for out, _ in outputs.values())

    # the open window sees the others' work on refresh
    window.doc_model.reload()
    assert window.doc_model.total() == 4006
    ann1 = viewer.annotator("ann-1")
    first = window.doc_model.index(0, 0).data(window.doc_model.SummaryRole)
    assert first.span_count == len(viewer.spans(1, ann1.id))
    assert first.status == viewer.status(1, ann1.id)
    assert viewer.integrity_check() == []
    window.close()
    viewer.close()
    print(f"\nconcurrency: 2 editors + 1 import at once; {attempted} edits attempted, {stored} acknowledged "
          f"and stored, 0 'database is locked'; 4000 documents imported alongside")


def test_two_imports_adding_the_same_new_labels_both_succeed(tmp_path, project, cli):
    """Issue 18: the second import died with "UNIQUE constraint failed: label.layer, label.name"
    (exit 3, its file half imported). Each import meets the new labels late (record 3,000 on),
    long after both loaded the project's labels, so the two race for every one of them."""
    project.close()
    files = []
    for who in ("a", "b"):
        f = tmp_path / f"{who}.jsonl"
        with f.open("w") as fh:
            for i in range(6001):
                rec: dict = {"text": f"Report {who}-{i}: Acme Corp and Bolt Ltd talk in Karsk."}
                if i >= 3000:
                    rec["spans"] = [{"start": len(f"Report {who}-{i}: "), "end": len(f"Report {who}-{i}: Acme Corp"),
                                     "label": f"NEW{i % 7}"}]
                fh.write(json.dumps(rec) + "\n")
        files.append(f)
    env_args = ["--add-labels", "--project", str(project.path)]
    procs = [subprocess.Popen([sys.executable, "-m", "annotator", "import", str(f), *env_args, "--as", f.stem],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in files]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert "6,001 documents imported" in out and "UNIQUE" not in err, (out, err)
    with Project.open(project.path) as p:
        assert p.count_documents() == 12002
        new = [lab for lab in p.labels() if lab.name.startswith("NEW")]
        assert sorted(lab.name for lab in new) == [f"NEW{i}" for i in range(7)]  # each once
        assert p.span_count() == 2 * 3001
        assert p.integrity_check() == []
    print("\nconcurrency: 2 imports x 6,001 records adding the same 7 new labels at once: both exit 0, "
          "12,002 documents, 6,002 spans, 7 labels, 0 lost")

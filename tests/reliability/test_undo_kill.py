"""A multi-row undo killed mid-way leaves the before or the after state, never half of it: a
change (and its inverse) is applied in one transaction."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

WORKER = textwrap.dedent("""
    import pickle, sys
    from annotator.storage import Project
    p = Project.open(sys.argv[1])
    change = pickle.load(open(sys.argv[2], "rb"))              # deletes every span: one multi-row change
    steps = [change, change.inverse()]
    if not p.spans(change.spans[0].before.document_id):        # already deleted: start with the undo
        steps.reverse()
    print("ready", flush=True)
    while True:                                                 # do, undo, do ... until killed
        for step in steps:
            p.apply(step)
""")


@pytest.mark.slow
@pytest.mark.subprocess
def test_undo_of_a_multi_row_change_killed_midway_is_all_or_nothing(tmp_path, project):
    from annotator.core.model import NewDocument
    from annotator.services.importing import import_documents
    from annotator.storage import Project

    text = "Karsk " * 400
    docs = import_documents(project, [NewDocument(text + str(i)) for i in range(5)]).document_ids
    gpe = project.label_by_name("GPE")
    ann = project.ensure_annotator("alice")
    project.add_spans((d, ann.id, gpe.id, 6 * k, 6 * k + 5, {}, "manual") for d in docs for k in range(400))
    claim = project.label_by_name("CLAIM")
    c = project.add_span(docs[0], ann.id, claim.id, 0, 17, {"stance": "supports"})
    project.add_relation(ann.id, c.id, project.spans(docs[0])[0].id, "claimant")
    full = sorted((s.id, s.start) for d in docs for s in project.spans(d))
    rels = project.relations(docs[0])
    import pickle

    (tmp_path / "change.pickle").write_bytes(pickle.dumps(project.removal_of([i for i, _s in full])))
    project.close()
    rng = random.Random(7)
    seen = {"all": 0, "none": 0}
    for _ in range(6):
        proc = subprocess.Popen([sys.executable, "-c", WORKER, str(tmp_path / "test.annotator"),
                                 str(tmp_path / "change.pickle")],
                                stdout=subprocess.PIPE, text=True, env=os.environ.copy())
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        p = Project.open(tmp_path / "test.annotator")
        try:
            now = sorted((s.id, s.start) for d in docs for s in p.spans(d))
            assert now in (full, []), f"{len(now)} of {len(full)} spans after a kill"
            assert p.relations(docs[0]) == (rels if now else [])
            assert p.integrity_check() == []
            seen["all" if now else "none"] += 1
        finally:
            p.close()
    assert sum(seen.values()) == 6

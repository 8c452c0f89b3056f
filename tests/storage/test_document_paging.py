"""The document list's queries: counts and keyset pages agree with a plain Python filter over the
same documents, for every combination of words and status."""

from __future__ import annotations

import itertools

import pytest

from annotator.core.model import NewDocument, Status
from annotator.services.importing import import_documents

COLOURS = ["amber", "blue", "crimson"]
ANIMALS = ["otter", "heron", "lynx", "ibis", "orca"]


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    from annotator.storage import Project

    project = Project.create(tmp_path_factory.mktemp("paging") / "paging.annotator")
    docs = [NewDocument(f"Report {i}\n\nThe {COLOURS[i % 3]} {ANIMALS[i % 5]} was seen near Brno ({i}).")
            for i in range(230)]
    report = import_documents(project, docs)
    assert report.added == 230
    alice = project.ensure_annotator("alice")
    bo = project.ensure_annotator("bo")
    ids = project.document_ids()
    for n, did in enumerate(ids):
        if n % 4 == 0:
            project.set_status(did, alice.id, Status.DONE)
        elif n % 4 == 1:
            project.set_status(did, alice.id, Status.IN_PROGRESS)
        elif n % 7 == 0:
            project.set_status(did, alice.id, Status.TODO)  # an explicit "to do" row counts as to do
        if n % 3 == 0:
            project.set_status(did, bo.id, Status.DONE)  # another annotator's work never leaks in
    yield project, alice.id, ids
    project.close()


def expected(project, ids, aid, status, search):
    statuses = project.statuses(aid)
    out = []
    for did in ids:
        text = project.document(did).text.lower()
        if search and not all(w in text.split() or any(t.startswith(w) for t in text.replace("(", " ").split())
                              for w in search.lower().split()):
            continue
        if status is not None and statuses.get((did, aid), Status.TODO) != status:
            continue
        out.append(did)
    return out


@pytest.mark.parametrize("status,search", list(itertools.product(
    [None, Status.DONE, Status.IN_PROGRESS, Status.TODO], [None, "otter", "blue ot", "crim heron", "zebra"])))
def test_counts_and_keyset_pages_match_a_plain_filter(filled, status, search):
    project, aid, ids = filled
    want = expected(project, ids, aid, status, search)
    assert project.count_documents(annotator_id=aid, status=status, search=search) == len(want)
    got, after = [], None
    while True:
        page = project.list_documents(annotator_id=aid, status=status, search=search, limit=16, after_id=after)
        if not page:
            break
        assert len(page) <= 16
        got += [d.id for d in page]
        after = page[-1].id
    assert got == want
    # offset paging gives the same rows
    assert [d.id for d in project.list_documents(annotator_id=aid, status=status, search=search, offset=16,
                                                 limit=16)] == want[16:32]
    # the summaries carry this annotator's status
    if want and status is not None:
        assert {d.status for d in project.list_documents(annotator_id=aid, status=status, search=search,
                                                         limit=5)} == {status}


def test_list_model_pages_by_id_and_finds_rows(qtbot, filled):
    from annotator.qt.models import DocumentListModel

    project, aid, ids = filled
    m = DocumentListModel(project, aid)
    m.set_filter(search="lynx")
    want = expected(project, ids, aid, None, "lynx")
    while m.canFetchMore():
        m.fetchMore()
    assert [m.index(i, 0).data(DocumentListModel.DocumentIdRole) for i in range(m.rowCount())] == want
    assert m.row_of(want[23]) == 23 and m.row_of(ids[1]) == -1  # ids[1] has a heron, not a lynx

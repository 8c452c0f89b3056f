"""The document list's ids and pages (annotator.storage.doclist) against Project.list_documents
and Project.summaries, for every filter a user can set."""

from __future__ import annotations

import pytest

from annotator.core.model import Status
from annotator.storage.doclist import document_ids, summaries


@pytest.mark.parametrize("status", [None, Status.TODO, Status.IN_PROGRESS, Status.DONE])
@pytest.mark.parametrize("search", [None, "", "troops", "Brezn", "nothing-matches-this"])
def test_ids_are_what_the_list_would_list(sample_project, status, search):
    for a in sample_project.annotators():
        want = [d.id for d in sample_project.list_documents(annotator_id=a.id, status=status, search=search)]
        assert list(document_ids(sample_project, annotator_id=a.id, status=status, search=search)) == want


def test_a_page_reads_the_same_summaries_as_the_project(sample_project):
    ids = sample_project.document_ids()
    for a in sample_project.annotators(include_gold=True):
        assert summaries(sample_project, ids, a.id) == sample_project.summaries(ids, a.id)
    some = [d for d in ids if d % 2]
    alice = sample_project.annotator("alice").id
    assert summaries(sample_project, some, alice) == sample_project.summaries(some, alice)
    assert any(s.stance for s in summaries(sample_project, ids, alice))  # stances, statuses, counts read
    assert any(s.span_count for s in summaries(sample_project, ids, alice))


def test_ids_without_gaps_are_a_range_and_with_gaps_are_read(sample_project):
    from sqlalchemy import text

    ids = sample_project.document_ids()
    assert document_ids(sample_project) == range(ids[0], ids[-1] + 1)  # nothing read: a range
    with sample_project.write() as c:
        c.execute(text("DELETE FROM document WHERE id = :i"), {"i": ids[2]})
    got = document_ids(sample_project)
    assert not isinstance(got, range) and list(got) == ids[:2] + ids[3:]
    alice = sample_project.annotator("alice").id
    for status in Status:
        want = [d.id for d in sample_project.list_documents(annotator_id=alice, status=status)]
        assert list(document_ids(sample_project, annotator_id=alice, status=status)) == want

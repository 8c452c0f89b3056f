"""The workspace's fast span read returns exactly what Project.spans returns."""

from __future__ import annotations

from annotator.core.model import Layer, NewDocument, Origin
from annotator.services.importing import import_documents
from annotator.storage.spanread import document_spans


def test_same_spans_as_project_spans(sample_project):
    for d in sample_project.document_ids():
        for a in [None] + [x.id for x in sample_project.annotators(include_gold=True)]:
            assert document_spans(sample_project, d, a) == sample_project.spans(d, a)


def test_attributes_and_origins_survive(project):
    import_documents(project, [NewDocument("Hale said 10,000 troops 😀 crossed the border.", title="a")])
    (did,) = project.document_ids()
    who = project.ensure_annotator("alice")
    claim = project.labels(Layer.CLAIM)[0]
    ent = project.labels(Layer.ENTITY)[0]
    project.add_spans([(did, who.id, claim.id, 10, 45, {"stance": "refutes", "note": "東京 😀"}, "manual"),
                       (did, who.id, ent.id, 0, 4, {}, str(Origin.PATTERN))])
    got = document_spans(project, did, who.id)
    assert got == project.spans(did, who.id)
    assert got[0].attrs == {} and got[0].origin is Origin.PATTERN
    assert got[1].attrs == {"stance": "refutes", "note": "東京 😀"}


def test_spans_that_start_together_keep_both_orders(project):
    """Rows come in start order from the index; runs that share a start are ordered here: by
    (end, id) like Project.spans, or longest first (the span list's order) with outer_first."""
    import_documents(project, [NewDocument("Kim Jong-un met Moon Jae-in in Panmunjom on Friday.", title="a")])
    (did,) = project.document_ids()
    who, other = project.ensure_annotator("alice"), project.ensure_annotator("bob")
    ent = project.labels(Layer.ENTITY)
    # added out of order: same start with different ends, same start and end with several labels
    rows = [(did, who.id, ent[0].id, 0, 10, {}, "manual"), (did, who.id, ent[1].id, 0, 3, {}, "manual"),
            (did, who.id, ent[2].id, 16, 27, {}, "manual"), (did, who.id, ent[0].id, 0, 15, {"x": 1}, "manual"),
            (did, who.id, ent[1].id, 0, 10, {}, str(Origin.MODEL)), (did, other.id, ent[0].id, 0, 3, {}, "manual"),
            (did, who.id, ent[0].id, 31, 40, {}, "manual"), (did, who.id, ent[2].id, 16, 19, {}, "manual")]
    project.add_spans(rows)
    for a in (who.id, other.id, None):
        want = project.spans(did, a)
        assert document_spans(project, did, a) == want
        outer = document_spans(project, did, a, outer_first=True)
        assert outer == sorted(want, key=lambda s: (s.start, -s.end, s.id))
    got = [(s.start, s.end) for s in document_spans(project, did, who.id, outer_first=True)]
    assert got == [(0, 15), (0, 10), (0, 10), (0, 3), (16, 27), (16, 19), (31, 40)]

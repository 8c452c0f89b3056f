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

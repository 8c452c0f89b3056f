"""``annotator stats``: a label counts what it is used for; pending suggestions are not spans."""

import json

from annotator.cli import main
from annotator.core.model import Layer
from annotator.services import preannotate as pa


def test_stats_counts_document_labels_and_keeps_suggestions_apart(sample_project, tmp_path, capsys):
    p = sample_project
    alice = p.annotator("alice")
    stored = {lab.id: 0 for lab in p.labels(Layer.DOCUMENT)}
    for d in p.document_ids():
        for dl in p.document_labels(d):
            stored[dl.label_id] += 1
    assert sum(stored.values()) > 0
    spans_before = len([s for d in p.document_ids() for s in p.spans(d, alice.id)])
    terms = tmp_path / "GPE.txt"
    terms.write_text("Brezno\nKarsk\n")
    report = pa.run(p, pa.make_suggester(p, pa.load_rules(terms)), alice.id)
    pending = len(pa.suggestions(p, alice.id))
    assert pending > 0 and report.suggestions == pending

    assert main(["stats", "--project", str(p.path), "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    by_name = {lab["name"]: lab for lab in s["labels"]}
    for lab in p.labels(Layer.DOCUMENT):
        assert by_name[lab.name]["document_labels"] == stored[lab.id]
    assert by_name["GPE"]["suggestions"] == pending
    me = next(a for a in s["annotators"] if a["name"] == "alice")
    assert (me["spans"], me["suggestions"]) == (spans_before, pending)
    assert me["document_labels"] == sum(len(p.document_labels(d, alice.id)) for d in p.document_ids())

    assert main(["stats", "--project", str(p.path)]) == 0
    table = capsys.readouterr().out
    row = next(line for line in table.splitlines() if line.startswith("AGAINST"))
    assert row.split()[2:4] == [str(stored[p.label_by_name("AGAINST", Layer.DOCUMENT).id]), "docs"]

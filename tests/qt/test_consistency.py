"""Label consistency hints: "Pyongyang" labelled GPE here and ORG in two other documents by the
same annotator shows in the span list, and Ctrl+J (or the row's context menu) jumps there."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.core.model import NewDocument
from annotator.services.importing import import_documents
from annotator.storage import edits
from annotator.storage.consistency import label_uses

DOCS = ["Pyongyang said on Monday that talks were over.", "Officials in Pyongyang denied the report.",
        "A statement from Pyongyang followed.", "Seoul and Pyongyang 😀 traded words."]


def test_the_same_text_labelled_differently_is_hinted_and_jumped_to(qtbot, project, open_window):
    import_documents(project, [NewDocument(t, title=f"d{i}") for i, t in enumerate(DOCS)])
    docs = sorted(project.documents(), key=lambda d: d.id)
    ana, bo = project.ensure_annotator("ana"), project.ensure_annotator("bo")
    gpe, org = (next(lab.id for lab in project.labels() if lab.name == n) for n in ("GPE", "ORG"))

    def tag(doc, who, label):
        s = doc.text.index("Pyongyang")
        return edits.add_span(project, doc.id, who.id, label, s, s + 9, {}).spans[0].after.id

    here = tag(docs[3], ana, gpe)
    tag(docs[0], ana, gpe)
    far = [tag(docs[1], ana, org), tag(docs[2], ana, org)]
    tag(docs[0], bo, org)  # another annotator's label is not a hint for ana
    uses = label_uses(project, ana.id, ["Pyongyang"])["Pyongyang"]
    assert {lab: len(p) for lab, p in uses.items()} == {gpe: 2, org: 2}

    w = open_window(project, "ana")
    w.select_document(docs[3].id)
    qtbot.waitUntil(lambda: here in w.consistency.hints, timeout=10000)
    model = w.span_list.model_
    row = model.row_of(here)
    assert "⚠ also ORG ×2" in model.index(row).data()
    assert "differently elsewhere" in model.index(row).data(Qt.ItemDataRole.ToolTipRole)
    w.select_span(here)
    qtbot.keyClick(w.text_view, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    assert w.current_document_id == docs[1].id and w.text_view.current_span() == far[0]
    qtbot.waitUntil(lambda: far[0] in w.consistency.hints, timeout=10000)  # and from there, back to GPE
    assert "also GPE ×2" in w.span_list.model_.index(w.span_list.model_.row_of(far[0])).data()

    # fixing it (relabel ORG -> GPE here) takes the hint away there
    qtbot.keyClick(w.text_view, Qt.Key.Key_3)
    assert project.span(far[0]).label_id == gpe
    qtbot.waitUntil(lambda: w.consistency.hints.get(far[0], [(None, [])])[0][0] == org
                    and len(w.consistency.hints[far[0]][0][1]) == 1, timeout=10000)

import hashlib
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from annotator.core.errors import ProjectError, ProjectTooNewError, SpanError
from annotator.core.model import Layer, Role, Status
from annotator.storage import Project
from annotator.storage.db import head_revision


def test_create_reopen_and_pragmas(tmp_path, project):
    doc_path = project.path
    alice = project.ensure_annotator("alice")
    project.close()
    again = Project.open(doc_path)
    assert again.annotator("alice") == alice
    with again.read() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    again.close()


def test_new_database_is_at_head_and_matches_models(project):
    with project.engine.connect() as c:
        ctx = MigrationContext.configure(c)
        assert ctx.get_current_revision() == head_revision()
        diffs = compare_metadata(ctx, SQLModel.metadata)
    # the FTS5 shadow tables are ours too, but not models
    diffs = [d for d in diffs if not (d[0] == "remove_table" and d[1].name.startswith("document_fts"))]
    assert diffs == []


def test_frozen_old_schema_is_backed_up_and_migrated(tmp_path):
    """Every released schema version has a frozen SQL dump; the current code must open it."""
    dumps = sorted((Path(__file__).parent.parent / "fixtures" / "projects").glob("schema-*.sql"))
    assert dumps, "keep a frozen dump of each released schema version"
    for dump in dumps:
        path = tmp_path / (dump.stem + ".annotator")
        con = sqlite3.connect(path)
        con.executescript(dump.read_text())
        con.close()
        with Project.open(path) as p:
            assert p.count_documents() >= 1
            assert p.labels()
        if dump.stem != f"schema-{head_revision()}":
            assert list(tmp_path.glob(path.name + ".pre-*.bak")), "an old project is backed up before migrating"


def test_newer_database_is_refused_untouched(tmp_path, project):
    path = project.path
    project.close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = 'zz99'")
    con.commit()
    con.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(ProjectTooNewError, match="newer version"):
        Project.open(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_not_a_project(tmp_path):
    f = tmp_path / "notes.annotator"
    f.write_text("hello")
    with pytest.raises(ProjectError, match="not an annotator project"):
        Project.open(f)
    with pytest.raises(ProjectError, match="no such project"):
        Project.open(tmp_path / "missing.annotator")
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("create table t(x)")
    con.close()
    with pytest.raises(ProjectError, match="not an annotator project"):
        Project.open(other)


def test_span_lifecycle(project):
    from annotator.services.importing import import_documents
    from annotator.core.model import NewDocument

    rep = import_documents(project, [NewDocument("Karsk sent 10,000 troops. 😀 end")])
    doc = rep.document_ids[0]
    a = project.ensure_annotator("alice")
    gpe = project.label_by_name("GPE", Layer.ENTITY)
    s = project.add_span(doc, a.id, gpe.id, 0, 5)
    assert project.status(doc, a.id) == Status.IN_PROGRESS
    claim = project.label_by_name("CLAIM", Layer.CLAIM)
    c = project.add_span(doc, a.id, claim.id, 0, 24, {"stance": "supports"})
    rel = project.add_relation(a.id, c.id, s.id, "claimant")
    assert [x.id for x in project.spans(doc, a.id)] == [s.id, c.id]
    change = project.apply(project.removal_of([s.id]))
    assert [e.before for e in change.relations] == [rel] and project.relations(doc) == []
    project.apply(change.inverse())
    assert project.span(s.id) == s and project.relations(doc) == [rel]
    before, after = project.update_span(s.id, label_id=project.label_by_name("ORG").id)
    assert before.label_id == gpe.id and after.label_id != gpe.id
    for bad in [(3, 3), (5, 6), (-1, 2), (0, 999)]:
        with pytest.raises(SpanError):
            project.add_span(doc, a.id, gpe.id, *bad)
    stance = project.label_by_name("AGAINST", Layer.DOCUMENT)
    assert project.set_document_label(doc, a.id, "stance", stance.id) is None
    assert project.set_document_label(doc, a.id, "stance", None) == stance.id
    assert project.set_status(doc, a.id, Status.DONE) == Status.IN_PROGRESS


def test_gold_annotator_is_hidden_from_annotator_list(project):
    project.ensure_annotator("alice")
    g = project.gold()
    assert g.role == Role.GOLD
    assert [a.name for a in project.annotators()] == ["alice"]


def test_document_list_filters(sample_project):
    p = sample_project
    alice = p.annotator("alice")
    total = p.count_documents()
    done = p.count_documents(annotator_id=alice.id, status=Status.DONE)
    todo = p.count_documents(annotator_id=alice.id, status=Status.TODO)
    assert total == 6 and done == 3 and todo == 3
    assert p.count_documents(search="Brezno") == 4
    assert p.count_documents(search="緊張") == 1
    page = p.list_documents(annotator_id=alice.id, offset=1, limit=2)
    assert [d.id for d in page] == [2, 3] and page[0].stance == "AGAINST"
    assert p.integrity_check() == []


def test_claimant_is_one_relation_and_undo_restores_it(project):
    """A claim's claimant is a ``claimant`` relation to an entity span, and nothing else (no copy,
    no row id in the claim's attributes); deleting the entity removes the link with it, and the
    inverse change brings both back under their ids."""
    from annotator.core.model import NewDocument
    from annotator.services.importing import import_documents
    from annotator.storage import edits

    text = "Hale said 15,000 soldiers are at the border."
    doc = import_documents(project, [NewDocument(text)]).document_ids[0]
    a = project.ensure_annotator("alice")
    hale = project.add_span(doc, a.id, project.label_by_name("PERSON").id, 0, 4)
    claim = project.add_span(doc, a.id, project.label_by_name("CLAIM", Layer.CLAIM).id, 10, 43, {"stance": "supports"})
    linked = project.set_claimant(claim.id, hale.id)
    [rel] = project.relations(doc, a.id)
    assert (rel.head_span_id, rel.tail_span_id, rel.kind) == (claim.id, hale.id, "claimant")
    assert project.span(claim.id).attrs == {"stance": "supports"}
    assert project.claims(doc, a.id)[claim.id].claimant_name(text) == "Hale"
    # unlink, relink
    project.apply(linked.inverse())
    assert project.relations(doc, a.id) == [] and project.claims(doc, a.id)[claim.id].claimant is None
    project.apply(linked)
    assert project.relations(doc, a.id) == [rel]
    # deleting the entity takes the link with it; undo brings both back with their ids
    gone = edits.delete_spans(project, [hale.id])
    assert project.relations(doc) == [] and project.claims(doc, a.id)[claim.id].claimant is None
    project.apply(gone.inverse())
    assert project.span(hale.id) == hale and project.relations(doc) == [rel]
    # a claimant must be in the same document
    other = import_documents(project, [NewDocument("Someone else entirely.")]).document_ids[0]
    ent = project.add_span(other, a.id, project.label_by_name("PERSON").id, 0, 7)
    with pytest.raises(ProjectError):
        project.set_claimant(claim.id, ent.id)

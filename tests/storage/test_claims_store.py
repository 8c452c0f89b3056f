"""Stories and claim links in the project file: migration 0002, repository, undo round trips."""

import sqlite3

import pytest
from alembic import command
from sqlalchemy import inspect

from annotator.core.claim_matching import LinkKind, LinkOrigin
from annotator.core.errors import ProjectError
from annotator.core.model import Layer
from annotator.storage import Project
from annotator.storage.claims import ClaimStore
from annotator.storage.db import alembic_config


def _claims(p, name):
    a = p.annotator(name)
    return a, {s.document_id: s for s in ClaimStore(p).claim_spans([1, 2, 3], a.id)}


def test_stories_edit_and_regroup_keeps_manual(sample_project):
    store = ClaimStore(sample_project)
    auto = store.replace_auto_stories([("border", [1, 2, 3]), ("strike", [4])])
    assert [s.document_ids for s in auto] == [(1, 2, 3), (4,)] and {s.origin for s in auto} == {"auto"}
    before = store.set_story_documents(auto[1].id, [4, 5])
    assert before.document_ids == (4,) and store.story(auto[1].id).origin == "manual"
    store.replace_auto_stories([("again", [1, 2])])
    titles = sorted(s.title for s in store.stories())
    assert titles == ["again", "strike"], "regrouping replaces automatic stories only"
    assert store.manual_document_ids() == {4, 5}
    gone = store.delete_story(auto[1].id)
    assert store.restore_story(gone) == gone
    assert [s.id for s in store.stories_of(5)] == [gone.id]


def test_links_lifecycle_and_cascade(sample_project):
    p = sample_project
    store = ClaimStore(p)
    alice, claims = _claims(p, "alice")
    c1, c2, c3 = claims[1], claims[2], claims[3]
    link = store.add_link(alice.id, c2.id, c1.id, LinkKind.SAME)
    assert (link.source_span_id, link.target_span_id) == (c1.id, c2.id), "symmetric links are canonical"
    with pytest.raises(ProjectError, match="already linked"):
        store.add_link(alice.id, c1.id, c2.id, LinkKind.CONTRADICTS)
    with pytest.raises(ProjectError, match="itself"):
        store.add_link(alice.id, c1.id, c1.id, LinkKind.SAME)
    entity = next(s for s in p.spans(1, alice.id) if p.label(s.label_id).layer == Layer.ENTITY)
    with pytest.raises(ProjectError, match="not a claim"):
        store.add_link(alice.id, c1.id, entity.id, LinkKind.SAME)
    sup = store.add_link(alice.id, c3.id, c1.id, "supports", origin=LinkOrigin.SUGGESTION)
    assert (sup.source_span_id, sup.target_span_id) == (c3.id, c1.id), "supports keeps its direction"
    before, after = store.update_link(sup.id, kind=LinkKind.CONTRADICTS, confirmed=True)
    assert after.kind == LinkKind.CONTRADICTS and after.confirmed and (after.source_span_id < after.target_span_id)
    assert store.set_link(before) == before
    assert store.link_between(alice.id, c1.id, c3.id) == before
    removed = store.delete_link(link.id)
    assert store.restore_link(removed) == link
    # deleting a claim takes its links with it; restoring the span does not invent links
    p.delete_span(c3.id)
    assert [x.id for x in store.links(annotator_id=alice.id)] == [link.id]
    assert p.integrity_check() == []


def test_migration_0002_downgrades_and_upgrades(tmp_path, sample_project):
    path = sample_project.path
    ClaimStore(sample_project).replace_auto_stories([("border", [1, 2, 3])])
    sample_project.close()
    p = Project.open(path)
    with p.engine.connect() as conn:
        conn.info["write"] = True
        with conn.begin():
            command.downgrade(alembic_config(conn), "0001")
            assert not {"story", "story_document", "claim_link"} & set(inspect(conn).get_table_names())
        with conn.begin():
            command.upgrade(alembic_config(conn), "head")
            assert {"story", "story_document", "claim_link"} <= set(inspect(conn).get_table_names())
    p.close()
    con = sqlite3.connect(path)
    assert con.execute("select count(*) from span").fetchone()[0] > 0
    con.close()

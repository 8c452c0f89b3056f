"""Roles: the creator leads; roles change through ``annotator.storage.roles``; on a PostgreSQL
team server a role is the grant row-level security reads."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError

from annotator.core.model import Layer, Role
from annotator.services.sample import seed_sample
from annotator.storage import Project, postgres, roles


def test_sqlite_roles(project):
    assert roles.leads(project) == []
    erin = roles.sign_in(project, "erin")
    assert erin.role == Role.LEAD, "the project had no lead: its creator leads it"
    assert roles.sign_in(project, "frank").role == Role.ANNOTATOR
    assert roles.sign_in(project, "erin") == erin
    with pytest.raises(roles.RoleError, match="only lead"):
        roles.set_role(project, "erin", Role.ANNOTATOR)
    assert roles.set_role(project, "frank", "lead") == (Role.ANNOTATOR, project.annotator("frank"))
    assert roles.set_role(project, "erin", "annotator")[1].role == Role.ANNOTATOR
    project.gold()
    with pytest.raises(roles.RoleError, match="adjudicated set"):
        roles.set_role(project, "gold", Role.LEAD)
    with pytest.raises(roles.RoleError, match="adjudicated set"):
        roles.add_annotator(project, "gold")
    with pytest.raises(roles.RoleError, match="role must be one of"):
        roles.add_annotator(project, "hal", "gold")
    with pytest.raises(roles.RoleError, match="already in this project"):
        roles.add_annotator(project, "frank")
    assert [(a.name, a.role) for a in project.annotators()] == [("erin", Role.ANNOTATOR), ("frank", Role.LEAD)]


@pytest.fixture
def team(pg_cluster, pg_database):
    """A server project owned by its lead, in team mode, with alice and bo as annotator logins."""
    url = pg_database(owner="lead")
    owner = Project.create(url)
    seed_sample(owner)
    with owner.write() as c:
        postgres.add_annotator(c, "alice")
        postgres.add_annotator(c, "bo")
    yield owner, postgres.database_name(url)
    owner.close()


def test_postgresql_roles_are_server_grants(pg_cluster, team):
    owner, db = team
    alice_id, bo_id = owner.annotator("alice").id, owner.annotator("bo").id
    bo_spans = owner.span_count(bo_id)
    assert roles.sign_in(owner, "lead").role == Role.LEAD, "the login that owns the project leads it"
    with Project(pg_cluster.url(db, "alice")) as alice:
        assert roles.sign_in(alice, "alice").role == Role.ANNOTATOR, "an annotator's login never claims lead"
        assert alice.span_count(bo_id) == 0
        with pytest.raises(DBAPIError, match="permission denied"):
            roles.set_role(alice, "alice", Role.LEAD)
    roles.set_role(owner, "alice", Role.LEAD)
    with Project(pg_cluster.url(db, "alice")) as alice:
        # a lead sees everyone's work and writes the adjudicated set and review records
        assert alice.span_count(bo_id) == bo_spans > 0
        gold = alice.gold()
        did = alice.document_ids()[0]
        alice.add_span(did, gold.id, alice.label_by_name("GPE", Layer.ENTITY).id, 0, 3)
        from annotator.core.changes import Change, Edit, ReviewState

        alice.apply(Change(reviews=(Edit(None, ReviewState(did, {"rejected": [["entity", 0, 3]]})),)))
        assert alice.annotator("alice").role == Role.LEAD
    roles.set_role(owner, "alice", Role.ANNOTATOR)
    with Project(pg_cluster.url(db, "alice")) as alice:
        assert alice.span_count(bo_id) == 0, "back to her own rows"
        assert alice.span_count() == alice.span_count(alice_id)

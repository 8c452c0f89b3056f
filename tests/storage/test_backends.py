"""The ``Project`` API on both backends (SQLite file, PostgreSQL server), row-level security on
PostgreSQL, and several annotator processes editing one project at once."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from annotator.core.errors import ProjectError, SpanError
from annotator.core.model import Layer, NewDocument, Role, Status
from annotator.services.bundles import export_bundle, read_bundle
from annotator.services.importing import import_documents
from annotator.services.sample import seed_sample
from annotator.storage import Project, postgres
from annotator.storage.counts import project_stats
from annotator.storage.project import D, S

HARD = "Cafe\u0301 in 北京: “We 👍🏽 it,” José said.\r\nSecond line."


@pytest.fixture
def sample(backend):
    p = backend("sample")
    seed_sample(p)
    return p


def test_spans_statuses_labels_relations(backend):
    p = backend("p")
    seed_sample(p, with_annotations=False)
    rep = import_documents(p, [NewDocument(HARD, "Hard")])
    did = rep.document_ids[0]
    doc = p.document(did)
    assert "\r" not in doc.text and doc.text.startswith("Café in 北京")
    alice = p.ensure_annotator("alice")
    assert p.ensure_annotator("alice") == alice and p.annotator("alice") == alice
    person = p.label_by_name("PERSON", Layer.ENTITY)
    start = doc.text.index("José")
    s = p.add_span(did, alice.id, person.id, start, start + 4, {"note": "ü"})
    assert doc.text[s.start:s.end] == "José" and p.status(did, alice.id) == Status.IN_PROGRESS
    with pytest.raises(SpanError):
        p.add_span(did, alice.id, person.id, 0, len(doc.text) + 1)
    claim = p.add_span(did, alice.id, p.label_by_name("CLAIM", Layer.CLAIM).id, doc.text.index("We"),
                       doc.text.index("it,") + 2, {"stance": "supports"})
    rel = p.add_relation(alice.id, claim.id, s.id, "claimant")
    assert p.relations(did, alice.id) == [rel]
    before, after = p.update_span(s.id, label_id=p.label_by_name("ORG", Layer.ENTITY).id)
    assert before.label_id == person.id and after.attrs == {"note": "ü"}
    change = p.apply(p.removal_of([s.id]))
    assert [e.before for e in change.relations] == [rel] and p.relations(did) == []
    p.apply(change.inverse())  # undo: same ids back
    assert p.span(s.id).start == start and p.relations(did) == [rel]
    favor = p.label_by_name("FAVOR", Layer.DOCUMENT)
    assert p.set_document_label(did, alice.id, "stance", favor.id) is None
    assert p.set_document_label(did, alice.id, "stance", None) == favor.id
    assert p.set_status(did, alice.id, Status.DONE) == Status.IN_PROGRESS
    assert p.statuses(alice.id) == {(did, alice.id): Status.DONE}
    assert p.gold().role == Role.GOLD and "gold" not in [a.name for a in p.annotators()]
    p.set_setting("k", {"a": [1, "ß"]})
    assert p.get_setting("k") == {"a": [1, "ß"]}
    st = project_stats(p)  # what `annotator stats` prints
    [a] = [a for a in st["annotators"] if a["name"] == "alice"]
    assert st["documents"] == 7 and (a["role"], a["spans"], a["done"], a["document_labels"]) == ("annotator", 2, 1, 0)
    assert p.integrity_check() == []


def test_document_list_search_and_filters(sample):
    bo = sample.annotator("bo")
    assert sample.count_documents() == 6
    assert sample.count_documents(search="Brezno") == 4
    assert sample.count_documents(search="brez") == 4  # prefix, any case
    assert sample.count_documents(search="Brezno nonexistentword") == 0
    assert sample.count_documents(search='"; DROP TABLE document; --') == 0
    listed = sample.list_documents(search="Brezno", limit=3)
    assert len(listed) == 3 and [d.id for d in listed] == sorted(d.id for d in listed)
    done = sample.list_documents(annotator_id=bo.id, status=Status.DONE)
    assert len(done) == 3 and all(d.status == Status.DONE for d in done)
    todo = sample.count_documents(annotator_id=bo.id, status=Status.TODO)
    assert todo + len(done) + sample.count_documents(annotator_id=bo.id, status=Status.IN_PROGRESS) == 6


# ------------------------------------------------------------------------------- PostgreSQL only
@pytest.fixture
def team(pg_cluster, pg_database):
    """A project on the server owned by its lead, with alice and bo as annotator roles."""
    url = pg_database(owner="lead")
    lead = Project.create(url)
    seed_sample(lead)
    with lead.write() as c:
        postgres.add_annotator(c, "alice", "alice-secret")
        postgres.add_annotator(c, "bo")
    db = postgres.database_name(url)
    yield lead, db
    lead.close()


def test_row_level_security_keeps_annotators_to_their_own_rows(tmp_path, pg_cluster, team):
    lead, db = team
    alice_id, bo_id = lead.annotator("alice").id, lead.annotator("bo").id
    bo_spans = lead.span_count(bo_id)
    assert bo_spans > 0
    with Project(pg_cluster.url(db, "alice")) as alice:
        # she sees the documents and labels, and only her own work
        assert alice.count_documents() == 6 and alice.labels()
        assert alice.span_count() == alice.span_count(alice_id) == lead.span_count(alice_id)
        assert alice.span_count(bo_id) == 0
        did = alice.document_ids()[0]
        org = alice.label_by_name("ORG", Layer.ENTITY).id
        alice.add_span(did, alice_id, org, 0, 3)
        # another annotator's rows: invisible, so not deletable; inserting as bo is refused
        with alice.write() as c:
            assert c.execute(delete(S).where(S.c.annotator_id == bo_id)).rowcount == 0
        with pytest.raises(DBAPIError, match="row-level security"):
            alice.add_span(did, bo_id, org, 0, 3)
        with pytest.raises(DBAPIError, match="row-level security"):
            alice.set_status(did, bo_id, Status.DONE)
        with pytest.raises(DBAPIError, match="permission denied"):
            with alice.write() as c:
                c.execute(update(D).values(title="hijacked"))
        with pytest.raises(DBAPIError, match="row-level security"):
            alice.ensure_annotator("mallory", Role.LEAD)
        # her own bundle holds her work only
        out = tmp_path / "alice.annbundle"
        export_bundle(alice, "alice", out)
        assert read_bundle(out).span_count == lead.span_count(alice_id)
    assert lead.span_count(bo_id) == bo_spans
    assert lead.span_count(alice_id) == read_bundle(out).span_count
    assert "hijacked" not in [d.title for d in lead.list_documents()]


def test_bad_url_and_foreign_database_are_refused(pg_cluster, pg_database):
    with pytest.raises(ProjectError, match="cannot connect"):
        Project(pg_cluster.url("no_such_database"))
    url = pg_database()
    eng = postgres.make_engine(url)
    with eng.begin() as c:
        c.execute(text("CREATE TABLE other (x int)"))
    eng.dispose()
    with pytest.raises(ProjectError, match="not an annotator project"):
        Project(url)


WORKER = textwrap.dedent("""
    import sys
    from annotator.core.model import Layer, Status
    from annotator.storage import Project

    url, name, edits = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with Project(url) as p:
        me = p.ensure_annotator(name)
        label = p.label_by_name("GPE", Layer.ENTITY).id
        docs = p.document_ids()
        for i in range(edits):
            did = docs[i % len(docs)]
            p.add_span(did, me.id, label, i % 7, i % 7 + 3)
            if i % 10 == 9:
                p.set_status(did, me.id, Status.DONE)
""")


@pytest.mark.slow
@pytest.mark.parametrize("where", ["postgresql", "sqlite"])
def test_concurrent_annotator_processes_lose_nothing(tmp_path, where, request):
    n, edits = 4, 40
    if where == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
        url = request.getfixturevalue("pg_database")(owner="lead")
        lead = Project.create(url)
        seed_sample(lead, with_annotations=False)
        names = [f"w{i}" for i in range(n)]
        with lead.write() as c:
            for name in names:
                postgres.add_annotator(c, name)
        urls = [cluster.url(postgres.database_name(url), name) for name in names]
    else:
        path = tmp_path / "shared.annotator"
        lead = Project.create(path)
        seed_sample(lead, with_annotations=False)
        names = [f"w{i}" for i in range(n)]
        urls = [str(path)] * n
    env = {**os.environ}
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, u, name, str(edits)], env=env, stderr=subprocess.PIPE,
                              text=True) for u, name in zip(urls, names)]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    for name in names:
        who = lead.annotator(name)
        assert lead.span_count(who.id) == edits
        assert sum(s == Status.DONE for s in lead.statuses(who.id).values()) == len({(i % 6) for i in range(9, edits, 10)})
    assert lead.span_count() == n * edits
    lead.close()

"""Attacks on a team project on PostgreSQL, made as a hostile annotator would: plain SQL over
psycopg, logged in as ``alice`` (a member of the project's annotator group, set up by
``annotator team add`` exactly as docs/teams.md says). Every attempt must fail: refused by the
server, or affecting nothing; and whatever was tried, the lead's view of everyone's work and of
gold is unchanged afterwards. The lead can still do what docs/teams.md says leads do.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

import psycopg
import pytest
from psycopg import errors as pgerr

from annotator.core.model import Layer, Status
from annotator.services.sample import seed_sample
from annotator.storage import Project, postgres

DENIED = "denied"  # the server refuses with an error
NOTHING = "nothing"  # no error, but no row of anyone else is read, changed or written


@dataclass
class Team:
    cluster: postgres.LocalCluster
    db: str
    ids: dict[str, object]

    def conninfo(self, user: str, db: str | None = None) -> str:
        return f"host=127.0.0.1 port={self.cluster.port} dbname={db or self.db} user={user}"

    def connect(self, user: str, db: str | None = None) -> psycopg.Connection:
        return psycopg.connect(self.conninfo(user, db), autocommit=True)

    def snapshot(self) -> str:
        """Every row of every table, as the server's superuser reads them."""
        h = hashlib.sha256()
        with self.connect(self.cluster.superuser) as c:
            tables = [r[0] for r in c.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
            for t in tables:
                for row in c.execute(f'SELECT * FROM public."{t}" ORDER BY 1'):
                    h.update(repr((t, row)).encode())
            for r in c.execute("SELECT rolname, rolsuper, rolcreaterole, rolbypassrls, rolcanlogin "
                               "FROM pg_roles ORDER BY 1"):
                h.update(repr(r).encode())
            for r in c.execute("SELECT roleid::regrole::text, member::regrole::text FROM pg_auth_members ORDER BY 1, 2"):
                h.update(repr(r).encode())
            for r in c.execute("SELECT relname, relrowsecurity, relforcerowsecurity, relacl::text FROM pg_class "
                               "WHERE relnamespace = 'public'::regnamespace ORDER BY 1"):
                h.update(repr(r).encode())
            for r in c.execute("SELECT polrelid::regclass::text, polname, pg_get_expr(polqual, polrelid), "
                               "pg_get_expr(polwithcheck, polrelid) FROM pg_policy ORDER BY 1, 2"):
                h.update(repr(r).encode())
            for r in c.execute("SELECT proname, prosrc, proconfig::text, prosecdef FROM pg_proc "
                               "WHERE pronamespace = 'public'::regnamespace ORDER BY 1"):
                h.update(repr(r).encode())
        return h.hexdigest()


@pytest.fixture(scope="module")
def team(pg_cluster):
    """lead owns the database; alice and bo are annotators (team add); gold has a span."""
    db = f"t_{uuid.uuid4().hex[:12]}"
    url = pg_cluster.create_database(db, "lead")
    with Project.create(url) as lead:
        seed_sample(lead)
        with lead.write() as c:
            postgres.add_annotator(c, "alice", "alice-secret")
            postgres.add_annotator(c, "bo", "bo-secret")
        alice, bo, gold = lead.annotator("alice"), lead.annotator("bo"), lead.gold()
        did = lead.document_ids()[0]
        org = lead.label_by_name("ORG", Layer.ENTITY).id
        claim = lead.label_by_name("CLAIM", Layer.CLAIM).id
        gold_span = lead.add_span(did, gold.id, org, 0, 3)
        a1 = lead.add_span(did, alice.id, claim, 0, 5)
        a2 = lead.add_span(did, alice.id, org, 6, 9)
        b1 = lead.add_span(did, bo.id, claim, 0, 5)
        b2 = lead.add_span(did, bo.id, org, 6, 9)
        bo_rel = lead.add_relation(bo.id, b1.id, b2.id, "claimant")
        lead.set_status(did, bo.id, Status.DONE)
        lead.set_setting(f"preannotate.rejected.{bo.id}", [[did, 0, 3, org]])
        lead.set_setting("ui.place.bo", {"document": did, "scroll": 0, "cursor": 0})
        with lead.write() as c:
            group = postgres.team_role(c)
    ids = dict(alice=alice.id, bo=bo.id, gold=gold.id, doc=did, org=org, claim=claim, gold_span=gold_span.id,
               alice_span=a1.id, alice_span2=a2.id, bo_span=b1.id, bo_span2=b2.id, bo_rel=bo_rel.id,
               group=group, db=db, missing_span=10**6)
    return Team(pg_cluster, db, ids)


# (id, statements run in order as alice, expected outcome of the sequence)
ATTACKS: list[tuple[str, list[str], str]] = [
    # --- another annotator's rows and gold, over plain SQL
    ("read-bo-spans", ["SELECT * FROM span WHERE annotator_id = {bo}"], NOTHING),
    ("read-gold-spans", ["SELECT * FROM span WHERE annotator_id = {gold}"], NOTHING),
    ("read-all-spans", ["SELECT * FROM span WHERE annotator_id <> {alice}"], NOTHING),
    ("read-all-document-labels", ["SELECT * FROM document_label WHERE annotator_id <> {alice}"], NOTHING),
    ("read-bo-statuses", ["SELECT * FROM document_status WHERE annotator_id = {bo}"], NOTHING),
    ("read-bo-relations", ["SELECT * FROM relation WHERE annotator_id = {bo}"], NOTHING),
    ("update-bo-span", ["UPDATE span SET start = 1 WHERE annotator_id = {bo}"], NOTHING),
    ("update-gold-span", ["UPDATE span SET label_id = {claim} WHERE id = {gold_span}"], NOTHING),
    ("delete-bo-spans", ["DELETE FROM span WHERE annotator_id = {bo}"], NOTHING),
    ("delete-bo-status", ["DELETE FROM document_status WHERE annotator_id = {bo}"], NOTHING),
    ("delete-bo-relation", ["DELETE FROM relation WHERE id = {bo_rel}"], NOTHING),
    ("insert-span-as-bo", ["INSERT INTO span (document_id, annotator_id, label_id, start, \"end\", attrs, origin, "
                           "created_at, updated_at) VALUES ({doc}, {bo}, {org}, 0, 3, '{{}}', 'manual', 0, 0)"], DENIED),
    ("insert-span-as-gold", ["INSERT INTO span (document_id, annotator_id, label_id, start, \"end\", attrs, origin, "
                             "created_at, updated_at) VALUES ({doc}, {gold}, {org}, 0, 3, '{{}}', 'manual', 0, 0)"],
     DENIED),
    ("insert-status-as-bo", ["INSERT INTO document_status VALUES ({doc}, {bo}, 'done', 0)"], DENIED),
    ("move-own-span-to-gold", ["UPDATE span SET annotator_id = {gold} WHERE id = {alice_span}"], DENIED),
    ("upsert-over-bo-status", ["INSERT INTO document_status VALUES ({doc}, {bo}, 'todo', 0) "
                               "ON CONFLICT (document_id, annotator_id) DO UPDATE SET status = 'todo'"], DENIED),
    ("copy-into-span", ["COPY span (document_id, annotator_id, label_id, start, \"end\", attrs) FROM PROGRAM 'true'"],
     DENIED),
    # --- documents, labels, settings, annotators: read-only to annotators
    ("update-document", ["UPDATE document SET title = 'hijacked'"], DENIED),
    ("delete-document", ["DELETE FROM document"], DENIED),
    ("insert-label", ["INSERT INTO label (name, layer, color, description, position) "
                      "VALUES ('X', 'entity', '#000', '', 0)"], DENIED),
    ("leaky-where-division", ["SELECT * FROM span WHERE annotator_id = {bo} AND 1 / (start - start) = 1"], NOTHING),
    ("leaky-where-case", ["SELECT * FROM span WHERE CASE WHEN annotator_id = {bo} THEN 1 / (start - start) ELSE 0 END = 1"],
     NOTHING),
    ("update-shared-setting", ["UPDATE setting SET value = '\"x\"' WHERE key = 'stance_target'"], DENIED),
    ("write-bo-setting", ["INSERT INTO setting VALUES ('ui.place.bo', '{{}}') ON CONFLICT (key) DO UPDATE "
                          "SET value = '{{}}'"], DENIED),
    ("read-bo-rejections", ["SELECT * FROM setting WHERE key LIKE 'preannotate.rejected.%' "
                            "AND key <> 'preannotate.rejected.{alice}'"], NOTHING),
    ("read-bo-place", ["SELECT * FROM setting WHERE key = 'ui.place.bo'"], NOTHING),
    ("promote-self", ["UPDATE annotator SET role = 'lead' WHERE name = 'alice'"], DENIED),
    ("rename-self-to-bo", ["UPDATE annotator SET name = 'bo2' WHERE name = 'alice'"], DENIED),
    ("add-lead-annotator-row", ["INSERT INTO annotator (name, role) VALUES ('mallory', 'lead')"], DENIED),
    ("add-gold-row", ["INSERT INTO annotator (name, role) VALUES ('alice', 'gold')"], DENIED),
    # --- the reported bypass: a temporary table shadowing "annotator" (and its variants)
    ("temp-table-shadow", ["CREATE TEMP TABLE annotator (id integer, name text, role text)",
                           "INSERT INTO pg_temp.annotator VALUES ({bo}, 'alice', 'annotator')",
                           "GRANT SELECT ON pg_temp.annotator TO PUBLIC",
                           "SELECT * FROM span WHERE annotator_id = {bo}"], DENIED),
    ("temp-table-shadow-gold", ["CREATE TEMP TABLE annotator (id integer, name text, role text)",
                                "INSERT INTO pg_temp.annotator VALUES ({gold}, 'alice', 'annotator')",
                                "GRANT SELECT ON pg_temp.annotator TO PUBLIC",
                                "INSERT INTO span (document_id, annotator_id, label_id, start, \"end\", attrs, "
                                "origin, created_at, updated_at) VALUES ({doc}, {gold}, {org}, 0, 3, '{{}}', "
                                "'manual', 0, 0)"], DENIED),
    ("temp-function-shadow", ["CREATE FUNCTION pg_temp.annotator_me() RETURNS integer LANGUAGE sql "
                              "AS 'SELECT {bo}'", "SELECT * FROM span WHERE annotator_id = {bo}"], DENIED),
    ("temp-view-shadow", ["CREATE TEMP VIEW annotator AS SELECT {bo} AS id, 'alice'::varchar AS name, "
                          "'annotator'::varchar AS role", "SELECT * FROM span WHERE annotator_id = {bo}"], DENIED),
    ("replace-annotator-me", ["CREATE OR REPLACE FUNCTION public.annotator_me() RETURNS integer LANGUAGE sql "
                              "AS 'SELECT {bo}'"], DENIED),
    ("public-table-shadow", ["CREATE TABLE public.evil (id int)"], DENIED),
    ("public-operator-shadow", ["CREATE FUNCTION public.eq_any(varchar, name) RETURNS boolean LANGUAGE sql "
                                "AS 'SELECT true'"], DENIED),
    ("search-path-games", ["SET search_path = pg_temp, public", "SELECT * FROM span WHERE annotator_id = {bo}"],
     NOTHING),
    # --- roles
    ("set-role-lead", ["SET ROLE lead"], DENIED),
    ("set-session-authorization-bo", ["SET SESSION AUTHORIZATION bo"], DENIED),
    ("set-role-group-then-read", ["SET ROLE {group}", "SELECT * FROM span WHERE annotator_id = {bo}"], NOTHING),
    ("alter-self-superuser", ["ALTER ROLE alice SUPERUSER"], DENIED),
    ("alter-self-bypassrls", ["ALTER ROLE alice BYPASSRLS"], DENIED),
    ("alter-self-createrole", ["ALTER ROLE alice CREATEROLE"], DENIED),
    ("grant-lead-to-self", ["GRANT lead TO alice"], DENIED),
    ("grant-group-to-outsider", ["GRANT {group} TO postgres"], DENIED),
    ("create-role", ["CREATE ROLE mallory LOGIN"], DENIED),
    ("change-bo-password", ["ALTER ROLE bo PASSWORD 'owned'"], DENIED),
    # --- turning row-level security off
    ("disable-rls", ["ALTER TABLE span DISABLE ROW LEVEL SECURITY"], DENIED),
    ("drop-policy", ["DROP POLICY own_work ON span"], DENIED),
    ("create-permissive-policy", ["CREATE POLICY open ON span USING (true)"], DENIED),
    ("row-security-off", ["SET row_security = off", "SELECT * FROM span"], DENIED),
    ("alter-function", ["ALTER FUNCTION annotator_me() SECURITY INVOKER"], DENIED),
    # --- DDL, TRUNCATE, server files
    ("create-schema", ["CREATE SCHEMA evil"], DENIED),
    ("add-column", ["ALTER TABLE span ADD COLUMN x int"], DENIED),
    ("drop-table", ["DROP TABLE span"], DENIED),
    ("create-trigger", ["CREATE TRIGGER t BEFORE INSERT ON span FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()"], DENIED),
    ("truncate-span", ["TRUNCATE span"], DENIED),
    ("truncate-document", ["TRUNCATE document CASCADE"], DENIED),
    ("create-extension", ["CREATE EXTENSION pgcrypto"], DENIED),
    ("create-untrusted-extension", ["CREATE EXTENSION dblink"], DENIED),
    ("read-server-file", ["SELECT pg_read_file('PG_VERSION')"], DENIED),
    ("lock-documents", ["LOCK TABLE document IN ACCESS EXCLUSIVE MODE"], DENIED),
    # --- metadata and oracles
    ("read-span-sequence", ["SELECT last_value FROM span_id_seq"], DENIED),
    ("setval-span-sequence", ["SELECT setval('span_id_seq', 1)"], DENIED),
    ("column-statistics", ["ANALYZE span", "SELECT * FROM pg_stats WHERE tablename = 'span'"], NOTHING),
    ("fk-oracle-relation-to-bo-span", ["INSERT INTO relation (annotator_id, head_span_id, tail_span_id, kind, attrs) "
                                       "VALUES ({alice}, {alice_span}, {bo_span2}, 'claimant', '{{}}')"], DENIED),
    ("fk-oracle-relation-to-missing-span", ["INSERT INTO relation (annotator_id, head_span_id, tail_span_id, kind, "
                                            "attrs) VALUES ({alice}, {alice_span}, {missing_span}, 'claimant', "
                                            "'{{}}')"], DENIED),
    ("fk-oracle-claim-link", ["INSERT INTO claim_link (annotator_id, source_span_id, target_span_id, kind, origin, "
                              "confirmed, attrs, created_at, updated_at) VALUES ({alice}, {alice_span}, {bo_span}, "
                              "'same', 'manual', false, '{{}}', 0, 0)"], DENIED),
    ("repoint-own-relation", ["INSERT INTO relation (annotator_id, head_span_id, tail_span_id, kind, attrs) "
                              "VALUES ({alice}, {alice_span}, {alice_span2}, 'claimant', '{{}}')",
                              "UPDATE relation SET tail_span_id = {bo_span2} WHERE annotator_id = {alice}"], DENIED),
]


@dataclass
class Outcome:
    error: psycopg.Error | None
    rows: list
    rowcount: int
    step: int


def run_as(team: Team, user: str, statements: list[str]) -> Outcome:
    """Run the statements in one transaction, stop at the first error, and roll back (an
    attack that worked must not spoil the next one: its outcome is what the test checks)."""
    rows: list = []
    rowcount = 0
    conn = psycopg.connect(team.conninfo(user))
    try:
        for i, sql in enumerate(statements):
            try:
                cur = conn.execute(sql.format(**team.ids))
            except psycopg.Error as e:
                return Outcome(e, [], 0, i)
            rows = cur.fetchall() if cur.description else []
            rowcount = cur.rowcount
        return Outcome(None, rows, rowcount, len(statements) - 1)
    finally:
        conn.rollback()
        conn.close()


@pytest.mark.parametrize("statements,expected", [a[1:] for a in ATTACKS], ids=[a[0] for a in ATTACKS])
def test_annotator_attack_fails(team, statements, expected):
    before = team.snapshot()
    out = run_as(team, "alice", statements)
    if expected == DENIED:
        assert out.error is not None, f"the server accepted it: {out.rows[:3]} rowcount={out.rowcount}"
        # refused for lack of a right, never for a reason that depends on others' data
        assert out.error.sqlstate in ("42501", "0A000", "28000", "22023", "55000", "42P17"), \
            f"{out.error.sqlstate}: {out.error}"
    else:
        assert out.error is None, str(out.error)
        assert out.rows == [] and out.rowcount <= 0, (out.rows[:3], out.rowcount)
    # nothing changed, whatever happened
    assert team.snapshot() == before


def test_foreign_keys_are_no_oracle(team):
    """An id of bo's span and an id nobody has give the same refusal, word for word."""
    ins = ("INSERT INTO relation (annotator_id, head_span_id, tail_span_id, kind, attrs) "
           "VALUES ({alice}, {alice_span}, %s, 'claimant', '{{}}')")
    a = run_as(team, "alice", [ins.replace("%s", "{bo_span2}")])
    b = run_as(team, "alice", [ins.replace("%s", "{missing_span}")])
    assert a.error is not None and b.error is not None
    assert (a.error.sqlstate, str(a.error)) == (b.error.sqlstate, str(b.error))


def test_temp_table_bypass_fails_even_where_temp_tables_are_allowed(team):
    """Defence in depth: a server administrator grants TEMP back to everyone (or to alice);
    the function that says who the session is still ignores her temporary objects."""
    with team.connect(team.cluster.superuser) as su:
        su.execute(f'GRANT TEMP ON DATABASE "{team.db}" TO alice')
    try:
        before = team.snapshot()
        for attack in (
            ["CREATE TEMP TABLE annotator (id integer, name varchar, role varchar)",
             "INSERT INTO pg_temp.annotator VALUES ({bo}, 'alice', 'annotator'), ({gold}, 'alice', 'annotator')",
             "GRANT SELECT ON pg_temp.annotator TO PUBLIC",
             "SET search_path = pg_temp, public",
             "SELECT * FROM span WHERE annotator_id IN ({bo}, {gold})"],
            ["CREATE FUNCTION pg_temp.annotator_me() RETURNS integer LANGUAGE sql AS 'SELECT {bo}'",
             "SET search_path = pg_temp, public",
             "SELECT * FROM span WHERE annotator_id = {bo}"],
            ["CREATE TEMP TABLE annotator (id integer, name varchar, role varchar)",
             "INSERT INTO pg_temp.annotator VALUES ({bo}, 'alice', 'annotator')",
             "DELETE FROM span WHERE annotator_id = {bo}"],
        ):
            out = run_as(team, "alice", attack)
            assert out.error is None, f"setup should work once TEMP is granted: {out.error}"
            assert out.rows == [] and out.rowcount <= 0
        out = run_as(team, "alice", [
            "CREATE TEMP TABLE annotator (id integer, name varchar, role varchar)",
            "INSERT INTO pg_temp.annotator VALUES ({gold}, 'alice', 'annotator')",
            "INSERT INTO span (document_id, annotator_id, label_id, start, \"end\", attrs, origin, created_at, "
            "updated_at) VALUES ({doc}, {gold}, {org}, 0, 3, '{{}}', 'manual', 0, 0)"])
        assert out.error is not None and "row-level security" in str(out.error)
        assert team.snapshot() == before
    finally:
        with team.connect(team.cluster.superuser) as su:
            su.execute(f'REVOKE TEMP ON DATABASE "{team.db}" FROM alice')


def test_annotator_does_her_own_work_over_sql(team):
    """The same session that every attack failed in can do all of alice's own work."""
    ids = team.ids
    with team.connect("alice") as c:
        mine = c.execute("SELECT id FROM span").fetchall()
        assert {r[0] for r in mine} >= {ids["alice_span"], ids["alice_span2"]}
        assert all(r[0] == ids["alice"] for r in c.execute("SELECT annotator_id FROM span"))
        with c.transaction(force_rollback=True):
            sid = c.execute("INSERT INTO span (document_id, annotator_id, label_id, start, \"end\", attrs, origin, "
                            "created_at, updated_at) VALUES (%s, %s, %s, 1, 4, '{}', 'manual', 0, 0) RETURNING id",
                            (ids["doc"], ids["alice"], ids["org"])).fetchone()[0]
            c.execute("INSERT INTO relation (annotator_id, head_span_id, tail_span_id, kind, attrs) "
                      "VALUES (%s, %s, %s, 'claimant', '{}')", (ids["alice"], ids["alice_span"], sid))
            assert c.execute("UPDATE span SET start = 2 WHERE id = %s", (sid,)).rowcount == 1
            c.execute("INSERT INTO document_status VALUES (%s, %s, 'done', 0) ON CONFLICT (document_id, annotator_id) "
                      "DO UPDATE SET status = 'done'", (ids["doc"], ids["alice"]))
            c.execute("INSERT INTO setting VALUES ('ui.place.alice', '{}') ON CONFLICT (key) "
                      "DO UPDATE SET value = '{\"document\": 1}'")
            c.execute("INSERT INTO setting VALUES (%s, '[]') ON CONFLICT (key) DO UPDATE SET value = '[[1]]'",
                      (f"preannotate.rejected.{ids['alice']}",))
            assert c.execute("DELETE FROM span WHERE id = %s", (sid,)).rowcount == 1
        assert c.execute("SELECT count(*) FROM document").fetchone()[0] == 6
        assert c.execute("SELECT count(*) FROM annotator").fetchone()[0] >= 5


def test_lead_does_what_the_docs_say(team):
    """The lead owns the tables: reads everyone's work, edits documents, labels, settings,
    gold, and can undo (re-insert) under old ids."""
    ids = team.ids
    with team.connect("lead") as c, c.transaction(force_rollback=True):
        seen = {r[0] for r in c.execute("SELECT DISTINCT annotator_id FROM span")}
        assert {ids["alice"], ids["bo"], ids["gold"]} <= seen
        c.execute("UPDATE document SET title = title || '' WHERE id = %s", (ids["doc"],))
        c.execute("INSERT INTO label (name, layer, color, description, position) VALUES ('NEW', 'entity', '#000', '', 99)")
        c.execute("UPDATE setting SET value = '\"x\"' WHERE key = 'stance_target'")
        c.execute("UPDATE span SET label_id = %s WHERE id = %s", (ids["claim"], ids["gold_span"]))
        c.execute("SELECT last_value FROM span_id_seq")
        c.execute("SELECT value FROM setting WHERE key = 'ui.place.bo'")
        c.execute("DELETE FROM span WHERE annotator_id = %s", (ids["bo"],))


# ------------------------------------------------------------------------------- the lead's setup
@pytest.fixture
def fresh_team(pg_cluster, pg_database):
    url = pg_database(owner="lead")
    with Project.create(url) as lead:
        seed_sample(lead, with_annotations=False)
    return url


@pytest.mark.subprocess
def test_team_enable_refuses_a_schema_everyone_may_write(pg_cluster, fresh_team, cli):
    """PostgreSQL 14 and older let everyone create objects in schema public, which is owned by
    the server's superuser there: the lead cannot revoke that, so team enable says what to do."""
    db = postgres.database_name(fresh_team)
    su = f"host=127.0.0.1 port={pg_cluster.port} dbname={db} user={pg_cluster.superuser}"
    with psycopg.connect(su, autocommit=True) as c:  # as an old server sets it up
        c.execute("ALTER SCHEMA public OWNER TO postgres")
        c.execute("GRANT CREATE ON SCHEMA public TO PUBLIC")
    r = cli("team", "enable", "--project", fresh_team)
    assert r.returncode == 3 and "ALTER SCHEMA public OWNER TO lead" in r.stderr and "Traceback" not in r.stderr
    with psycopg.connect(su, autocommit=True) as c:  # the administrator does what it said
        c.execute("ALTER SCHEMA public OWNER TO lead")
    cli("team", "enable", "--project", fresh_team, check=0)
    cli("team", "add", "alice", "--no-password", "--project", fresh_team, check=0)
    with psycopg.connect(f"host=127.0.0.1 port={pg_cluster.port} dbname={db} user=alice") as c:
        with pytest.raises(pgerr.InsufficientPrivilege):
            c.execute("CREATE TABLE public.annotator_shadow (id int)")


@pytest.mark.subprocess
def test_team_enable_again_closes_what_an_older_version_opened(pg_cluster, fresh_team, cli):
    """An older version granted SELECT on every sequence and left TEMP to everyone: running
    'team enable' again after the upgrade (as docs/teams.md says) takes both back."""
    cli("team", "add", "alice", "--no-password", "--project", fresh_team, check=0)
    db = postgres.database_name(fresh_team)
    with Project(fresh_team) as lead, lead.write() as c:
        group = postgres.team_role(c)
        c.exec_driver_sql(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{group}"')
        c.exec_driver_sql(f'GRANT TEMPORARY ON DATABASE "{db}" TO PUBLIC')
    cli("team", "enable", "--project", fresh_team, check=0)
    alice = f"host=127.0.0.1 port={pg_cluster.port} dbname={db} user=alice"
    for sql in ("SELECT last_value FROM span_id_seq", "CREATE TEMP TABLE annotator (id int)"):
        with psycopg.connect(alice) as c, pytest.raises(pgerr.InsufficientPrivilege):
            c.execute(sql)


@pytest.mark.subprocess
@pytest.mark.parametrize("name,message", [
    ("gold", "the project's gold annotator row"),
    ("lead", "is you, the lead"),
    ("postgres", "privileged"),
])
def test_team_add_refuses_logins_that_would_not_be_plain_annotators(fresh_team, cli, name, message):
    with Project(fresh_team) as lead:
        lead.gold()
    r = cli("team", "add", name, "--no-password", "--project", fresh_team)
    assert r.returncode == 3 and message in r.stderr, r.stderr

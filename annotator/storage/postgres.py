"""A project in PostgreSQL: engine, schema preparation, search, and row-level security.

``Project("postgresql://user@host/db")`` uses this module; everything else is shared with
the SQLite backend (same tables, same Alembic migrations). What differs:

- Search: PostgreSQL full text (``to_tsvector('simple', title || text)`` with a GIN
  expression index, prefix matching on every word) instead of SQLite FTS5.
- Row-level security (``enable_team``, run by the lead after migrations): the lead owns the
  tables and sees and changes everything; every other login role is an annotator whose
  annotator row has the role's name. A login made lead (``annotator annotators set-role NAME
  lead``, see ``annotator.storage.roles``) joins the ``<db>_leads`` group, which may see and
  change everyone's work as review and the dashboard need. An annotator's connection sees and changes only their own
  spans, document labels, statuses, relations and assignments; documents, labels and settings
  are read-only to them. PostgreSQL enforces it, whatever the client does.
- No file backup before a migration: back the database up with ``pg_dump``.

``LocalCluster`` starts a throwaway server (initdb + pg_ctl in a folder, loopback only) for
tests, benchmarks and trying the team setup on one machine.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

from sqlalchemy import Engine, Table, create_engine, func, inspect, literal_column, select, text
from sqlalchemy.engine import make_url

from annotator.core.errors import ProjectError, ProjectTooNewError

SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
# tables that hold one annotator's work, each with an annotator_id column
WORK_TABLES = ("span", "document_label", "document_status", "relation", "assignment", "claim_link")
# read-only to annotators; any other table (added by a later migration) stays the lead's alone
SHARED_TABLES = ("document", "document_original", "label", "setting", "annotator", "alembic_version", "story",
                 "story_document")
_WORD = re.compile(r"\w+", re.UNICODE)


def is_url(value: object) -> bool:
    return isinstance(value, str) and value.startswith(SCHEMES)


def normalise_url(url: str) -> str:
    """Any PostgreSQL URL, driven by psycopg 3."""
    for scheme in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme):]
    raise ProjectError(f"{url}: not a PostgreSQL URL")


def display_url(url: str) -> str:
    """The URL without its password, for titles and messages."""
    return make_url(url).render_as_string(hide_password=True).replace("postgresql+psycopg://", "postgresql://")


def database_name(url: str) -> str:
    return make_url(normalise_url(url)).database or "postgres"


def login_name(url: str) -> str | None:
    """The role a URL logs in as (an annotator's name on a team server)."""
    return make_url(normalise_url(url)).username


def make_engine(url: str) -> Engine:
    try:
        import psycopg  # noqa: F401
    except ImportError:  # pragma: no cover - a packaging problem, said in a sentence
        raise ProjectError("PostgreSQL projects need the 'psycopg' package (pip install 'annotator[postgres]')") from None
    return create_engine(normalise_url(url), pool_pre_ping=True, connect_args={"connect_timeout": 10})


def prepare_schema(engine: Engine, url: str) -> None:
    """Bring the database to the head revision (same migrations as SQLite), then (re)create
    the PostgreSQL-only objects: the search index."""
    from alembic import command

    from annotator.storage import db

    shown = display_url(url)
    head = db.head_revision()
    try:
        with engine.connect() as conn:
            rev = db.current_revision(conn)
            has_tables = bool(inspect(conn).get_table_names())
    except Exception as e:  # noqa: BLE001  (connection refused, bad password, no database …)
        raise ProjectError(f"{shown}: cannot connect ({str(e).strip().splitlines()[0]})") from None
    if rev is not None and rev not in db.known_revisions():
        raise ProjectTooNewError(
            f"{shown} was written by a newer version of annotator (schema {rev}); this version understands "
            f"up to {head}. Update annotator to open it. The database was not changed.")
    if rev is None and has_tables:
        raise ProjectError(f"{shown}: the database has tables, but it is not an annotator project")
    if rev != head:
        with engine.begin() as conn:
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4242)")  # two first opens must not both migrate
            if db.current_revision(conn) != head:
                command.upgrade(db.alembic_config(conn), "head")
                create_search_index(conn)


# ---------------------------------------------------------------------------------------- search
def _tsvector(document: Table):
    return func.to_tsvector(literal_column("'simple'::regconfig"),
                            func.coalesce(document.c.title, "") + " " + document.c.text)


def create_search_index(conn) -> None:
    conn.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_document_search ON document "
        "USING gin (to_tsvector('simple'::regconfig, (COALESCE(title, '') || ' ') || text))")


def tsquery(search: str) -> str:
    """What a user typed as a tsquery: every word must appear, as a prefix (like the FTS5 search)."""
    return " & ".join(f"{w.lower()}:*" for w in _WORD.findall(search))


def search_clause(document: Table, search: str):
    q = tsquery(search)
    if not q:
        return text("true")
    return _tsvector(document).op("@@")(func.to_tsquery(literal_column("'simple'::regconfig"), q))


# ---------------------------------------------------------------------------------------- team
def _ident(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.\-]{0,62}", name):
        raise ProjectError(f"{name!r}: use letters, digits, '_', '.' or '-' for a PostgreSQL role name")
    return '"' + name + '"'


def team_role(conn) -> str:
    """The group role of this project's annotators (one per database)."""
    return f"{conn.exec_driver_sql('SELECT current_database()').scalar()}_annotators"


# Per-user settings an annotator may write (and only they may read): the window's "where you
# were" (``ui.place.<login name>``, annotator/qt/main_window.py) and the suggestions they
# rejected (``preannotate.rejected.<annotator id>``, annotator/services/preannotate.py). Every
# other setting is shared: read-only to annotators.
_OWN_SETTING = ("(key = 'ui.place.' || SESSION_USER::pg_catalog.text "
                "OR key = 'preannotate.rejected.' || (SELECT public.annotator_me())::pg_catalog.text)")
_USER_SETTING = "(starts_with(key, 'ui.place.') OR starts_with(key, 'preannotate.rejected.'))"
# columns of a work table that point at spans: an annotator may point only at their own
_SPAN_REFS = {"relation": ("head_span_id", "tail_span_id"), "claim_link": ("source_span_id", "target_span_id")}
# Who the session is: the annotator row named like the login role (session_user, which SET ROLE
# does not change), and only a row whose role is 'annotator' (never gold, never a lead row).
# SECURITY DEFINER so it reads the annotator table whatever policies say; written as
# PostgreSQL's "Writing SECURITY DEFINER Functions Safely" asks: a fixed search_path with the
# temporary schema last, every table, type and operator schema-qualified, EXECUTE revoked from
# PUBLIC. An annotator's temporary table or function named like anything here is never used.
_ME_FUNCTION = """
CREATE OR REPLACE FUNCTION public.annotator_me() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
  SELECT a.id FROM public.annotator AS a
  WHERE a.name::pg_catalog.text OPERATOR(pg_catalog.=) SESSION_USER::pg_catalog.text
    AND a.role::pg_catalog.text OPERATOR(pg_catalog.=) 'annotator'::pg_catalog.text
$$"""
_ME = "(SELECT public.annotator_me())"  # an initplan: evaluated once per statement, not per row


def enable_team(conn) -> str:
    """Row-level security and grants for annotators; run as the lead (the tables' owner).
    Idempotent: run it again after an upgrade that added tables. Returns the group role.

    Besides the policies: annotators get no TEMP on the database and no CREATE on schema
    ``public`` (nothing of theirs can shadow a table, type, function or operator), only USAGE on
    the sequences they need (SELECT on a sequence would show how many rows everyone made), and
    may point a relation or claim link only at their own spans (so a foreign key cannot tell them
    whether someone else's span exists). See docs/teams.md, "What the server enforces"."""
    # names in the policies below are bound when they are created: bind them to pg_catalog and
    # public, whatever the lead's own search_path holds
    conn.exec_driver_sql("SET LOCAL search_path = pg_catalog, public")
    group = team_role(conn)
    exists = conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %(r)s", {"r": group}).first()
    if not exists:
        conn.exec_driver_sql(f"CREATE ROLE {_ident(group)} NOLOGIN")
    g = _ident(group)
    dbname = conn.exec_driver_sql("SELECT current_database()").scalar()
    # nobody but the owner creates objects in public or temporary objects in this database
    conn.exec_driver_sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    conn.exec_driver_sql(f"REVOKE TEMPORARY ON DATABASE {_ident(dbname)} FROM PUBLIC")
    conn.exec_driver_sql(f"REVOKE TEMPORARY ON DATABASE {_ident(dbname)} FROM {g}")
    for (member,) in conn.exec_driver_sql(
            "SELECT m.rolname FROM pg_auth_members am JOIN pg_roles m ON m.oid = am.member "
            "JOIN pg_roles r ON r.oid = am.roleid WHERE r.rolname = %(g)s", {"g": group}).all():
        conn.exec_driver_sql(f"REVOKE TEMPORARY ON DATABASE {_ident(dbname)} FROM {_ident(member)}")
    if conn.exec_driver_sql("SELECT has_schema_privilege(%(g)s, 'public', 'CREATE')", {"g": group}).scalar():
        owner = conn.exec_driver_sql("SELECT current_user").scalar()
        raise ProjectError(
            "annotators could create objects in schema public (PostgreSQL 14 and older let everyone), which "
            "would let them shadow the project's tables; as the server's administrator run "
            f"'ALTER SCHEMA public OWNER TO {owner}' in database {dbname}, then 'annotator team enable' again")
    conn.exec_driver_sql(_ME_FUNCTION)
    conn.exec_driver_sql("REVOKE ALL ON FUNCTION public.annotator_me() FROM PUBLIC")
    conn.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION public.annotator_me() TO {g}")
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {g}")
    tables = set(inspect(conn).get_table_names())
    for t in SHARED_TABLES:
        if t in tables:
            conn.exec_driver_sql(f"GRANT SELECT ON public.{t} TO {g}")
    # tokens are derived from a document's text: whoever needs them first stores them (0006)
    if "document_token" in tables:
        conn.exec_driver_sql(f"GRANT SELECT, INSERT, DELETE ON public.document_token TO {g}")
    # an annotator may add their own annotator row (first start), nobody else's
    conn.exec_driver_sql(f"GRANT INSERT ON public.annotator TO {g}")
    _policy(conn, "annotator", "see_all", f"FOR SELECT TO {g} USING (true)")
    _policy(conn, "annotator", "add_self", f"FOR INSERT TO {g} "
            "WITH CHECK (name = SESSION_USER::pg_catalog.text AND role = 'annotator')")
    # settings: shared ones read-only; an annotator's own ones (see _OWN_SETTING) theirs alone
    if "setting" in tables:
        conn.exec_driver_sql(f"GRANT INSERT, UPDATE ON public.setting TO {g}")
        visible = f"(NOT {_USER_SETTING} OR {_OWN_SETTING})"
        _policy(conn, "setting", "read_shared_and_own", f"FOR SELECT TO {g} USING {visible}")
        _policy(conn, "setting", "add_own", f"FOR INSERT TO {g} WITH CHECK ({_OWN_SETTING})")
        # USING = what they see, so changing a shared setting is an error, not a silent no-op
        _policy(conn, "setting", "change_own", f"FOR UPDATE TO {g} USING {visible} WITH CHECK ({_OWN_SETTING})")
    for t in WORK_TABLES:
        if t not in tables:
            continue
        conn.exec_driver_sql(f"GRANT SELECT, INSERT, UPDATE, DELETE ON public.{t} TO {g}")
        check = f"annotator_id = {_ME}"
        for col in _SPAN_REFS.get(t, ()):
            # checked before the foreign key (an AFTER trigger): the same refusal whether the
            # span is someone else's or nobody's
            check += (f" AND EXISTS (SELECT 1 FROM public.span AS s WHERE s.id = {t}.{col} "
                      f"AND s.annotator_id = {_ME})")
        _policy(conn, t, "own_work", f"FOR ALL TO {g} USING (annotator_id = {_ME}) WITH CHECK ({check})")
    # sequences: nextval for the tables annotators insert into, no reading of counts
    conn.exec_driver_sql(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {g}")
    conn.exec_driver_sql("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC")
    for t in (*WORK_TABLES, "annotator"):
        if t not in tables:
            continue
        seq = conn.exec_driver_sql("SELECT pg_get_serial_sequence(%(t)s, 'id')", {"t": f"public.{t}"}).scalar() \
            if "id" in {c["name"] for c in inspect(conn).get_columns(t)} else None
        if seq:
            conn.exec_driver_sql(f"GRANT USAGE ON SEQUENCE {seq} TO {g}")
    _enable_leads(conn, group, tables)
    return group


def _policy(conn, table: str, name: str, body: str) -> None:
    conn.exec_driver_sql(f"ALTER TABLE public.{table} ENABLE ROW LEVEL SECURITY")
    conn.exec_driver_sql(f"DROP POLICY IF EXISTS {name} ON public.{table}")
    conn.exec_driver_sql(f"CREATE POLICY {name} ON public.{table} {body}")


def leads_role(conn) -> str:
    """The group role of this project's leads other than the owner (``annotators set-role NAME lead``)."""
    return f"{conn.exec_driver_sql('SELECT current_database()').scalar()}_leads"


def _enable_leads(conn, group: str, tables: set[str]) -> None:
    """Leads are annotators (they inherit the group's grants) who also see and change everyone's
    work, the review records and stories (what review and the dashboard need)."""
    leads = leads_role(conn)
    if not conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %(r)s", {"r": leads}).first():
        conn.exec_driver_sql(f"CREATE ROLE {_ident(leads)} NOLOGIN")
    lg = _ident(leads)
    conn.exec_driver_sql(f"GRANT {_ident(group)} TO {lg}")
    for t in WORK_TABLES:
        if t in tables:
            conn.exec_driver_sql(f"DROP POLICY IF EXISTS lead_all ON {t}")
            conn.exec_driver_sql(f"CREATE POLICY lead_all ON {t} FOR ALL TO {lg} USING (true) WITH CHECK (true)")
    for t in ("setting", "story", "story_document", "review_state"):
        if t in tables:
            conn.exec_driver_sql(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {t} TO {lg}")
    # the adjudicated set is the work of the "gold" annotator: a lead may add that row
    conn.exec_driver_sql("DROP POLICY IF EXISTS add_gold ON annotator")
    conn.exec_driver_sql(f"CREATE POLICY add_gold ON annotator FOR INSERT TO {lg} "
                         "WITH CHECK (name = 'gold' AND role = 'gold')")


def team_enabled(conn) -> bool:
    return conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %(r)s", {"r": team_role(conn)}).first() \
        is not None


def owns_project(conn) -> bool:
    """This login owns the project's tables (it created them: the project's first lead)."""
    return bool(conn.exec_driver_sql(
        "SELECT tableowner = current_user FROM pg_tables WHERE schemaname = current_schema() "
        "AND tablename = 'annotator'").scalar())


def set_lead(conn, name: str, lead: bool) -> None:
    """A lead's login joins the leads group; an annotator's leaves it (run by the owner). A name
    without a login role on the server (someone who works from bundles) needs no grant."""
    if not conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %(r)s", {"r": name}).first():
        return
    if conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %(r)s", {"r": leads_role(conn)}).first() is None:
        enable_team(conn)
    if lead:
        conn.exec_driver_sql(f"GRANT {_ident(leads_role(conn))} TO {_ident(name)}")
    else:
        conn.exec_driver_sql(f"REVOKE {_ident(leads_role(conn))} FROM {_ident(name)}")


def add_annotator(conn, name: str, password: str | None = None) -> None:
    """A login role for an annotator, in the project's group, and their annotator row.

    ``password`` is sent as a SCRAM-SHA-256 verifier computed here (as psql's ``\\password``
    does): the clear text never reaches the server, its logs or ``pg_stat_activity``. None
    leaves the role's password as it is (a new role then has none: certificate or peer
    authentication)."""
    role = _ident(name)
    me = conn.exec_driver_sql("SELECT current_user").scalar()
    if name == me:
        raise ProjectError(f"{name} is you, the lead; an annotator needs a login of their own")
    row = conn.exec_driver_sql("SELECT role FROM annotator WHERE name = %(n)s", {"n": name}).first()
    if row is not None and row.role != "annotator":
        raise ProjectError(f"{name!r} is the project's {row.role} annotator row; pick another login name")
    found = conn.exec_driver_sql("SELECT rolsuper OR rolbypassrls OR rolcreaterole FROM pg_roles "
                                 "WHERE rolname = %(r)s", {"r": name}).first()
    if found is not None and found[0]:
        raise ProjectError(f"role {name} is privileged (superuser, BYPASSRLS or CREATEROLE): row-level security "
                           "would not hold for it; give the annotator a plain login")
    group = enable_team(conn)
    if found is None:
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
    if password is not None:
        conn.exec_driver_sql(f"ALTER ROLE {role} PASSWORD '{scram_verifier(conn, name, password)}'")
    conn.exec_driver_sql(f"GRANT {_ident(group)} TO {role}")
    dbname = conn.exec_driver_sql("SELECT current_database()").scalar()
    conn.exec_driver_sql(f"REVOKE TEMPORARY ON DATABASE {_ident(dbname)} FROM {role}")
    conn.exec_driver_sql("INSERT INTO annotator (name, role) VALUES (%(n)s, 'annotator') ON CONFLICT (name) DO NOTHING",
                         {"n": name})


_VERIFIER = re.compile(r"SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+")


def scram_verifier(conn, user: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of ``password`` (RFC 5802/7677, as the server stores it),
    computed by libpq on this machine (PQencryptPasswordConn)."""
    if not password:
        raise ProjectError("an empty password; give one, or use --no-password")
    pgconn = conn.connection.driver_connection.pgconn
    verifier = pgconn.encrypt_password(password.encode(), user.encode(), b"scram-sha-256").decode("ascii")
    if not _VERIFIER.fullmatch(verifier):  # never send anything else as a "password"
        raise ProjectError("libpq did not produce a SCRAM-SHA-256 verifier; the password was not set")
    return verifier


# ---------------------------------------------------------------------------------------- local server
def _bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    return versions[-1].parent if versions else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalCluster:
    """A throwaway PostgreSQL server in ``folder``, on 127.0.0.1 and a free port, trust auth.

    Runs as the current user, or as ``postgres`` when the current user is root (the server
    refuses to run as root). ``durable=False`` turns fsync off (tests); benchmarks keep it on.
    """

    def __init__(self, folder: Path, *, durable: bool = True) -> None:
        self.folder = Path(folder)
        self.durable = durable
        self.port = 0
        self.bindir = _bindir()
        self.superuser = "postgres"
        self._prefix: list[str] = []
        self._owned = False

    def _run(self, *args: str, **kw) -> subprocess.CompletedProcess:
        r = subprocess.run([*self._prefix, *args], capture_output=True, text=True, timeout=120, **kw)
        if r.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{Path(args[0]).name} failed ({r.returncode}): {r.stderr.strip()} {tail}")
        return r

    def start(self) -> LocalCluster:
        if self.bindir is None:
            raise RuntimeError("PostgreSQL is not installed (no pg_ctl; Debian: apt-get install postgresql)")
        if os.geteuid() == 0:
            # the server refuses to run as root: run it as postgres, in a folder postgres can reach
            import pwd
            import tempfile

            pw = pwd.getpwnam("postgres")
            self.folder = Path(tempfile.mkdtemp(prefix="annotator-pg-"))
            self._owned = True
            os.chown(self.folder, pw.pw_uid, pw.pw_gid)
            self._prefix = ["runuser", "-u", "postgres", "--"]
        self.folder.mkdir(parents=True, exist_ok=True)
        data, sock = self.folder / "data", self.folder
        self._run(str(self.bindir / "initdb"), "-D", str(data), "-U", self.superuser, "--auth=trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")
        self.port = free_port()
        opts = f"-p {self.port} -k {sock} -c listen_addresses=127.0.0.1 -c max_connections=60"
        if not self.durable:
            opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(self.folder / "server.log"),
                  "-w", "-t", "60", "start")
        return self

    def stop(self) -> None:
        if self.port:
            subprocess.run([*self._prefix, str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"), "-m",
                            "fast", "-w", "stop"], capture_output=True, timeout=60)
            self.port = 0
        if self._owned:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres", user: str | None = None) -> str:
        return f"postgresql://{user or self.superuser}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, owner: str | None = None) -> str:
        """A new empty database (and its owner role, if named and missing); returns its URL."""
        eng = create_engine(normalise_url(self.url()), isolation_level="AUTOCOMMIT")
        try:
            with eng.connect() as c:
                if owner and not c.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %(r)s",
                                                   {"r": owner}).first():
                    c.exec_driver_sql(f"CREATE ROLE {_ident(owner)} LOGIN CREATEROLE")
                c.exec_driver_sql(f"CREATE DATABASE {_ident(name)}" + (f" OWNER {_ident(owner)}" if owner else ""))
        finally:
            eng.dispose()
        return self.url(name, owner)

    def __enter__(self) -> LocalCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def wait_until_ready(url: str, timeout: float = 30.0) -> None:
    eng = create_engine(normalise_url(url))
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                with eng.connect() as c:
                    c.execute(select(1))
                return
            except Exception:  # noqa: BLE001
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        eng.dispose()


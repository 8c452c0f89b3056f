"""Engine, connection pragmas, transactions and schema migrations for a project file."""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text

from annotator.core import private_files
from annotator.core.errors import ProjectError, ProjectTooNewError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_S = 30.0


if TYPE_CHECKING:
    from alembic.config import Config

# Alembic (~0.2-0.6 s to import) is needed only to migrate: opening a project at the head
# revision reads ``alembic_version`` with one query and the revisions from the scripts' text.
_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)


@lru_cache(maxsize=1)
def _revisions() -> dict[str, str | None]:
    """{revision: down_revision} of every migration script, read as text (no Alembic import)."""
    out: dict[str, str | None] = {}
    for f in (MIGRATIONS / "versions").glob("*.py"):
        found = dict((k, v) for k, v in _REVISION.findall(f.read_text(encoding="utf-8")))
        if "revision" in found:
            out[found["revision"]] = found.get("down_revision")
    return out


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    revs = _revisions()
    heads = set(revs) - {d for d in revs.values() if d}
    assert len(heads) == 1, f"migrations must have one head, not {sorted(heads)}"
    return heads.pop()


def known_revisions() -> set[str]:
    return set(_revisions())


def make_engine(path: Path) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # noqa: ANN001
        # We issue BEGIN ourselves (see _on_begin) so that writers take the lock up front.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=FULL")  # an acknowledged edit survives power loss too
        cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # BEGIN IMMEDIATE for writers: a deferred transaction that later wants to write cannot
        # wait for the lock (SQLITE_BUSY at once); an immediate one waits up to busy_timeout.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")

    return engine


@contextmanager
def transaction(engine: Engine, *, write: bool) -> Iterator[Connection]:
    with engine.connect() as conn:
        conn.info["write"] = write
        try:
            with conn.begin():
                yield conn
        finally:
            conn.info["write"] = False


def current_revision(conn: Connection) -> str | None:
    """The database's revision (``alembic_version``), or None for a database without one."""
    if conn.dialect.name == "sqlite":
        exists = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").first()
        if exists is None:
            return None
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        if len(rows) > 1:
            raise ProjectError("the project's schema has several heads; it was not written by annotator")
        return rows[0] if rows else None
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def check_sqlite_file(path: Path) -> None:
    """Refuse files that are not SQLite databases with a sentence, not a traceback."""
    if not path.exists():
        raise ProjectError(f"{path}: no such project file")
    if path.is_dir():
        raise ProjectError(f"{path}: is a folder, not a project file")
    with path.open("rb") as fh:
        head = fh.read(16)
    if head and head != b"SQLite format 3\x00":
        raise ProjectError(f"{path}: not an annotator project (not an SQLite database)")


def backup_file(path: Path, tag: str) -> Path:
    """Copy a project with SQLite's online backup API (consistent even with a WAL)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    dest = path.with_name(f"{path.name}.{tag}-{stamp}.bak")
    n = 1
    while dest.exists():
        dest = path.with_name(f"{path.name}.{tag}-{stamp}-{n}.bak")
        n += 1
    private_files.create_file(dest)  # private from the first byte
    src = sqlite3.connect(path)
    try:
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    os.chmod(dest, private_files.copy_mode(path))  # never wider than the project
    return dest


def create_file(path: Path) -> None:
    """A new project file is private (0600; its WAL and lock files follow its mode). An
    existing file, even empty, keeps its mode: its owner chose it."""
    private_files.make_dir(path.parent)
    try:
        private_files.create_file(path)
    except FileExistsError:
        pass


def prepare_schema(engine: Engine, path: Path, *, backup: bool = True) -> str | None:
    """Bring a database to the head revision.

    A new (empty) database is migrated from scratch; an older one is backed up first and
    upgraded; one from a newer version is refused untouched. Returns the backup path if any.
    """
    head = head_revision()
    with engine.connect() as conn:
        rev = current_revision(conn)
        if rev == head:
            return None
        has_tables = bool(inspect(conn).get_table_names())
    if rev is None and has_tables:
        raise ProjectError(f"{path}: an SQLite database, but not an annotator project")
    if rev is not None and rev not in known_revisions():
        raise ProjectTooNewError(
            f"{path} was written by a newer version of annotator (schema {rev}); "
            f"this version understands up to {head}. Update annotator to open it. The file was not changed."
        )
    backup_path = None
    if rev is not None and backup:
        backup_path = str(backup_file(path, f"pre-{head}"))
    with engine.connect() as conn:
        # Migrations that rebuild a table (Alembic batch mode: copy, DROP, rename) must not let the
        # DROP cascade into the tables that refer to it: foreign keys are off while migrating (the
        # pragma is a no-op inside a transaction, so it is set before BEGIN) and checked after.
        raw = conn.connection.dbapi_connection
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            conn.info["write"] = True
            from alembic import command

            with conn.begin():
                command.upgrade(alembic_config(conn), "head")
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise ProjectError(f"{path}: the upgrade would break {len(broken)} references; "
                                       "the file was not changed")
            conn.info["write"] = False
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
    return backup_path


def copy_to(engine: Engine, dest: Path) -> None:
    """Write a consistent copy of the open database to ``dest``."""
    if not dest.exists():
        private_files.create_file(dest)
    raw = engine.raw_connection()
    try:
        dst = sqlite3.connect(dest)
        try:
            raw.driver_connection.backup(dst)
        finally:
            dst.close()
    finally:
        raw.close()
    if engine.url.database:
        os.chmod(dest, private_files.copy_mode(engine.url.database, dest))  # never wider than the project

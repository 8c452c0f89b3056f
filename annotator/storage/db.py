"""Engine, connection pragmas, transactions and schema migrations for a project file."""

from __future__ import annotations

import errno
import os
import sqlite3
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import DBAPIError

from annotator.core import private_files
from annotator.core.errors import ProjectError, ProjectReadOnlyError, ProjectTooNewError
from annotator.storage.files import (  # noqa: F401  (stdlib-only checks, re-exported: one definition)
    IMMUTABLE,
    MIGRATIONS,
    RO,
    RW,
    _revisions,
    _special_kind,
    check_sqlite_file,
    head_revision,
    known_revisions,
    open_mode,
)

BUSY_TIMEOUT_S = 30.0


if TYPE_CHECKING:
    from alembic.config import Config


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


# engines opened read-only -> the sentence a write attempt raises (see ``transaction``)
_READ_ONLY: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


def sqlite_uri(path: Path, mode: str) -> str:
    uri = path.resolve().as_uri()
    return uri if mode == RW else uri + ("?mode=ro" if mode == RO else "?immutable=1")


def read_only_reason(engine: Engine) -> str | None:
    return _READ_ONLY.get(engine)


def make_engine(path: Path, mode: str = RW, why: str | None = None) -> Engine:
    if mode == RW:
        engine = create_engine(
            f"sqlite:///{path}",
            connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
        )
    else:
        uri = sqlite_uri(path, mode)
        engine = create_engine(
            "sqlite://",
            creator=lambda: sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=False),
        )
        _READ_ONLY[engine] = f"read-only: {path} cannot be written ({why or 'opened read-only'})"

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # noqa: ANN001
        # We issue BEGIN ourselves (see _on_begin) so that writers take the lock up front.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if mode == RW:  # (the mode is kept in the file; a read-only connection cannot set it)
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
    if write and engine in _READ_ONLY:
        raise ProjectReadOnlyError(_READ_ONLY[engine] + "; nothing was changed")
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


def problem_sentence(path: Path | str, err: BaseException) -> str:
    """One sentence for an SQLite error met while using ``path`` (damage, full disk, I/O)."""
    orig = getattr(err, "orig", None) or err
    reason = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    code = getattr(orig, "sqlite_errorcode", None)
    code = None if code is None else code & 0xFF  # the primary code of an extended one
    low = reason.lower()
    if code == sqlite3.SQLITE_CORRUPT or "malformed" in low or code == sqlite3.SQLITE_NOTADB \
            or "not a database" in low:
        return (f"{path}: the project file is damaged ({reason}); check it with 'annotator check --project "
                f"{path}' and restore the newest good backup with 'annotator check --project {path} "
                "--restore latest'")
    if code == sqlite3.SQLITE_FULL or "disk is full" in low or getattr(orig, "errno", None) == errno.ENOSPC:
        return (f"{path}: the disk is full ({reason}); everything committed before is kept, the change under "
                "way was not stored. Free some space and try again")
    if code == sqlite3.SQLITE_READONLY or "readonly database" in low:
        return f"read-only: {path} cannot be written ({reason}); nothing was changed"
    if code == sqlite3.SQLITE_IOERR or "disk i/o error" in low:
        return (f"{path}: the disk reported an I/O error ({reason}; a full disk causes this too); everything "
                "committed before is kept. Free some space or check the disk, then run 'annotator check'")
    return f"{path}: {reason}"


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
    try:
        with engine.connect() as conn:
            rev = current_revision(conn)
            if rev == head:
                return None
            has_tables = bool(inspect(conn).get_table_names())
    except DBAPIError as e:
        raise ProjectError(problem_sentence(path, e)) from None
    if rev is None and has_tables:
        raise ProjectError(f"{path}: an SQLite database, but not an annotator project")
    if rev is not None and rev not in known_revisions():
        raise ProjectTooNewError(
            f"{path} was written by a newer version of annotator (schema {rev}); "
            f"this version understands up to {head}. Update annotator to open it. The file was not changed."
        )
    if engine in _READ_ONLY:
        raise ProjectReadOnlyError(f"{_READ_ONLY[engine]}: its schema ({rev or 'none'}) needs an upgrade "
                                   f"to {head}, which writes the file")
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

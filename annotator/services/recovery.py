"""Check a project file, back it up, and restore it from a backup.

Policy (see docs/reliability.md):

* **Automatic backups**: the first time a project is opened in the window on a given day,
  a copy is written to ``NAME.backups/NAME.daily-YYYY-MM-DD.bak`` next to the project, with
  SQLite's online backup API (consistent even while another process writes). Backups are
  written to a temporary name, checked, then renamed, so a crash never leaves a half backup
  under a backup's name. The newest ``KEEP_DAYS`` daily backups are kept; older ones are
  deleted. Migration backups (``NAME.pre-REV-DATE.bak``) and manual ones are never pruned.
* **Check** reads the file without changing it: SQLite ``integrity_check``, the
  foreign-key check, the full-text index's own check, the schema version, and the
  annotator's own rules (every span inside its document's text, start before end).
* **Restore** checks the backup first and refuses a damaged one; the file it replaces is
  kept (moved aside as ``NAME.before-restore-STAMP.bak``, with its WAL), never deleted.

No Qt here; the CLI (``annotator check``) and the window call these functions.
"""

from __future__ import annotations

import datetime as _dt
import errno
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core import private_files
from annotator.core.errors import ProjectError
from annotator.storage import db

KEEP_DAYS = 7
DAILY_TAG = "daily"
_SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass
class CheckReport:
    path: Path
    problems: list[str] = field(default_factory=list)  # damage: the file itself is wrong
    revision: str | None = None
    documents: int = 0
    spans: int = 0
    read_only: str | None = None  # why the file cannot be written (not damage)
    unable: str | None = None  # why the check could not run (full disk, I/O error): not damage either
    skipped: list[str] = field(default_factory=list)  # parts not checked, and why

    @property
    def ok(self) -> bool:
        return not self.problems and self.unable is None

    def summary(self) -> str:
        head = f"{self.path}: "
        ro = f"; read-only: {self.read_only}, so it cannot be written" if self.read_only else ""
        ro += "".join(f"; not checked: {s}" for s in self.skipped)
        if self.unable is not None:
            return head + f"not checked: {self.unable}{ro}. This says nothing about damage"
        if self.ok:
            return head + (f"ok (schema {self.revision}, {self.documents} documents, {self.spans} spans){ro}")
        return head + f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''} found{ro}"


def backup_dir(project: Path) -> Path:
    return project.with_name(project.name + ".backups")


def _connect_ro(path: Path, mode: str = db.RO) -> sqlite3.Connection:
    # read-only: a check never changes the file (a WAL left by a crash is still read, except
    # with immutable=1, used only where -wal/-shm cannot exist: see db.open_mode)
    con = sqlite3.connect(db.sqlite_uri(path, mode), uri=True, timeout=db.BUSY_TIMEOUT_S)
    con.execute(f"PRAGMA busy_timeout={int(db.BUSY_TIMEOUT_S * 1000)}")
    return con


# SQLite's answers that are about the disk or the permissions, not about the file's contents
_ENVIRONMENT = {sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY,
                sqlite3.SQLITE_PERM, sqlite3.SQLITE_NOMEM, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


def _environmental(e: sqlite3.Error) -> bool:
    code = getattr(e, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in _ENVIRONMENT


def _integrity(path: Path, mode: str) -> tuple[sqlite3.Connection, list[str]]:
    con = _connect_ro(path, mode)
    try:
        return con, [r[0] for r in con.execute("PRAGMA integrity_check")]
    except BaseException:
        con.close()
        raise


def check(path: str | Path) -> CheckReport:
    """Check a project file (or a backup of one) without changing it.

    Damage goes to ``problems``; a file that cannot be written is said in ``read_only`` (and is
    checked all the same); a check that cannot run (a full disk where SQLite needs its -shm
    file, an I/O error) is said in ``unable`` — neither is called damage."""
    path = Path(path)
    db.check_sqlite_file(path)
    report = CheckReport(path)
    mode, report.read_only = db.open_mode(path)
    mode = db.RO if mode == db.RW else mode
    try:
        try:
            con, rows = _integrity(path, mode)
        except sqlite3.Error as e:
            if not _environmental(e):
                raise
            wal = path.with_name(path.name + "-wal")
            if mode == db.IMMUTABLE or (wal.exists() and wal.stat().st_size > 0):
                raise
            # e.g. a full disk where the -shm file cannot be made: with no WAL content to read,
            # the main file alone is the whole project
            con, rows = _integrity(path, db.IMMUTABLE)
    except sqlite3.Error as e:
        if _environmental(e):
            report.unable = f"SQLite could not read it ({e}); free some disk space or check the disk and run it again"
        else:
            report.problems.append(f"damaged: {e}")
        return report
    try:
        if rows != ["ok"]:
            report.problems += [f"integrity: {r}" for r in rows]
            return report  # the rest would read damaged pages
        report.problems += [f"foreign key: table {r[0]} row {r[1]} points to a missing {r[2]} row"
                            for r in con.execute("PRAGMA foreign_key_check")]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables or "document" not in tables:
            report.problems.append("an SQLite database, but not an annotator project")
            return report
        report.revision = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        if report.revision not in db.known_revisions():
            report.problems.append(f"written by a newer version of annotator (schema {report.revision}); "
                                   "update annotator to check it")
            return report
        if "document_fts" in tables and report.read_only is not None:
            report.skipped.append("the search index (its check needs write access)")
        elif "document_fts" in tables:
            try:
                problem = _check_fts(path)
            except sqlite3.Error as e:
                if not _environmental(e):
                    raise
                problem = None
                report.skipped.append(f"the search index ({e})")
            if problem:
                report.problems.append(f"search index: {problem} (rebuild it with 'annotator check --repair-search')")
        report.documents = con.execute("SELECT count(*) FROM document").fetchone()[0]
        report.spans = con.execute("SELECT count(*) FROM span").fetchone()[0]
        bad = con.execute(
            "SELECT span.id, span.document_id, span.start, span.\"end\", document.length FROM span "
            "JOIN document ON document.id = span.document_id "
            "WHERE span.start < 0 OR span.\"end\" <= span.start OR span.\"end\" > length(document.text) "
            "LIMIT 20").fetchall()
        report.problems += [f"span {r[0]} [{r[2]}, {r[3]}) lies outside document {r[1]} (length {r[4]})"
                            for r in bad]
    finally:
        con.close()
    return report


def _check_fts(path: Path) -> str | None:
    # FTS5's own check is spelled as an INSERT, which a read-only connection refuses; it
    # writes nothing, and the transaction is rolled back all the same.
    con = sqlite3.connect(path, timeout=db.BUSY_TIMEOUT_S, isolation_level=None)
    try:
        con.execute("BEGIN")
        try:
            con.execute("INSERT INTO document_fts(document_fts, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError as e:
            if _environmental(e):
                raise
            return str(e)
        finally:
            if con.in_transaction:
                con.execute("ROLLBACK")
    finally:
        con.close()
    return None


def repair_search(path: str | Path) -> None:
    """Rebuild the full-text search index from the documents."""
    con = sqlite3.connect(Path(path), timeout=db.BUSY_TIMEOUT_S, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO document_fts(document_fts) VALUES ('rebuild')")
        con.execute("COMMIT")
    finally:
        con.close()


def _write_backup(src: Path, dest: Path, mode: int | None = None) -> Path:
    """Copy ``src`` to ``dest`` atomically: temp file, backup API, check, fsync, rename. The
    copy is private (``mode``, default: 0600 and never wider than ``src``) from its first byte.

    When it fails (full disk, I/O error, no permission), nothing is left behind: no partial
    file, and no backups folder that this call made; the error says so in one sentence."""
    made = [d for d in (dest.parent, *dest.parent.parents) if not d.exists()]
    tmp = dest.with_name(dest.name + ".partial")
    try:
        private_files.make_dir(dest.parent)  # new folders 0700
        tmp.unlink(missing_ok=True)
        return _copy_checked(src, tmp, dest, mode)
    except (OSError, sqlite3.Error) as e:
        message = _write_failed(src, dest, e)  # (before the clean-up frees space again)
        tmp.unlink(missing_ok=True)
        for d in made:  # innermost first
            try:
                d.rmdir()
            except OSError:
                break
        raise ProjectError(message) from None


def _write_failed(src: Path, dest: Path, e: BaseException) -> str:
    low = str(e).lower()
    if getattr(e, "errno", None) == errno.ENOSPC or "disk is full" in low or \
            (getattr(e, "sqlite_errorcode", 0) or 0) & 0xFF == sqlite3.SQLITE_FULL:
        why = "the disk is full"
    elif isinstance(e, sqlite3.Error) and _free_bytes(dest.parent) == 0:
        why = f"the disk is full ({e})"  # SQLite says "disk I/O error" when it cannot grow a file
    elif isinstance(e, OSError) and e.strerror:
        why = e.strerror[0].lower() + e.strerror[1:]
    else:
        why = str(e)
    return (f"cannot write {dest}: {why}; {src} was not changed, and no partial copy was kept"
            + (". Free some space and try again" if why.startswith("the disk is full") else ""))


def _free_bytes(folder: Path) -> int | None:
    for d in (folder, *folder.parents):
        if d.exists():
            try:
                st = os.statvfs(d)
            except (OSError, AttributeError):
                return None
            return st.f_bavail * st.f_frsize
    return None


def _copy_checked(src: Path, tmp: Path, dest: Path, mode: int | None) -> Path:
    try:
        private_files.create_file(tmp)  # 0600 while SQLite writes it
        open_as = db.open_mode(src)[0]
        source = _connect_ro(src, db.RO if open_as == db.RW else open_as)  # a read-only project backs up too
        try:
            target = sqlite3.connect(tmp)
            try:
                source.backup(target)
                target.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
                ok = target.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                target.close()
        finally:
            source.close()
        if ok != "ok":
            raise ProjectError(f"{src}: the copy failed its integrity check ({ok}); run 'annotator check'")
        os.chmod(tmp, private_files.copy_mode(src) if mode is None else mode)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
        _fsync_dir(dest.parent)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_now(project: str | Path, dest: str | Path | None = None) -> Path:
    """A manual backup (``annotator check --backup``): ``NAME.backups/NAME.manual-STAMP.bak``."""
    project = Path(project)
    db.check_sqlite_file(project)
    if dest is None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        dest = backup_dir(project) / f"{project.name}.manual-{stamp}.bak"
        n = 1
        while dest.exists():
            dest = backup_dir(project) / f"{project.name}.manual-{stamp}-{n}.bak"
            n += 1
    return _write_backup(project, Path(dest))


def daily_backups(project: Path) -> list[Path]:
    """Automatic backups of ``project``, oldest first."""
    folder = backup_dir(project)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{project.name}.{DAILY_TAG}-????-??-??.bak"))


def auto_backup(project: str | Path, *, today: _dt.date | None = None, keep: int = KEEP_DAYS) -> Path | None:
    """Write today's automatic backup unless there is one; prune to the newest ``keep``.

    Returns the new backup, or None if today's existed already. Never raises for an I/O
    problem (a full disk must not stop anyone from opening their project): it reports it
    through the returned ``None`` and the ``on_error`` of :func:`auto_backup_safely`.
    """
    project = Path(project)
    day = (today or _dt.date.today()).isoformat()
    dest = backup_dir(project) / f"{project.name}.{DAILY_TAG}-{day}.bak"
    made = None
    if not dest.exists():
        made = _write_backup(project, dest)
    for old in daily_backups(project)[:-keep] if keep > 0 else []:
        old.unlink(missing_ok=True)
    return made


def auto_backup_safely(project: str | Path, on_error: Callable[[str], None] | None = None, **kw) -> Path | None:
    try:
        return auto_backup(project, **kw)
    except (OSError, sqlite3.Error, ProjectError) as e:
        if on_error is not None:
            on_error(f"automatic backup of {project} failed: {e}")
        return None


def list_backups(project: str | Path) -> list[Path]:
    """Every backup of ``project`` the app made (automatic, manual, before a migration), newest first."""
    project = Path(project)
    found = set(backup_dir(project).glob(f"{project.name}.*.bak")) if backup_dir(project).is_dir() else set()
    found |= set(project.parent.glob(f"{project.name}.pre-*.bak"))
    found |= set(project.parent.glob(f"{project.name}.before-restore-*.bak"))
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def restore(project: str | Path, backup: str | Path) -> tuple[CheckReport, Path | None]:
    """Replace ``project`` by ``backup`` after checking the backup.

    The current file (if any) is moved aside with its WAL as ``NAME.before-restore-STAMP.bak``
    and its path returned. Close the project in every window first.
    """
    project, backup = Path(project), Path(backup)
    if not backup.exists():
        raise ProjectError(f"{backup}: no such backup")
    report = check(backup)
    if not report.ok:
        raise ProjectError(f"{backup} is not a usable backup: " + "; ".join(report.problems[:5]))
    stamp = time.strftime("%Y%m%d-%H%M%S")
    tmp = project.with_name(project.name + ".restoring")
    # a checked, self-contained copy next to the target, no wider than the backup or the project
    _write_backup(backup, tmp, private_files.copy_mode(backup, project))
    aside = None
    if project.exists():
        aside = project.with_name(f"{project.name}.before-restore-{stamp}.bak")
        os.replace(project, aside)
        for suffix in _SIDE_FILES:
            side = project.with_name(project.name + suffix)
            if side.exists():
                os.replace(side, aside.with_name(aside.name + suffix))
    os.replace(tmp, project)
    _fsync_dir(project.parent)
    return report, aside

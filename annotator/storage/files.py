"""The project file as a file: is it an SQLite database we may open, can it be written, and which
schema revisions exist. Standard library only (no SQLAlchemy, no Alembic): the window's first paint
(``annotator.storage.glance``) uses it before SQLModel is imported; ``annotator.storage.db`` builds
on it."""

from __future__ import annotations

import errno
import os
import re
import stat
from functools import lru_cache
from pathlib import Path

from annotator.core.errors import ProjectError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

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


def head_revision() -> str:
    revs = _revisions()
    heads = set(revs) - {d for d in revs.values() if d}
    assert len(heads) == 1, f"migrations must have one head, not {sorted(heads)}"
    return heads.pop()


def known_revisions() -> set[str]:
    return set(_revisions())


RW, RO, IMMUTABLE = "rw", "ro", "immutable"


def open_mode(path: Path) -> tuple[str, str | None]:
    """How a project file can be opened: ``("rw", None)``, or ``("ro"|"immutable", why)``.

    SQLite in WAL mode writes the file and creates ``-wal``/``-shm`` beside it, so a file
    that is not writable, or in a folder where those cannot be made (read-only mount, no
    permission), is opened read-only: ``mode=ro`` where the side files exist or can be
    created, ``immutable=1`` where they cannot (SQLite then reads the main file alone).
    """
    folder = path.parent
    ro_fs = False
    if hasattr(os, "statvfs"):
        try:
            ro_fs = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
        except OSError:
            pass
    side = [path.with_name(path.name + s) for s in ("-wal", "-shm")]
    folder_w = not ro_fs and os.access(folder, os.W_OK | os.X_OK)
    file_w = not ro_fs and os.access(path, os.W_OK)
    sides_w = all(os.access(f, os.W_OK) for f in side if f.exists())
    if file_w and sides_w and (folder_w or all(f.exists() for f in side)):
        return RW, None
    if ro_fs:
        why = "it is on a read-only file system"
    elif not file_w:
        why = "no permission to write the file"
    elif not sides_w:
        why = "no permission to write its -wal/-shm files"
    else:
        why = f"no permission to write its folder {folder}"
    wal = side[0]
    wal_has_data = wal.exists() and wal.stat().st_size > 0
    if folder_w or wal_has_data:
        return RO, why  # -shm can be made (or the WAL's commits must be read)
    return IMMUTABLE, why


def check_sqlite_file(path: Path) -> None:
    """Refuse what is not an SQLite database with a sentence naming it, before SQLite opens it
    (SQLite would turn an empty file into a new database, and block on a FIFO)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise ProjectError(f"{path}: a symbolic link to a missing file ({os.readlink(path)})") from None
        raise ProjectError(f"{path}: no such project file") from None
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise ProjectError(f"{path}: a symbolic link loop, not a project file") from None
        raise ProjectError(f"{path}: cannot be read ({e.strerror})") from None
    kind = _special_kind(st.st_mode)
    if kind:
        raise ProjectError(f"{path}: {kind}, not a project file; it was not opened")
    if st.st_size == 0:
        raise ProjectError(f"{path}: an empty file (0 bytes), not an annotator project; it was not changed")
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as e:
        raise ProjectError(f"{path}: cannot be read ({e.strerror})") from None
    if head != b"SQLite format 3\x00":
        raise ProjectError(f"{path}: not an annotator project (not an SQLite database); it was not changed")


def _special_kind(mode: int) -> str | None:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if not stat.S_ISREG(mode):
        return "not a regular file"
    return None

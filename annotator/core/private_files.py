"""Files that hold people's work are private: created 0600 (folders 0700), whatever the umask,
and a copy (backup, restore, export, bundle) never readable by more people than its source.

The umask can only take permissions away, so a file created with mode 0600 is at most 0600;
creating it that way up front (rather than chmod after writing) leaves no moment in which a
half-written copy is readable by others. ``chmod`` after writing covers writers that create
their own files (inside a folder that is already 0700, so nobody else can reach them meanwhile).
No effect on Windows beyond the read-only bit; there, folder ACLs decide.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def copy_mode(*sources: str | Path) -> int:
    """The mode for a copy of ``sources``: at most 0600, and no bit a source lacks (a 0400
    project gives 0400 copies). A source that does not exist is ignored."""
    mode = FILE_MODE
    for src in sources:
        try:
            mode &= stat.S_IMODE(os.stat(src).st_mode)
        except OSError:
            continue
    return mode or FILE_MODE


def create_file(path: str | Path, mode: int = FILE_MODE) -> None:
    """Create ``path`` empty with ``mode`` (refuses if it exists)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    os.close(fd)
    os.chmod(path, mode)  # exactly this mode, also under a umask that would narrow it oddly


def write_file(path: str | Path, data: bytes, mode: int = FILE_MODE) -> None:
    """Write ``data`` to a new file ``path`` created with ``mode``, flushed to disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(path, mode)


def make_dir(path: str | Path) -> Path:
    """``mkdir -p`` whose new folders are 0700 (existing folders are left as they are)."""
    path = Path(path)
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(d, DIR_MODE)
    return path


def make_private(path: str | Path, mode: int = FILE_MODE) -> None:
    """Files ``mode``, folders 0700, the whole tree under ``path`` (symlinks are not followed)."""
    path = Path(path)
    if path.is_symlink():
        return
    if path.is_dir():
        os.chmod(path, DIR_MODE)
        for root, dirs, files in os.walk(path):
            for d in dirs:
                p = os.path.join(root, d)
                if not os.path.islink(p):
                    os.chmod(p, DIR_MODE)
            for f in files:
                p = os.path.join(root, f)
                if not os.path.islink(p):
                    os.chmod(p, mode)
    elif path.exists():
        os.chmod(path, mode)

"""Small real file systems for the reliability tests: a tmpfs of a few hundred KB (a full
disk), a read-only mount, a file bind-mounted read-only. Mounting needs root (CI runs as root
in its container); without it, the tests that need a mount skip, and the permission cases use
chmod instead (which root ignores)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def can_mount() -> bool:
    return os.name == "posix" and os.geteuid() == 0 and shutil.which("mount") is not None


def _run(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


@contextlib.contextmanager
def tmpfs(folder: Path, kb: int) -> Iterator[Path]:
    """A tmpfs of ``kb`` KB mounted on ``folder``; unmounted afterwards."""
    if not can_mount():
        pytest.skip("mounting a small file system needs root")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        _run("mount", "-t", "tmpfs", "-o", f"size={kb}k,mode=0777", "tmpfs", str(folder))
    except (subprocess.CalledProcessError, OSError) as e:
        pytest.skip(f"cannot mount a tmpfs here: {e}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def remount_ro(folder: Path) -> None:
    _run("mount", "-o", "remount,ro", str(folder))


@contextlib.contextmanager
def bind_ro(file: Path) -> Iterator[Path]:
    """``file`` bind-mounted onto itself read-only: the file cannot be written, its folder can."""
    _run("mount", "--bind", str(file), str(file))
    try:
        _run("mount", "-o", "remount,ro,bind", str(file))
        yield file
    finally:
        subprocess.run(["umount", "-l", str(file)], capture_output=True)


def fill(folder: Path) -> Path:
    """Fill the file system holding ``folder`` to the last byte."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)
    return filler

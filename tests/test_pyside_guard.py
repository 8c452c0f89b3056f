"""PySide6 6.12.0 on CPython 3.11 drops a reference to None on each call that returns nothing,
until the interpreter dies with 'Fatal Python error: none_dealloc'. pyproject.toml keeps it out;
these tests catch it if it comes back (by a resolver, a lock file, or a by-hand install)."""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def test_pyproject_excludes_the_bad_release_on_311():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    env = {"python_version": "3.11"}
    pyside = [Requirement(d) for d in deps if d.lower().startswith("pyside6")]
    active = [r for r in pyside if r.marker is None or r.marker.evaluate(env)]
    assert active, "PySide6 must be a dependency on 3.11"
    for r in active:
        assert Version("6.12.0") not in r.specifier
        assert Version("6.11.3") in r.specifier


def test_installed_pyside_is_not_the_bad_one():
    import PySide6

    if sys.version_info < (3, 12):
        assert PySide6.__version__ != "6.12.0", "PySide6 6.12.0 crashes on Python 3.11 (none_dealloc)"


@pytest.mark.subprocess
def test_void_qt_calls_keep_none_alive():
    """Thousands of Qt calls that return None must not change None's reference count."""
    code = r"""
import sys
from PySide6.QtCore import QObject
o = QObject()
before = sys.getrefcount(None)
for i in range(20000):
    o.setObjectName("x")  # returns None
    o.blockSignals(False)
after = sys.getrefcount(None)
print(after - before)
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr  # a crash (none_dealloc) fails here
    if sys.version_info < (3, 12):  # 3.12+ has an immortal None with a fixed refcount
        assert abs(int(r.stdout.strip())) < 1000, f"None refcount drifted by {r.stdout.strip()}"

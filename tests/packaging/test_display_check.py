"""First start: before Qt aborts on a missing X11 library, `annotator` names every missing library
and the command that installs it. Checked with a real copy of Qt's xcb plugin whose needed
library list names one this system does not have (the way a fresh desktop lacks libxcb-cursor0)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator import display

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 plugin check: Linux only")


def _installed(soname: str) -> bool:
    out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    return any(line.strip().startswith(soname + " ") for line in out.splitlines())


@pytest.fixture
def broken_plugin(tmp_path: Path) -> Path:
    """A copy of PySide6's libqxcb.so that needs libxcb-xinput.so.0 where it needed libxcb-cursor.so.0
    (same length: the ELF stays valid), beside Qt's own libraries as the plugin's RUNPATH expects."""
    real = display.xcb_plugin({})
    if real is None or _installed("libxcb-xinput.so.0") or not _installed("libxcb-cursor.so.0"):
        pytest.skip("needs PySide6's xcb plugin, libxcb-cursor installed and libxcb-xinput absent")
    data = real.read_bytes()
    assert data.count(b"libxcb-cursor.so.0\0") == 1
    plugins = tmp_path / "Qt" / "plugins" / "platforms"
    plugins.mkdir(parents=True)
    (plugins / "libqxcb.so").write_bytes(data.replace(b"libxcb-cursor.so.0\0", b"libxcb-xinput.so.0\0"))
    (tmp_path / "Qt" / "lib").symlink_to(real.parent.parent.parent / "lib")  # $ORIGIN/../../lib
    return plugins


def test_the_real_plugin_needs_what_the_readme_installs():
    """Every library Qt's xcb plugin needs has a package in the table (so the advice names it)."""
    real = display.xcb_plugin({})
    if real is None:
        pytest.skip("PySide6's xcb plugin not found")
    out = subprocess.run(["readelf", "-d", str(real)], capture_output=True, text=True).stdout
    needed = [line.split("[")[1].rstrip("]") for line in out.splitlines() if "(NEEDED)" in line]
    system = [n for n in needed if not n.startswith(("libQt6", "libc.", "libm.", "libstdc++", "libgcc_s"))]
    assert "libxcb-cursor.so.0" in system and "libxcb-icccm.so.4" in system
    assert [n for n in system if n not in display.PACKAGES] == []
    # the README's one line covers every package the table names for the plugin's own needs
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert display.DEBIAN_LINE in readme and display.FEDORA_LINE in readme


def test_missing_library_found_with_ldd(broken_plugin):
    missing = display.missing_libraries(broken_plugin / "libqxcb.so")
    assert "libxcb-xinput.so.0" in missing and "libxcb-cursor.so.0" not in missing
    env = {"QT_QPA_PLATFORM": "xcb", "QT_QPA_PLATFORM_PLUGIN_PATH": str(broken_plugin)}
    advice = display.check(env).splitlines()
    assert "  libxcb-xinput.so.0" in advice
    apt = next(line for line in advice if line.startswith("Debian/Ubuntu:"))
    dnf = next(line for line in advice if line.startswith("Fedora:"))
    assert "libxcb-xinput0" in apt.split() and "libxcb" in dnf.split()


def test_annotator_prints_what_to_install_and_does_not_start_qt(broken_plugin, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "QT_QPA_PLATFORM_PLUGIN_PATH": str(broken_plugin),
           "DISPLAY": ":987", "ANNOTATOR_DATA_DIR": str(tmp_path / "data")}
    exe = Path(sys.executable).with_name("annotator")
    run = subprocess.run([str(exe)], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 3
    assert "  libxcb-xinput.so.0" in run.stderr.splitlines()
    assert any(line.startswith("Debian/Ubuntu:  sudo apt-get install") and "libxcb-xinput0" in line
               for line in run.stderr.splitlines())
    assert "Could not load the Qt platform plugin" not in run.stderr  # Qt never got to abort
    assert not (tmp_path / "data").exists()  # nothing was created before the check


def test_no_check_offscreen_wayland_or_elsewhere():
    assert not display.uses_xcb({"QT_QPA_PLATFORM": "offscreen"})
    assert not display.uses_xcb({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"})
    assert display.uses_xcb({"XDG_SESSION_TYPE": "x11"}) == sys.platform.startswith("linux")
    assert display.uses_xcb({"QT_QPA_PLATFORM": "xcb"}, platform="linux")
    assert not display.uses_xcb({}, platform="darwin")
    assert display.check({"QT_QPA_PLATFORM": "offscreen"}) is None

"""Before the window starts on Linux: are the system libraries of Qt's X11 (xcb) platform plugin
installed? Without them Qt aborts with "Could not load the Qt platform plugin xcb" and names one
library at a time; this names them all, with the command that installs them. No Qt import.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

# soname -> (Debian/Ubuntu package, Fedora package): what Qt 6's libqxcb.so and libQt6XcbQpa need
PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb-xinput.so.0": ("libxcb-xinput0", "libxcb"),
    "libxcb-glx.so.0": ("libxcb-glx0", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
}
# The README's quick start line (Debian 12 bookworm, Ubuntu 22.04/24.04; Fedora 40/41): the
# libraries a desktop without Qt applications may lack. Checked: `make run` under Xvfb.
DEBIAN_LINE = ("sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 "
               "libxcb-render-util0 libxcb-shape0 libxcb-randr0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 "
               "libgl1 libfontconfig1 libdbus-1-3")
FEDORA_LINE = ("sudo dnf install xcb-util-cursor xcb-util-wm xcb-util-keysyms xcb-util-image "
               "xcb-util-renderutil libxkbcommon-x11 libglvnd-egl libglvnd-glx fontconfig dbus-libs")


def uses_xcb(env: Mapping[str, str] = os.environ, platform: str = sys.platform) -> bool:
    """Will Qt start with its X11 (xcb) platform plugin? (Linux only; Wayland sessions use Wayland.)"""
    if not platform.startswith("linux"):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return chosen.split(";")[0].split(":")[0] == "xcb"
    return not (env.get("XDG_SESSION_TYPE") == "wayland" and env.get("WAYLAND_DISPLAY"))


def xcb_plugin(env: Mapping[str, str] = os.environ) -> Path | None:
    """The ``libqxcb.so`` Qt will load: from QT_QPA_PLATFORM_PLUGIN_PATH, else PySide6's own."""
    extra = env.get("QT_QPA_PLATFORM_PLUGIN_PATH")
    if extra and (Path(extra) / "libqxcb.so").is_file():
        return Path(extra) / "libqxcb.so"
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        p = Path(root) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if p.is_file():
            return p
    return None


def missing_libraries(plugin: Path) -> list[str]:
    """Shared libraries the plugin needs (directly or through Qt's own) that the dynamic loader
    cannot find, as ``ldd`` reports them. Empty if ``ldd`` is not there to ask."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    try:
        out = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=30,
                             env={**os.environ, "LC_ALL": "C"}).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    missing = {line.split("=>")[0].strip() for line in out.splitlines() if "=> not found" in line}
    return sorted(missing)


def advice(missing: list[str]) -> str:
    """What to tell the user: the missing libraries and one install command per distribution."""
    deb = sorted({PACKAGES[m][0] for m in missing if m in PACKAGES})
    fed = sorted({PACKAGES[m][1] for m in missing if m in PACKAGES})
    unknown = [m for m in missing if m not in PACKAGES]
    lines = ["annotator: the window cannot start: Qt's X11 platform plugin (xcb) needs system libraries "
             "that are not installed:"]
    lines += [f"  {m}" for m in missing]
    if deb:
        lines.append(f"Debian/Ubuntu:  sudo apt-get install {' '.join(deb)}")
        lines.append(f"Fedora:         sudo dnf install {' '.join(fed)}")
    if unknown:
        lines.append("Find the package that has " + ", ".join(unknown) + ": apt-file search NAME (Debian/Ubuntu) or "
                     "dnf provides '*/NAME' (Fedora).")
    lines.append("Everything a fresh desktop may lack, in one line:")
    lines.append(f"  {DEBIAN_LINE}")
    lines.append(f"  {FEDORA_LINE}")
    lines.append("(Headless commands, and `annotator --self-test`, work without them.)")
    return "\n".join(lines)


def check(env: Mapping[str, str] = os.environ) -> str | None:
    """None when the window can start as far as libraries go; otherwise what to print."""
    if not uses_xcb(env):
        return None
    plugin = xcb_plugin(env)
    if plugin is None:
        return None
    missing = missing_libraries(plugin)
    return advice(missing) if missing else None

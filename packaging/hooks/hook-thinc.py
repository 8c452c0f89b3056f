"""Replaces pyinstaller-hooks-contrib's thinc hook: CPU only, no GPU kernels, no tests."""

from PyInstaller.utils.hooks import collect_submodules


def _keep(name: str) -> bool:
    parts = name.split(".")
    return not (len(parts) > 1 and parts[1] == "tests")


hiddenimports = collect_submodules("thinc", filter=_keep)

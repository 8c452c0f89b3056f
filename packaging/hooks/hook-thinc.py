"""Replaces pyinstaller-hooks-contrib's thinc hook: no tests. The CUDA kernel sources stay:
thinc reads them at import time even on CPU (thinc/backends/_custom_kernels.py)."""

from PyInstaller.utils.hooks import collect_data_files, collect_submodules


def _keep(name: str) -> bool:
    parts = name.split(".")
    return not (len(parts) > 1 and parts[1] == "tests")


hiddenimports = collect_submodules("thinc", filter=_keep)
datas = collect_data_files("thinc", excludes=["**/tests/**", "**/*.pyx", "**/*.pxd", "**/*.pyi"])

"""Qt stays in annotator.qt; the layers import downwards only (import-linter contracts in pyproject)."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert exe, "import-linter is a test dependency"
    r = subprocess.run([exe, "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Contracts: 3 kept, 0 broken" in r.stdout


def _cycles(graph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.find_modules_directly_imported_by(w)))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                group = []
                while True:
                    x = stack.pop()
                    on.discard(x)
                    group.append(x)
                    if x == v:
                        break
                if len(group) > 1:
                    out.append(sorted(group))
    return out


def test_no_import_cycle_in_the_package():
    """Every module imports downwards: no two modules need each other, not even for type hints
    (the window and its features meet through ``annotator.qt.host``)."""
    import grimp

    graph = grimp.build_graph("annotator", exclude_type_checking_imports=False)
    assert _cycles(graph) == []


def test_one_undo_command_class():
    """Every edit in the window is undone through one command that wraps a typed Change."""
    import ast

    found = []
    for path in (ROOT / "annotator").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    getattr(b, "id", getattr(b, "attr", "")) == "QUndoCommand" for b in node.bases):
                found.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert found == ["annotator/qt/undo.py:ChangeCommand"]


def test_no_table_object_or_private_helper_outside_storage():
    """Services, formats, commands and the window reach storage through its functions and
    ``Project``; the table aliases (``D``, ``S``, …) and private helpers stay inside it."""
    import ast

    bad = []
    for path in (ROOT / "annotator").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("annotator/storage/"):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("annotator.storage"):
                for alias in node.names:
                    name = alias.name
                    if node.module == "annotator.storage.tables" or name.startswith("_") or \
                            (name.isupper() and len(name) <= 3):
                        bad.append(f"{rel}: from {node.module} import {name}")
    assert bad == []
